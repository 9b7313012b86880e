"""gunicorn's access log, with the secrets of one-time links masked (partnership.url_secrets.redact): the request
line, the path, the query string, the referrer and every header a log format can name."""
from gunicorn.glogging import Logger

from partnership.url_secrets import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}
