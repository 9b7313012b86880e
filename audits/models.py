"""Multi-agency audits: models arrive with this app's issue (see the issue tracker)."""
