"""Helpers for the double-submit tests: the token a page gave its form, and posting a form twice with it."""
import re

from partnership import form_tokens

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def tokens_on(page) -> list[str]:
    return TOKEN.findall(page.content.decode())


def post_twice(client, url, data, *, token=None):
    """Send the same rendered form twice (a double click): returns both responses."""
    data = {**data, form_tokens.FIELD: token or form_tokens.issue()}
    return client.post(url, data), client.post(url, data)
