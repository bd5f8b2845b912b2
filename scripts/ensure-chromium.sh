#!/usr/bin/env bash
# Make sure a Chromium the browser tests can drive is installed, the way that works here:
# an existing chromium on PATH; else Debian's package when we are root; else Playwright's
# own download (machines with internet access, not root).
set -euo pipefail
PY=${PY:-.venv/bin/python}
for name in chromium chromium-browser; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "browser tests use $(command -v "$name")"
    exit 0
  fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  command -v chromium
  exit 0
fi
echo "no chromium on PATH: installing Playwright's Chromium"
"$PY" -m playwright install chromium
