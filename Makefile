# Crisis Center: `make run` starts everything, `make test` runs the whole suite.
# Without DATABASE_URL / REDIS_URL both use an embedded PostgreSQL and Redis under var/.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
EMBEDDED := $(PY) -m crisiscenter.embedded

.PHONY: run test lint bench install manage clean-var lock audit messages compilemessages

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,embedded]'
	touch $@

install: $(VENV)/.installed compilemessages

# Translations (docs/operations.md, "Languages"). Each app's Python strings live in <app>/locale/;
# templates/, static/js and crisiscenter/ in locale/ (django.po and djangojs.po). `make messages`
# extracts both sides after a string changes; `make install` compiles every catalog (.mo files are
# build output, not in git). msgfmt comes with GNU gettext (Debian: apt-get install gettext).
MESSAGE_LANGUAGES := zh_Hans
APPS := core playbooks social triage hubpage command
NOT_SOURCE := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=docs --ignore=deploy \
	--ignore=scripts --ignore=staticfiles --ignore=build --ignore=node_modules
MAKEMESSAGES := DEBUG=1 $(abspath $(PY)) $(abspath manage.py) makemessages --no-obsolete --add-location=file \
	$(foreach l,$(MESSAGE_LANGUAGES),-l $(l))

compilemessages: $(VENV)/.installed
	@command -v msgfmt >/dev/null 2>&1 || { echo "msgfmt is missing: install GNU gettext (apt-get install gettext)"; exit 1; }
	@# Without settings (no SECRET_KEY needed): it finds every locale/ folder under this one itself.
	env -u DJANGO_SETTINGS_MODULE $(VENV)/bin/django-admin compilemessages $(NOT_SOURCE) >/dev/null

messages: $(VENV)/.installed
	$(MAKEMESSAGES) $(NOT_SOURCE) --ignore='templates/hubpage/*' $(foreach a,$(APPS),--ignore='$(a)/*.py' --ignore='$(a)/*.html' --ignore='$(a)/*.txt')
	$(MAKEMESSAGES) -d djangojs $(NOT_SOURCE) --ignore=staticfiles --ignore='static/vendor'
	for app in $(filter-out hubpage,$(APPS)); do mkdir -p $$app/locale && (cd $$app && $(MAKEMESSAGES) --ignore=migrations) || exit 1; done
	sh scripts/hub_messages.sh

run: install
	$(PY) -m crisiscenter.devrun

test: install
	$(EMBEDDED) -- $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

# pip-audit: known vulnerabilities in the installed (pinned) dependencies; bandit: the code.
# docs/security.md explains every finding left.
audit: install
	$(VENV)/bin/pip-audit --skip-editable --progress-spinner off
	$(VENV)/bin/bandit -c pyproject.toml -r core crisiscenter playbooks social triage hubpage command -x '*/migrations/*' -q

BENCHMARKS := $(filter-out bench/__init__.py bench/harness.py bench/bursts.py bench/naive_tasks.py bench/naive_presence.py,$(wildcard bench/*.py))

bench: install
	@for b in $(BENCHMARKS); do echo "== $$b"; $(EMBEDDED) -- $(PY) $$b || exit 1; done

# make manage ARGS="createsuperuser"
manage: install
	$(EMBEDDED) -- $(PY) manage.py $(ARGS)

# requirements.lock: every runtime dependency of the production image, transitive ones
# included, pinned with the hashes of every file PyPI has for that version (so the same lock
# installs on amd64 and arm64). Run after changing [project] dependencies in pyproject.toml.
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes \
		--index-url https://pypi.org/simple --no-header --quiet -o requirements.lock

clean-var:
	rm -rf var/
