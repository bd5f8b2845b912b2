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
# Another apt or dpkg at work (an unattended upgrade, another install) holds apt's locks: wait
# for it, up to 2 minutes, instead of failing. DPkg::Lock::Timeout makes apt-get wait for dpkg's
# lock; apt-get update's own lock (/var/lib/apt/lists/lock) it does not wait for (apt 2.6), so
# update is tried again while another holds that one.
LOCK_WAIT=120
apt_update() {
  local log waited=0
  log=$(mktemp)
  until apt-get -o DPkg::Lock::Timeout=$LOCK_WAIT update -qq 2>"$log"; do
    if ! grep -q "Could not get lock" "$log" || [ "$waited" -ge "$LOCK_WAIT" ]; then
      cat "$log" >&2
      rm -f "$log"
      return 1
    fi
    echo "apt-get update: another apt holds its lock; trying again in 5 s"
    sleep 5
    waited=$((waited + 5))
  done
  cat "$log" >&2
  rm -f "$log"
}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the browser tests"
  apt_update
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=$LOCK_WAIT install -y -qq chromium >/dev/null
  command -v chromium
  exit 0
fi
echo "no chromium on PATH: installing Playwright's Chromium"
"$PY" -m playwright install chromium
