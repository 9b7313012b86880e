"""Single-use links for people without an account (a booking, a manager's approval, a senior officer's
sign-off): a random token goes in the email, only its hash is stored, so a copy of the database opens nothing."""
import hashlib
import secrets


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A new random token and its hash: email the first, store the second."""
    raw = secrets.token_urlsafe(32)
    return raw, hash_token(raw)


def plausible(raw: str) -> bool:
    """Cheap refusal of what cannot be a token, before any database look-up."""
    return bool(raw) and len(raw) <= 100
