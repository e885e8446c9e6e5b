# syntax=docker/dockerfile:1
# One image for every Crisis Center process: web (gunicorn, the default), ws (uvicorn),
# Celery worker and beat, and the one-shot migrate. See docker-compose.yml.
#
# Multi-arch: python:3.11-slim is published for amd64 and arm64, and requirements.lock holds
# the hashes of every wheel PyPI has for each pinned version, so the same file builds both:
#   docker buildx build --platform linux/amd64,linux/arm64 -t crisiscenter:latest .
# The translations are compiled in a stage of their own, so GNU gettext (msgfmt) stays out of the
# image: only the .mo files it writes are copied below. Every catalog is compiled, the project's
# (locale/) and each app's (<app>/locale/).
FROM python:3.11-slim AS messages
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends gettext >/dev/null \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN find . -path '*/locale/*/LC_MESSAGES/*.po' -print0 \
      | xargs -0 -r -I{} sh -c 'msgfmt --check-format -o "${1%.po}.mo" "$1"' _ {} \
 && mkdir /mo && find . -name '*.mo' -exec cp --parents {} /mo/ \;

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

# Dependencies first, from the lock only (`make lock` writes it): every package, transitive ones
# included, pinned and checked against its hashes; --no-deps so nothing unlisted slips in. The
# dev-only extras (embedded PostgreSQL and Redis, honcho) are not in it. A layer of its own, so a
# code change does not reinstall them. Every dependency ships a wheel for amd64 and arm64, so no
# compiler is needed; the pip cache stays out of the image.
COPY requirements.lock .
RUN --mount=type=cache,target=/root/.cache/pip \
    pip install --require-hashes --no-deps --only-binary=:all: -r requirements.lock

# The code is imported from /app (PYTHONPATH), not installed as a package.
# The last step gives VAR_DIR and HUB_ROOT to the app user: an empty named volume mounted
# there takes that owner, so the app can write to it.
COPY . .
COPY --from=messages /mo/ /app/
RUN python -m compileall -q /app \
 && SECRET_KEY=collectstatic-only EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend \
      python manage.py collectstatic --no-input \
 && install -d -o app -g app /var/lib/crisiscenter /srv/hub

USER app
EXPOSE 8000
CMD ["gunicorn", "crisiscenter.wsgi", "-w", "4", "-b", "0.0.0.0:8000"]
