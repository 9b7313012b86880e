"""Section 11: models arrive with this app's issue (see the issue tracker)."""
