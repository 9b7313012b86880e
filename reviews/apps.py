from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Serious incidents and reviews"

    def ready(self):
        from reviews import tasks  # noqa: F401 - registers the deadline reminder task
