"""Serious incidents and reviews: models arrive with this app's issue (see the issue tracker)."""
