#!/usr/bin/env bash
# Browser tests drive Debian's Chromium. Install it when it is missing and this machine allows it;
# otherwise say clearly that those tests will be skipped. Never fails the build by itself.
set -u
exe="${VIGIL_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$exe" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure_chromium: $exe missing; installing Debian's chromium package (once per machine)"
  if (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/tmp/vigil-chromium-install.log 2>&1; then
    echo "ensure_chromium: installed $(chromium --version 2>/dev/null)"
    exit 0
  fi
  echo "ensure_chromium: apt-get could not install chromium (see /tmp/vigil-chromium-install.log); browser tests will be skipped"
  exit 0
fi
echo "ensure_chromium: $exe missing and this user cannot install packages; browser tests will be skipped (install the chromium package, or set VIGIL_CHROMIUM)"
exit 0
