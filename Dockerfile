# syntax=docker/dockerfile:1
# One image for every Crisis Center process: web (gunicorn, the default), ws (uvicorn),
# Celery worker and beat, and the one-shot migrate. See docker-compose.yml.
FROM python:3.11-slim

# PYTHONPATH: settings.BASE_DIR is the folder above crisiscenter/, and templates/ and
# static/ live there, not in the installed package, so the code is always imported from /app.
# WHITENOISE_USE_FINDERS: static files are collected into the image below and served from there.
ENV PYTHONUNBUFFERED=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=crisiscenter.settings \
    PYTHONPATH=/app \
    VAR_DIR=/var/lib/crisiscenter \
    HUB_ROOT=/srv/hub \
    WHITENOISE_USE_FINDERS=false

RUN groupadd --system --gid 1000 app \
 && useradd --system --uid 1000 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app
COPY . .

# Every dependency ships a wheel, so no compiler is needed; the pip cache stays out of the image.
# The last step gives VAR_DIR and HUB_ROOT to the app user: an empty named volume mounted
# there takes that owner, so the app can write to it.
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install . \
 && rm -rf build ./*.egg-info \
 && python -m compileall -q /app \
 && SECRET_KEY=collectstatic-only EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
      python manage.py collectstatic --no-input \
 && install -d -o app -g app /var/lib/crisiscenter /srv/hub

USER app
EXPOSE 8000
CMD ["gunicorn", "crisiscenter.wsgi", "-w", "4", "-b", "0.0.0.0:8000"]
