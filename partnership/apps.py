from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership (shared kernel)"

    def ready(self):
        # Registered here so every process (web, worker, tests) knows them: Celery's autodiscovery
        # runs only when a worker starts, and the outbox relay publishes from the web process.
        from partnership import reports, security_log, tasks  # noqa: F401
