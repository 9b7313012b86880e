"""gunicorn reads this file from the directory it starts in (the app's root, in the image and in development)."""
logger_class = "merton_qa.gunicorn_logging.RedactingLogger"  # one-time links' tokens never reach the access log
