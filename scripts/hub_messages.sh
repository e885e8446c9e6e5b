#!/bin/sh
# Refresh the hub's catalogues (hubpage/locale/<lang>): the strings of hubpage/*.py and of
# templates/hubpage/ (the editor pages). makemessages run in hubpage/ alone would miss the
# templates and mark their translations obsolete, so they are linked in for the run.
# Then translate the new entries and run: cd hubpage && django-admin compilemessages
set -eu
cd "$(dirname "$0")/../hubpage"
ln -sfn ../templates/hubpage templates
trap 'rm -f templates' EXIT
../.venv/bin/django-admin makemessages --symlinks -e html,txt,py --add-location file \
    -i "management/*" -i "migrations/*" -l fr -l de -l zh_Hans "$@"
