from django.apps import AppConfig


class PartnershipConfig(AppConfig):
    name = "partnership"
    verbose_name = "Partnership (shared kernel)"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_save
        from simple_history.signals import pre_create_historical_record

        from partnership import kept_forms, pdf_engine, reports, security_log, tasks  # noqa: F401

        # WeasyPrint's SVG labels in one run and pydyf's page references once (partnership.pdf_engine), for the
        # pinned versions only: every process that makes a PDF has made Django ready first.
        pdf_engine.install()

        # Registered here so every process (web, worker, tests) knows them: Celery's autodiscovery
        # runs only when a worker starts, and the outbox relay publishes from the web process.
        from partnership.history import date_history_row, restamp_dated_creation
        from partnership.middleware import start_session_clocks

        # Signing in starts the session's idle and absolute clocks (partnership.middleware enforces them).
        user_logged_in.connect(start_session_clocks, dispatch_uid="partnership-session-clocks")

        # Every tag put on or taken off a record is kept, so a past period's coverage map can be made again.
        from partnership.tags import track

        track()
        # partnership.history.dated(): history rows of events seeded after the fact carry the event's date.
        pre_create_historical_record.connect(date_history_row, dispatch_uid="partnership-dated-history")
        post_save.connect(restamp_dated_creation, dispatch_uid="partnership-dated-creation")
        # partnership.snapshots.changed_since remembers for a second which history tables changed after a moment:
        # any history row written in this process, and each new request, forget it.
        from django.core.signals import request_started

        from partnership.snapshots import forget_changes

        pre_create_historical_record.connect(forget_changes, dispatch_uid="partnership-snapshots-forget")
        request_started.connect(forget_changes, dispatch_uid="partnership-snapshots-forget-request")
        # What a request computed once (partnership.request_memo) is forgotten on any tracked write in it.
        from partnership import request_memo

        pre_create_historical_record.connect(request_memo.forget, dispatch_uid="partnership-request-memo-forget")
        # Text kept when a session ended belongs to the person who typed it: anyone else signing in drops it.
        user_logged_in.connect(kept_forms.discard_other_peoples, dispatch_uid="partnership-kept-forms-owner")
