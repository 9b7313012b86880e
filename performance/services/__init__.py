"""Performance services: every write and transition, keyword-only, in a transaction."""
