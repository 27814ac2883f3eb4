#!/usr/bin/env bash
# Refresh the catalogues from the code (run after adding strings), then fill the Vietnamese ones.
set -euo pipefail
cd "$(dirname "$0")/.."
DEBUG=1 .venv/bin/python manage.py makemessages -l vi -l en --ignore=.venv --ignore=build --ignore=node_modules --ignore=test-artefacts --no-obsolete -v0
DEBUG=1 .venv/bin/python manage.py compilemessages --ignore=.venv -v0
