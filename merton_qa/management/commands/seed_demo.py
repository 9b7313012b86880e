"""`manage.py seed_demo`: invented demo data for an imaginary partnership, told as history. Idempotent.

No real person or child appears: every name is invented and every address is on example.org. The kernel seeds
agencies, people and the tracker's actions (`partnership.demo`); each app then adds its part through its
contribution's `demo` (partnership.contract), in `merton_qa.app_parts.DEMO_ORDER`; the composition root's own
(board packs, meetings, the yearly report, which read every app's records as they stood) comes last, once every
record and tag has its date.
"""
import datetime

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from merton_qa import demo as root_demo
from merton_qa.app_parts import DEMO_ORDER
from partnership import demo as kernel_demo
from partnership.demo_dates import at, date_tags_by_their_records
from partnership.models import Action, Agency, User


class Command(BaseCommand):
    help = "Load invented demo data (agencies, people, actions). Refused when DEBUG is off."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off (a test system).")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Demo data is only loaded with DEBUG on; it must never reach a live system.")
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("Set DEMO_PASSWORD to the password the demo accounts should have.")
        call_command("load_reference_data", stdout=self.stdout)
        seeding_from = timezone.now()
        with transaction.atomic():
            people, agencies, made = kernel_demo.seed(password=password, stdout=self.stdout)
            for app in DEMO_ORDER:
                app.demo(stdout=self.stdout, people=people, agencies=agencies)
            date_tags_by_their_records(seeding_from, story_start=at(datetime.date(2024, 4, 1)))
            root_demo.seed(stdout=self.stdout, people=people, agencies=agencies)
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {Agency.objects.count()} agencies, {User.objects.count()} people, "
            f"{Action.objects.count()} actions ({made} new)."
        ))
