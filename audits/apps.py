from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Multi-agency audits"

    def ready(self):
        from audits import reports, tasks  # noqa: F401 - registers the report export and the tasks
