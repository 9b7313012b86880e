"""Container health check: GET /healthz on the local gunicorn, exit 0 only on HTTP 200.

Uses only the standard library (urllib), so the image needs no curl. Django checks the Host header
against ALLOWED_HOSTS, so the request names the first allowed host; behind a TLS-terminating proxy
(BEHIND_PROXY=true) it also says the original request was HTTPS, as the proxy would, so that
SECURE_SSL_REDIRECT does not answer with a redirect. Redirects are never followed.

Usage: python docker/healthcheck.py [URL]   (default http://127.0.0.1:8000/healthz)
"""
import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def host_header() -> str | None:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if host and host != "*":
            # ".example.org" allows example.org and every subdomain of it
            return host.lstrip(".")
    return None


def main(url: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": "merton-qa-healthcheck"})
    host = host_header()
    if host:
        request.add_header("Host", host)
    if os.environ.get("BEHIND_PROXY", "").strip().lower() in {"1", "true", "yes", "on", "y"}:
        request.add_header("X-Forwarded-Proto", "https")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=4) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        print(f"unhealthy: {url}: {error}", file=sys.stderr)
        return 1
    if status == 200:
        return 0
    print(f"unhealthy: {url} answered HTTP {status}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL))
