#!/usr/bin/env bash
# What the project needs beyond Python, from Debian and npm.  Idempotent: installs only what is missing.
#
#   scripts/install-system-deps.sh            the browser tests' needs: Debian chromium, axe-core from npm
#   scripts/install-system-deps.sh nginx      Debian nginx, the load balancer of `make serve` (only that)
#   scripts/install-system-deps.sh browser nginx
#
# `make setup-dev` runs the first form; `make serve` runs the second when nginx is missing, so
# `make run` users are never asked for nginx.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
APT_UPDATED=""

apt_install() {  # apt_install PACKAGE...: one apt-get update per run, then install
  if [ -z "$APT_UPDATED" ]; then
    $SUDO apt-get update -qq
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

install_browser() {
  if ! command -v chromium >/dev/null 2>&1; then
    echo "Installing Debian chromium (for the browser tests)..." >&2
    apt_install chromium
  fi
  if [ ! -f node_modules/axe-core/axe.min.js ]; then
    echo "Installing axe-core from npm (package-lock.json)..." >&2
    npm ci --no-audit --no-fund --silent
  fi
}

install_nginx() {
  # Debian nginx: the core server with the upstream, proxy, gzip and headers modules that
  # deploy/nginx.conf.template uses; the package's own service is not used (scripts/serve.py runs
  # nginx in the foreground with the project's configuration).
  if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
    echo "Installing Debian nginx (the load balancer of make serve)..." >&2
    apt_install --no-install-recommends nginx
  fi
}

[ "$#" -eq 0 ] && set -- browser
for what in "$@"; do
  case "$what" in
    browser) install_browser ;;
    nginx) install_nginx ;;
    *) echo "unknown component '$what' (browser, nginx)" >&2; exit 2 ;;
  esac
done
