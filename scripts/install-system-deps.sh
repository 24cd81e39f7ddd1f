#!/usr/bin/env bash
# What the browser tests need beyond Python: Debian's chromium and axe-core from npm.
# Idempotent: does nothing when both are already there.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "Installing Debian chromium (for the browser tests)..." >&2
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "Installing axe-core from npm (package-lock.json)..." >&2
  npm ci --no-audit --no-fund --silent
fi
