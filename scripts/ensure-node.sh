#!/usr/bin/env bash
# Make sure Node.js and npm can run the audit's pinned tools (audit/package.json): Node 18.19 or
# newer (html-validate 9.7: ^18.19 or >= 20.6; Lighthouse 12.8: >= 18.16). A machine without them
# gets Debian's packages when we are root (bookworm: Node 18.20).
set -euo pipefail
new_enough() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
      process.exit(a > 20 || (a === 20 && b >= 6) || (a === 18 && b >= 19) || a === 19 ? 0 : 1)'
}
if new_enough; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's nodejs and npm for the audit"
  apt-get -o DPkg::Lock::Timeout=120 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 install -y -qq nodejs npm >/dev/null
fi
if ! new_enough; then
  echo "ensure-node: Node.js 18.19+ (or 20.6+) and npm are needed: $(node --version 2>/dev/null || echo none found)" >&2
  exit 1
fi
