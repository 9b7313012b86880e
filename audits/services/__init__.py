"""Audit business rules: workflow (audits and cases), returns, immediate concerns, meeting and learning."""
