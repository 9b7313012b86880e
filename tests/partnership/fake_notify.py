"""A local HTTP server that speaks GOV.UK Notify's documented API (docs.notifications.service.gov.uk/rest-api.html),
for the tests of the Notify email backend, its status read-back and `check_notify`.

It checks each request the way Notify does: a JWT bearer token signed (HS256) with the API key's secret, whose
`iss` is the service id and whose `iat` is within 30 seconds of now; the documented JSON body of
POST /v2/notifications/email (email_address, template_id, personalisation, reference, nothing else); and it answers
with the documented shapes and error bodies. Tests set each notification's status to drive the read-back.
"""
import json
import re
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"merton_qa_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
EMAIL_FIELDS = {"email_address", "template_id", "personalisation", "reference", "email_reply_to_id",
                "one_click_unsubscribe_url"}
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PLACEHOLDER = re.compile(r"\(\(([^)]+)\)\)")


class Refused(Exception):
    def __init__(self, status: int, error: str, message: str):
        self.status, self.error, self.message = status, error, message


class FakeNotify:
    def __init__(self, *, service_id: str = SERVICE_ID, secret: str = SECRET):
        self.service_id, self.secret = service_id, secret
        self.templates = {TEMPLATE_ID: {"subject": "((subject))", "body": "((body))", "name": "Merton QA: any email"}}
        self.notifications: dict[str, dict] = {}
        self.requests: list[dict] = []  # every request that passed authentication: method, path, json, claims
        self.refused: list[tuple[int, str]] = []
        self.sent: list[dict] = []  # the bodies of the emails it accepted
        self.status_after_send = "created"
        self.fail_sends_with: int | None = None  # e.g. 500: Notify is down
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def set_status(self, notify_id: str, status: str) -> None:
        with self.lock:
            self.notifications[notify_id]["status"] = status
            if status not in ("created", "sending", "pending"):
                self.notifications[notify_id]["completed_at"] = _now()

    # --- Notify's behaviour
    def authenticate(self, header: str) -> dict:
        if not header.startswith("Bearer "):
            raise Refused(401, "AuthError", "Unauthorized: authentication token must be provided")
        token = header.removeprefix("Bearer ")
        try:
            if jwt.get_unverified_header(token).get("alg") != "HS256":
                raise Refused(403, "AuthError", "Invalid token: algorithm used is not HS256")
            claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"verify_iat": False})
        except jwt.InvalidTokenError as error:
            raise Refused(403, "AuthError", "Invalid token: API key not found") from error
        if claims.get("iss") != self.service_id:
            raise Refused(403, "AuthError", "Invalid token: service not found")
        if "iat" not in claims or abs(time.time() - int(claims["iat"])) > 30:
            raise Refused(403, "AuthError", "Error: Your system clock must be accurate to within 30 seconds")
        return claims

    def post_email(self, body) -> tuple[int, dict]:
        if self.fail_sends_with:
            raise Refused(self.fail_sends_with, "Exception", "Internal server error")
        if not isinstance(body, dict):
            raise Refused(400, "ValidationError", "Request body is not a JSON object")
        unknown = set(body) - EMAIL_FIELDS
        if unknown:
            raise Refused(400, "ValidationError", f"Additional properties are not allowed ({sorted(unknown)})")
        for field in ("email_address", "template_id"):
            if not isinstance(body.get(field), str):
                raise Refused(400, "ValidationError", f"{field} is a required property")
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", body["email_address"]):
            raise Refused(400, "ValidationError", "email_address Not a valid email address")
        if not UUID.match(body["template_id"]) or body["template_id"] not in self.templates:
            raise Refused(400, "BadRequestError", "Template not found")
        personalisation = body.get("personalisation", {})
        if not isinstance(personalisation, dict) or not isinstance(body.get("reference", ""), str):
            raise Refused(400, "ValidationError", "personalisation must be an object, reference a string")
        template = self.templates[body["template_id"]]
        wanted = set(PLACEHOLDER.findall(template["subject"] + template["body"]))
        missing = sorted(wanted - set(personalisation))
        if missing:
            raise Refused(400, "BadRequestError", f"Missing personalisation: {', '.join(missing)}")
        fill = lambda text: PLACEHOLDER.sub(lambda m: str(personalisation[m.group(1)]), text)  # noqa: E731
        notify_id = str(uuid.uuid4())
        notification = {
            "id": notify_id, "reference": body.get("reference"), "email_address": body["email_address"],
            "phone_number": None, "line_1": None, "type": "email", "status": self.status_after_send,
            "template": {"id": body["template_id"], "version": 1,
                         "uri": f"{self.url}/v2/template/{body['template_id']}/version/1"},
            "body": fill(template["body"]), "subject": fill(template["subject"]),
            "created_at": _now(), "created_by_name": None, "sent_at": None, "completed_at": None,
        }
        with self.lock:
            self.notifications[notify_id] = notification
            self.sent.append(body)
        return 201, {
            "id": notify_id, "reference": body.get("reference"),
            "content": {"subject": notification["subject"], "body": notification["body"],
                        "from_email": "merton.qa@notifications.service.gov.uk", "one_click_unsubscribe_url": None},
            "uri": f"{self.url}/v2/notifications/{notify_id}", "template": notification["template"],
            "scheduled_for": None,
        }

    def get(self, path: str) -> tuple[int, dict]:
        if match := re.fullmatch(r"/v2/notifications/([^/]+)", path):
            if not UUID.match(match[1]):
                raise Refused(400, "ValidationError", "notification_id is not a valid UUID")
            with self.lock:
                notification = self.notifications.get(match[1])
            if notification is None:
                raise Refused(404, "NoResultFound", "No result found")
            return 200, dict(notification)
        if match := re.fullmatch(r"/v2/template/([^/]+)", path):
            template = self.templates.get(match[1])
            if template is None:
                raise Refused(404, "NoResultFound", "No result found")
            return 200, {"id": match[1], "type": "email", "created_at": "2026-01-05T10:00:00.000000Z",
                         "updated_at": None, "created_by": "bu@merton.gov.uk", "version": 1, **template}
        raise Refused(404, "NotFound", "The requested URL was not found on the server.")

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, method):
                try:
                    claims = fake.authenticate(self.headers.get("Authorization", ""))
                    length = int(self.headers.get("Content-Length") or 0)
                    raw = self.rfile.read(length) if length else b""
                    body = json.loads(raw) if raw else None
                    fake.requests.append({"method": method, "path": self.path, "json": body, "claims": claims,
                                          "content_type": self.headers.get("Content-Type")})
                    if method == "POST" and self.path == "/v2/notifications/email":
                        status, answer = fake.post_email(body)
                    elif method == "GET":
                        status, answer = fake.get(self.path)
                    else:
                        raise Refused(405, "MethodNotAllowed", "Method not allowed")
                except Refused as refused:
                    fake.refused.append((refused.status, refused.message))
                    status, answer = refused.status, {"status_code": refused.status,
                                                      "errors": [{"error": refused.error, "message": refused.message}]}
                except ValueError:
                    status, answer = 400, {"status_code": 400,
                                           "errors": [{"error": "ValidationError", "message": "Invalid JSON"}]}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer("GET")

            def do_POST(self):
                self._answer("POST")

        return Handler


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime())
