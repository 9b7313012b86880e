"""Signing in with a work account: OpenID Connect, one identity provider per agency or group of agencies.

The rules, in one place:
- An email address whose domain an active `IdentityProvider` answers for is sent to that provider (the sign-in
  page asks for the email first, `provider_for`); everyone else signs in with their password as before.
- Password sign-in stays open for those domains unless the provider says otherwise (`password_refused`).
- The provider's answer is checked by mozilla-django-oidc (the code exchanged for tokens, the ID token's
  signature against the provider's published keys, the nonce) with our additions (`WorkAccountBackend`): the
  issuer, the audience, the expiry and the issue time, and a state used once only (`complete`).
- A person signs in only if they were invited: an account exists with the token's email address, that address
  is verified by the provider, the account's agency is one the provider serves, and the account is open. No
  account is ever created by signing in; a closed account stays closed.
- Lockout (django-axes, partnership/lockout.py), the session clocks and the security log apply as for a
  password: a refused person is a failed sign-in of that address, a locked account is refused before its
  session starts, and the sign-in goes through django.contrib.auth's `login`.
- The provider's multi-factor claim (`amr`, or `acr`) counts as two-factor sign-in only where its record says
  so (`mfa_satisfies_two_factor`); otherwise the authenticator code is still asked (partnership.middleware).
- Signing out ends the session here, then offers the provider's end-session page when it has one.
"""
import hashlib
import logging
import secrets
import time
from base64 import urlsafe_b64encode
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from partnership import backends, security_log
from partnership.links import site_link
from partnership.middleware import MFA_BY_PROVIDER
from partnership.models import IdentityProvider, User

log = logging.getLogger(__name__)
FLOWS = "work_account_flows"  # session: state -> the sign-in under way (its nonce, PKCE verifier, provider)
SIGNED_IN_WITH = "work_account_provider"  # session: the provider a person signed in through
END_SESSION = "work_account_end_session"  # the signed-out session: the provider's end-session address
FLOW_MAX_AGE = 10 * 60  # seconds to come back from the provider
FLOW_LIMIT = 5  # sign-ins under way in one browser (several tabs)
DISCOVERY_CACHE_SECONDS = 60 * 60
SCOPES = "openid email profile"
CLOCK_LEEWAY = 60  # seconds of clock difference allowed with the provider

PROBLEMS = {
    "cancelled": "Signing in with your work account was cancelled. Try again, or contact the business unit.",
    "state": "This sign-in link has already been used or has expired. Sign in again.",
    "provider": "Signing in with your work account is not available at the moment. Try again later, or contact "
                "the business unit.",
    "token": "Your work account's sign-in could not be checked. Sign in again; if it happens again, contact the "
             "business unit.",
    "unverified": "Your work account did not confirm your email address, so you cannot sign in with it. Contact "
                  "your IT team or the business unit.",
    "uninvited": "There is no account for this work account. Ask your agency's safeguarding lead or the business "
                 "unit to invite you.",
    "closed": "This account has been closed. Contact the business unit.",
    "locked": "This account is locked for 15 minutes after too many failed attempts to sign in.",
}


class WorkAccountError(Exception):
    def __init__(self, problem: str):
        super().__init__(problem)
        self.problem = problem

    @property
    def message(self) -> str:
        return PROBLEMS[self.problem]


def active_providers():
    return IdentityProvider.objects.filter(active=True)


def any_provider() -> bool:
    return active_providers().exists()


def provider_for(email: str) -> IdentityProvider | None:
    """The active provider answering for this address's domain (domains are unique among active providers)."""
    return next((p for p in active_providers() if p.answers_for(email)), None)


def password_refused(email: str) -> IdentityProvider | None:
    """The provider whose people may not sign in with a password, for this address, or None."""
    provider = provider_for(email)
    return provider if provider is not None and not provider.password_sign_in_allowed else None


