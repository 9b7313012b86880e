"""A real OpenID Connect provider on loopback for the work-account tests: oidc-provider-mock (Authlib's provider
server, on PyPI, in the test extra), started in a thread by the test run itself, so neither `make test` nor CI
needs anything started by hand.

Every person's claims are set on the provider (`set_claims`) before they sign in there; the provider's login page
is a form asking for the subject (`authorize` posts it, as the browser test does through the page itself).
"""
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import requests
from oidc_provider_mock import run_server_in_thread


@contextmanager
def running_provider(*, token_max_age: timedelta = timedelta(hours=1)):
    """A provider listening on a free loopback port; yields its issuer (http://localhost:<port>)."""
    with run_server_in_thread(port=0, require_nonce=True, access_token_max_age=token_max_age) as server:
        yield f"http://localhost:{server.server_port}"


def set_claims(issuer: str, sub: str, **claims) -> None:
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5)
    response.raise_for_status()


def authorize(authorization_url: str, sub: str) -> str:
    """Sign in on the provider's page as `sub`: answers the query string it sends back (code and state)."""
    response = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return urlsplit(response.headers["Location"]).query


def query_value(query: str, name: str) -> str:
    return parse_qs(query)[name][0]
