from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Multi-agency audits"

    def ready(self):
        from audits import tasks  # noqa: F401 - registers the tasks
