"""The client's address, read through the trusted proxies only."""
from django.test import RequestFactory

from partnership.net import client_ip


def request(**meta):
    return RequestFactory().get("/", **meta)


def test_without_proxies_the_socket_address_is_the_client(settings):
    settings.PROXY_COUNT = 0
    assert client_ip(request(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_saw_is_the_client_and_a_forged_prefix_is_ignored(settings):
    settings.PROXY_COUNT = 1
    forged = request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"


def test_a_missing_header_behind_a_proxy_falls_back_to_the_socket(settings):
    settings.PROXY_COUNT = 2
    assert client_ip(request(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "10.0.0.5"
