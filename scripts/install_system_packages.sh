#!/usr/bin/env bash
# Installs the Debian packages the project needs (see ../shared/STACK.md), only if some are missing.
set -euo pipefail
PACKAGES=(
  libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0   # WeasyPrint (harfbuzz-subset: 6x faster PDFs)
  poppler-utils                                          # pdftotext, pdffonts, pdftoppm in tests
  zbar-tools                                             # zbarimg: the tests read the printed QR codes
  gettext                                                # compilemessages / makemessages
  chromium                                               # browser tests (Playwright drives it)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm installs axe-core for the browser tests (package-lock.json); Debian's packages when it is absent.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends: chromium otherwise pulls 129 packages and the old fonts-liberation 1.x.
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
