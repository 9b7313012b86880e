from django.apps import AppConfig


class MertonQaConfig(AppConfig):
    """The composition root as an app: it has no models, only the board report and the daily digest."""

    name = "merton_qa"
    verbose_name = "Merton QA"

    def ready(self):
        from merton_qa import board_report, tasks, yearly_report  # noqa: F401 - registers the exports and tasks
