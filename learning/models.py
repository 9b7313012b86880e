"""Learning and development: models arrive with this app's issue (see the issue tracker)."""
