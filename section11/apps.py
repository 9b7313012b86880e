from django.apps import AppConfig


class Section11Config(AppConfig):
    name = "section11"
    verbose_name = "Section 11"

    def ready(self):
        from section11 import analysis_reports, reports, tasks  # noqa: F401 - registers the PDF exports and the tasks
