#!/usr/bin/env bash
# What the project needs beyond Python packages, from Debian: checked by make, installed by CI or a person.
#
#   scripts/install-system-deps.sh --check [COMPONENT...]   say what is missing and the one command that
#                                                           installs it, exit 1; exit 0 when nothing is
#   scripts/install-system-deps.sh [COMPONENT...]           install what is missing (apt-get; sudo when
#                                                           not root): .ci/run does this on a fresh machine
#
# Components: base (make, Python's venv, npm), browser (Debian chromium and the fonts the pages and the
# printed profile use), nginx (the load balancer of `make serve` and the serve tests); default: all three.
# `make test` runs `--check base browser nginx` and `make serve` checks nginx: make never installs
# system packages itself (no sudo, no apt-get).  axe-core comes from npm into node_modules (make does
# that: no root needed).
set -euo pipefail

CHECK=""
if [ "${1:-}" = "--check" ]; then
  CHECK=1
  shift
fi
[ "$#" -eq 0 ] && set -- base browser nginx

missing=()
need() {  # need PACKAGE TEST...: the Debian package when the test command fails
  local package="$1"
  shift
  "$@" >/dev/null 2>&1 || missing+=("$package")
}
has() { command -v "$1" || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
font() { [ -f "/usr/share/fonts/truetype/$1" ]; }

for what in "$@"; do
  case "$what" in
    base)
      need make has make
      need python3-venv python3 -c "import ensurepip, venv"
      need npm has npm
      ;;
    browser)
      need chromium has chromium
      need fonts-dejavu-core font dejavu/DejaVuSans.ttf
      need fonts-liberation font liberation/LiberationSans-Regular.ttf
      ;;
    nginx) need nginx has nginx ;;
    *) echo "unknown component '$what' (base, browser, nginx)" >&2; exit 2 ;;
  esac
done

[ "${#missing[@]}" -eq 0 ] && exit 0
# --no-install-recommends: nginx's package service is never used (make serve runs nginx under supervisord
# with the project's configuration) and chromium needs none of its recommendations headless.
command="apt-get install -y --no-install-recommends ${missing[*]}"
if [ -n "$CHECK" ]; then
  echo "Missing system packages (Debian): ${missing[*]}. Install them with:" >&2
  echo "  sudo $command" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "Installing ${missing[*]} (apt-get)..." >&2
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive $command -qq >/dev/null
