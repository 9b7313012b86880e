from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "Learning and development"

    def ready(self):
        from learning import tasks  # noqa: F401 - registers the daily task
