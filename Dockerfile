# merton-qa production image: gunicorn (web), Celery worker and beat all run from this one image.
# docker-compose.yml lays the services out; see docker/production.env.example for the settings.
FROM python:3.11-slim-bookworm

# gunicorn reads its worker count from WEB_CONCURRENCY: override per host (about 2 x cores + 1).
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# WeasyPrint 70 at run time: Pango (with its FreeType back end), HarfBuzz (and its subsetter),
# fontconfig with real fonts, and the MIME database. No compiler: every dependency installs as a wheel.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        libfontconfig1 \
        fontconfig \
        fonts-liberation \
        fonts-dejavu-core \
        shared-mime-info \
        poppler-utils \
    && fc-cache -f \
    && rm -rf /var/lib/apt/lists/*

# A non-root user, and the only places it may write: private media (evidence, reports) and the
# Celery beat schedule. Named volumes mounted there start with this ownership.
RUN groupadd --system --gid 10001 merton \
    && useradd --system --uid 10001 --gid merton --create-home --home-dir /home/merton \
        --shell /usr/sbin/nologin merton \
    && mkdir -p /var/lib/merton-qa/media /var/lib/celery \
    && chown -R merton:merton /var/lib/merton-qa /var/lib/celery

# Dependencies first (cached until pyproject.toml changes). The project declares no packages
# ([tool.setuptools] packages = []), so this installs the dependencies only, never the dev extras.
COPY pyproject.toml README* /tmp/build/
RUN pip install /tmp/build && rm -rf /tmp/build

# The code runs from /app (owned by root, read-only to the app user).
WORKDIR /app
COPY . /app

# Static files are collected into the image (whitenoise serves them, compressed and hashed).
# The key and host below exist only for this one build step; they are not kept in the image.
RUN DEBUG=false SECRET_KEY=collectstatic-only-not-a-secret ALLOWED_HOSTS=localhost \
        python manage.py collectstatic --noinput \
    && python -m compileall -q /app

ENV PRIVATE_MEDIA_ROOT=/var/lib/merton-qa/media

USER 10001:10001

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py", "http://127.0.0.1:8000/healthz"]

CMD ["gunicorn", "merton_qa.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "60", \
     "--access-logfile", "-"]
