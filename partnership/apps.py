from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership (shared kernel)"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        # Registered here so every process (web, worker, tests) knows them: Celery's autodiscovery
        # runs only when a worker starts, and the outbox relay publishes from the web process.
        from partnership import kept_forms, reports, security_log, tasks  # noqa: F401
        from partnership.middleware import start_session_clocks

        # Signing in starts the session's idle and absolute clocks (partnership.middleware enforces them).
        user_logged_in.connect(start_session_clocks, dispatch_uid="partnership-session-clocks")
        # Text kept when a session ended belongs to the person who typed it: anyone else signing in drops it.
        user_logged_in.connect(kept_forms.discard_other_peoples, dispatch_uid="partnership-kept-forms-owner")
