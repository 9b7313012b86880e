"""Check the GOV.UK Notify set-up with a real message: `manage.py check_notify --to you@agency.gov.uk`.

Reads the configured template (it must use ((subject)) and ((body))), sends one test email through it with the
configured key, and waits for Notify to say whether it arrived. Exits non-zero, saying why, when Notify is not
configured, the key or the template is refused, or the email is not delivered.
"""
import argparse
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from partnership import notify
from partnership.dates import moment_words
from partnership.services.notify import STATUSES

FINAL = {"delivered", "permanent-failure", "temporary-failure", "technical-failure"}


class Command(BaseCommand):
    help = "Send a test email through GOV.UK Notify with the configured key and template, and report its delivery."

    def add_arguments(self, parser):
        parser.add_argument("--to", default="", help="Who gets the test email (default: SUPPORT_EMAIL).")
        parser.add_argument("--wait", type=float, default=60.0,
                            help="Seconds to wait for Notify's delivery status (0: do not wait).")
        parser.add_argument("--poll", type=float, default=5.0, help=argparse.SUPPRESS)  # seconds between reads

    def handle(self, *args, to, wait, poll, **options):
        if not notify.configured():
            raise CommandError("GOV.UK Notify is not configured: NOTIFY_API_KEY is not set, so email goes by "
                               "EMAIL_URL (SMTP). See docs/email.md.")
        if not settings.NOTIFY_TEMPLATE_ID:
            raise CommandError("NOTIFY_TEMPLATE_ID is not set: create the email template in Notify (subject "
                               "((subject)), message ((body))) and set its id.")
        to = to or settings.SUPPORT_EMAIL
        api = notify.client()
        self.stdout.write(f"GOV.UK Notify at {settings.NOTIFY_BASE_URL}, service {api.service_id}")
        try:
            template = api.get_template(settings.NOTIFY_TEMPLATE_ID)
        except Exception as error:  # noqa: BLE001 - Notify's own words are the useful part
            raise CommandError(f"Notify refused to show the template {settings.NOTIFY_TEMPLATE_ID}: {error}") from error
        missing = [field for field, placeholder in (("subject", "((subject))"), ("body", "((body))"))
                   if placeholder not in (template.get(field) or "")]
        if missing:
            raise CommandError(f"The template's {' and '.join(missing)} must be exactly the placeholder(s) "
                               "((subject)) and ((body)): the service writes each email's subject and body itself.")
        try:
            notify_id = notify.send(
                api, to=to, subject=f"Test message from {settings.SERVICE_NAME}",
                body=(f"GOV.UK Notify is set up for {settings.SERVICE_NAME} ({settings.SITE_URL}). Sent by "
                      f"`manage.py check_notify` at {moment_words(timezone.localtime())}."),
                reference="check-notify",
            )
        except Exception as error:  # noqa: BLE001
            raise CommandError(f"Notify refused the test email to {to}: {error}") from error
        self.stdout.write(f"Sent a test email to {to}: Notify's id {notify_id}")
        self._callback_advice()
        status = self._wait_for_status(api, notify_id, wait, poll)
        if status == "delivered":
            self.stdout.write(self.style.SUCCESS(f"Delivered to {to}."))
        elif status in FINAL:
            raise CommandError(f"Notify says the test email was not delivered: {status}.")
        else:
            self.stdout.write(self.style.WARNING(
                f"Notify still says {status or 'nothing'} after {wait:g} s; look for it in Notify's dashboard."))

    def _wait_for_status(self, api, notify_id: str, wait: float, poll: float) -> str:
        deadline = time.monotonic() + wait
        status = ""
        while True:
            try:
                status = api.get_notification_by_id(notify_id).get("status", "")
            except Exception as error:  # noqa: BLE001
                self.stdout.write(self.style.WARNING(f"Could not read its status: {error}"))
            if status in FINAL or status not in STATUSES or time.monotonic() + poll > deadline:
                return status
            time.sleep(poll)

    def _callback_advice(self):
        url = settings.SITE_URL + reverse("partnership:notify-callback")
        if settings.NOTIFY_CALLBACK_TOKEN:
            self.stdout.write(f"Delivery receipts: set Notify's callback URL to {url} with the bearer token in "
                              "NOTIFY_CALLBACK_TOKEN (the service also asks Notify every 5 minutes).")
        else:
            self.stdout.write(f"No NOTIFY_CALLBACK_TOKEN: delivery statuses are read back every 5 minutes only. "
                              f"For receipts at once, set one and give Notify the callback URL {url}.")
