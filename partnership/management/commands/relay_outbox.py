from django.core.management.base import BaseCommand

from partnership.services.outbox import relay_outbox


class Command(BaseCommand):
    help = "Publish pending outbox messages now (Celery beat does this every minute)."

    def handle(self, *args, **options):
        count = relay_outbox()
        self.stdout.write(f"Published {count} outbox message(s).")
