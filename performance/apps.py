from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "performance"
    verbose_name = "Performance framework"

    def ready(self):
        from performance import reports, tasks  # noqa: F401 - registers the PDF export and the tasks
