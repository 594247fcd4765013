#!/usr/bin/env bash
# Chromium for the HTML report's browser test: Debian's package, installed when /usr/bin/chromium is missing.
#
#   bash .ci/browser.sh        # as root, no stdin; safe to run again (does nothing when it is there)
#
# REELGATE_CHROMIUM names another binary to look for (the script's tests use it).
# Progress and errors go to stderr; any failure exits non-zero with the reason.
set -euo pipefail

CHROMIUM="${REELGATE_CHROMIUM:-/usr/bin/chromium}"

say() { echo "browser.sh: $*" >&2; }
die() { say "error: $*"; exit 1; }

# The version line, which also proves the binary starts (a broken install fails here, not in the test).
report_version() {
    local version
    version="$(timeout 60 "$CHROMIUM" --version 2>/dev/null </dev/null)" \
        || die "$CHROMIUM is there but does not start ('$CHROMIUM --version' failed)"
    say "ready: $version ($CHROMIUM)"
}

if [[ -x "$CHROMIUM" ]]; then
    say "$CHROMIUM already installed"
    report_version
    exit 0
fi

[[ $EUID -eq 0 ]] || die "$CHROMIUM is missing and installing Debian's chromium needs root"
command -v apt-get >/dev/null 2>&1 || die "$CHROMIUM is missing and there is no apt-get to install it"
say "$CHROMIUM is missing; installing Debian's chromium with apt-get"
say "apt-get update"
apt-get update -qq >&2 </dev/null || die "apt-get update failed"
say "apt-get install chromium (this takes a minute)"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2 </dev/null \
    || die "apt-get install chromium failed"
[[ -x "$CHROMIUM" ]] || die "apt-get installed chromium but $CHROMIUM is still missing"
report_version