def _discovery_key(provider: IdentityProvider) -> str:
    return "oidc-discovery:" + hashlib.sha256(provider.issuer.encode()).hexdigest()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def form_targets() -> list[str]:
    """Where the sign-in form may send the browser on (its CSP form-action, which a redirect is held to): the
    active providers' issuers and authorisation addresses, as far as they are known without asking them."""
    targets = set()
    for provider in active_providers():
        targets.add(_origin(provider.issuer))
        document = cache.get(_discovery_key(provider))
        if document:
            targets.add(_origin(document["authorization_endpoint"]))
    return sorted(targets)


def metadata(provider: IdentityProvider) -> dict:
    """The provider's discovery document (cached an hour), refused unless it names the configured issuer."""
    key = _discovery_key(provider)
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(provider.issuer.rstrip("/") + "/.well-known/openid-configuration",
                                    timeout=settings.OIDC_TIMEOUT)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as error:
            raise WorkAccountError("provider") from error
        if not isinstance(document, dict) or document.get("issuer") != provider.issuer or not all(
                isinstance(document.get(k), str) for k in ("authorization_endpoint", "token_endpoint", "jwks_uri")):
            raise WorkAccountError("provider")
        cache.set(key, document, DISCOVERY_CACHE_SECONDS)
    return document


def callback_url() -> str:
    """The redirect URI registered with every provider (from SITE_URL, never from the request's Host)."""
    return site_link(reverse("partnership:work-account-callback"))


def start(request, provider: IdentityProvider, *, email: str, next_url: str) -> str:
    """Remember a new sign-in in the session and answer the provider's authorisation address to send to."""
    document = metadata(provider)
    state, nonce, verifier = (secrets.token_urlsafe(32) for _ in range(3))
    flows = {s: f for s, f in request.session.get(FLOWS, {}).items() if time.time() - f["at"] < FLOW_MAX_AGE}
    for old in sorted(flows, key=lambda s: flows[s]["at"])[:max(0, len(flows) - FLOW_LIMIT + 1)]:
        del flows[old]
    flows[state] = {"provider": provider.pk, "nonce": nonce, "verifier": verifier, "next": next_url,
                    "at": time.time()}
    request.session[FLOWS] = flows
    challenge = urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    query = urlencode({
        "response_type": "code", "client_id": provider.client_id, "redirect_uri": callback_url(), "scope": SCOPES,
        "state": state, "nonce": nonce, "login_hint": email, "code_challenge": challenge,
        "code_challenge_method": "S256",
    })
    security_log.event("sign-in-work-account-start", request, outcome="success", obj=provider)
    return f"{document['authorization_endpoint']}?{query}"


class WorkAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow for one provider, answering the verified ID token's claims.

    Not in AUTHENTICATION_BACKENDS: `complete` calls it with the provider the sign-in started with, and signs
    the matched person in with the model backend. The library checks the signature (against the keys the
    provider publishes) and the nonce; `_verify_jws` adds the issuer, audience, expiry and issue time, which it
    leaves unchecked, and turns every refusal of PyJWT into SuspiciousOperation.
    """

    def __init__(self, provider: IdentityProvider, document: dict):
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = document["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = document.get("userinfo_endpoint", "")
        self.OIDC_OP_JWKS_ENDPOINT = document["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = "RS256"
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    def _verify_jws(self, payload, key):
        if jwt.get_unverified_header(payload).get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with RS256.")
        try:
            return jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                              issuer=self.provider.issuer, leeway=CLOCK_LEEWAY,
                              options={"require": ["iss", "aud", "exp", "iat", "sub"]})
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from error

    def retrieve_matching_jwk(self, token):
        """The library's key look-up, which needs a `kid` in the token's header; a provider publishing a single
        RSA key may leave it out (RFC 7515), and then that key is the one."""
        if "kid" in jwt.get_unverified_header(token):
            return super().retrieve_matching_jwk(token)
        response = requests.get(self.OIDC_OP_JWKS_ENDPOINT, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        keys = [k for k in response.json().get("keys", []) if k.get("kty") == "RSA" and k.get("use", "sig") == "sig"]
        if len(keys) != 1:
            raise SuspiciousOperation("The token names no key and the provider publishes more than one.")
        return jwt.PyJWK(keys[0])

    def get_token(self, payload):
        # The redirect URI the sign-in was started with (from SITE_URL), not one built from the request's Host.
        return super().get_token({**payload, "redirect_uri": callback_url()})

    def get_or_create_user(self, access_token, id_token, payload):
        return payload  # the verified claims: `complete` matches them to an invitation, and creates nobody


@dataclass
class SignedIn:
    user: User
    next_url: str


def _flow(request, state: str) -> dict | None:
    """The sign-in this state started, taken out of the session: a state is good once only."""
    flows = request.session.get(FLOWS, {})
    flow = flows.pop(state, None) if state else None
    if flow is not None:
        request.session[FLOWS] = flows
    if flow is None or time.time() - flow["at"] >= FLOW_MAX_AGE:
        return None
    return flow


def _refuse(request, problem: str, *, email: str = "", provider=None):
    security_log.event("sign-in-work-account", request, outcome="failure", reference=problem,
                       obj=provider)
    if email:  # counted as a failed sign-in of that account (lockout), and logged as one
        user_login_failed.send(sender=__name__, credentials={"username": email}, request=request)
    raise WorkAccountError(problem)


def _verified(claims: dict) -> bool:
    # OpenID Connect's email_verified; Microsoft Entra ID says the same with xms_edov (the domain's owner
    # verified it), an optional claim to add in the app registration.
    return any(claims.get(name) in (True, "true", "1", 1) for name in ("email_verified", "xms_edov"))


def _multi_factor(provider: IdentityProvider, claims: dict) -> bool:
    amr = claims.get("amr") or []
    amr = [amr] if isinstance(amr, str) else amr
    values = provider.mfa_value_set
    return bool(values & {str(v) for v in amr}) or str(claims.get("acr", "")) in values


def complete(request) -> SignedIn:
    """The provider sent the person back: check everything, then sign them in (or raise WorkAccountError)."""
    flow = _flow(request, request.GET.get("state", ""))
    if flow is None:
        _refuse(request, "state")
    if request.GET.get("error"):
        _refuse(request, "cancelled")
    provider = active_providers().filter(pk=flow["provider"]).first()
    if provider is None:
        _refuse(request, "provider")
    backend = WorkAccountBackend(provider, metadata(provider))
    try:
        claims = backend.authenticate(request, nonce=flow["nonce"], code_verifier=flow["verifier"])
    except (SuspiciousOperation, requests.RequestException, ValueError, KeyError) as error:
        log.warning("A work account's sign-in was refused by its checks: %s", error)  # for the business unit
        claims = None
    if not claims:
        _refuse(request, "token", provider=provider)
    email = str(claims.get("email") or "").strip().lower()
    if not email or not provider.answers_for(email):
        _refuse(request, "uninvited", provider=provider, email=email)
    if not _verified(claims):
        _refuse(request, "unverified", provider=provider, email=email)
    if AxesProxyHandler.is_locked(request, credentials={"username": email}):
        _refuse(request, "locked", provider=provider)
    user = User.objects.filter(email__iexact=email).first()
    if user is None or not provider.agencies.filter(pk=user.agency_id).exists():
        _refuse(request, "uninvited", provider=provider, email=email)
    if not user.is_active:
        _refuse(request, "closed", provider=provider, email=email)
    with transaction.atomic():
        login(request, user, backend=backends.PATH)
    request.session[SIGNED_IN_WITH] = provider.pk
    if provider.mfa_satisfies_two_factor and _multi_factor(provider, claims):
        request.session[MFA_BY_PROVIDER] = True
    security_log.event("sign-in-work-account", request, outcome="success", obj=provider, actor=str(user.pk))
    return SignedIn(user=user, next_url=flow["next"])


def end_session_url(provider_pk) -> str | None:
    """The provider's end-session page, coming back to our sign-in page, when it has one."""
    provider = active_providers().filter(pk=provider_pk).first() if provider_pk else None
    if provider is None:
        return None
    try:
        endpoint = metadata(provider).get("end_session_endpoint")
    except WorkAccountError:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urlencode({"client_id": provider.client_id,
                       "post_logout_redirect_uri": site_link(reverse("partnership:sign-in"))})
    return f"{endpoint}?{query}"
