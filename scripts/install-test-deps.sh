#!/usr/bin/env bash
# Installs what the test suites need beyond the .NET SDK, on Debian 12 (bookworm):
#   - the third-party parsers of the conformance suite (tests/conformance): python3-icalendar,
#     python3-vobject, python3-feedparser, python3-recurring-ical-events for /usr/bin/python3, libical (compiled checker),
#     ical.js and standardwebhooks through npm (exact versions pinned in tests/conformance/package-lock.json);
#   - PostgreSQL and Redis for the storage and cache suites;
#   - the CalDAV clients the CalDAV suites drive against a real server: python3-caldav,
#     vdirsyncer and khal (tests/clients/caldav);
#   - Debian's Chromium, playwright-core and axe-core (npm, pinned in tests/browser/package-lock.json)
#     for the browser tests of the subscribe page and the schedule grid.
#
# Idempotent and silent when everything is present. Runs `apt-get update` only when a
# package is missing. Works as root or through sudo; never prompts (CI=true or not).
#
# Usage: scripts/install-test-deps.sh
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
conformance_dir="$repo_root/tests/conformance"
build_dir="$conformance_dir/.build"

say() { printf 'install-test-deps: %s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        # In CI there is nobody to type a password: fail instead of waiting.
        if [ "${CI:-}" = "true" ]; then sudo -n "$@"; else sudo "$@"; fi
    else
        say "need root (or sudo) to run: $*"
        exit 1
    fi
}

apt_packages=(
    python3
    python3-icalendar
    python3-vobject
    python3-feedparser
    python3-recurring-ical-events
    libical-dev
    pkg-config
    gcc
    libc6-dev
    postgresql
    redis-server
    chromium
    fonts-noto-cjk
    python3-caldav
    vdirsyncer
    khal
)
# Node.js only when no node is installed at all: a newer one from elsewhere is fine.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    apt_packages+=(nodejs npm)
fi

missing=()
for package in "${apt_packages[@]}"; do
    status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
    if [ "$status" != "installed" ]; then
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    # Services must not start inside containers without an init system; the suites start
    # their own PostgreSQL/Redis instances when they need them.
    as_root env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The python modules must import in Debian's interpreter: a pyenv/venv "python3" earlier
# on PATH does not see the apt packages, so the suite always calls /usr/bin/python3.
if ! /usr/bin/python3 -c 'import icalendar, vobject, feedparser' 2>/dev/null; then
    say "/usr/bin/python3 cannot import icalendar, vobject and feedparser after installation"
    exit 1
fi

# ical.js, exactly as locked. `npm ci` replaces node_modules, so run it only when the
# installed version differs from the lock file.
locked_version="$(node -e 'const l=require(process.argv[1]);process.stdout.write(l.packages["node_modules/ical.js"].version)' \
    "$conformance_dir/package-lock.json")"
installed_version="$(node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch{}' \
    "$conformance_dir/node_modules/ical.js/package.json" 2>/dev/null || true)"
# standardwebhooks (the Standard Webhooks reference verifier) comes from the same lock file.
locked_webhooks="$(node -e 'const l=require(process.argv[1]);process.stdout.write(l.packages["node_modules/standardwebhooks"].version)' \
    "$conformance_dir/package-lock.json")"
installed_webhooks="$(node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch{}' \
    "$conformance_dir/node_modules/standardwebhooks/package.json" 2>/dev/null || true)"
if [ "$installed_version" != "$locked_version" ] || [ "$installed_webhooks" != "$locked_webhooks" ]; then
    say "installing ical.js $locked_version and standardwebhooks $locked_webhooks (npm ci)"
    (cd "$conformance_dir" && CI=true npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# playwright-core for the browser tests, exactly as locked; it drives /usr/bin/chromium and
# never downloads a browser of its own.
browser_dir="$repo_root/tests/browser"
locked_playwright="$(node -e 'const l=require(process.argv[1]);process.stdout.write(l.packages["node_modules/playwright-core"].version)' \
    "$browser_dir/package-lock.json")"
installed_playwright="$(node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch{}' \
    "$browser_dir/node_modules/playwright-core/package.json" 2>/dev/null || true)"
# axe-core (the accessibility checks of the schedule grid), exactly as locked, too.
locked_axe="$(node -e 'const l=require(process.argv[1]);process.stdout.write(l.packages["node_modules/axe-core"].version)' \
    "$browser_dir/package-lock.json")"
installed_axe="$(node -e 'try{process.stdout.write(require(process.argv[1]).version)}catch{}' \
    "$browser_dir/node_modules/axe-core/package.json" 2>/dev/null || true)"
if [ "$installed_playwright" != "$locked_playwright" ] || [ "$installed_axe" != "$locked_axe" ]; then
    say "installing playwright-core $locked_playwright and axe-core $locked_axe (npm ci)"
    (cd "$browser_dir" && CI=true PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# The libical checker. The binary's name carries a hash of its source, so the test suite
# can tell a stale build from a current one without trusting file times.
source_file="$conformance_dir/libical_check.c"
source_hash="$(sha256sum "$source_file" | cut -c1-16)"
binary="$build_dir/libical_check-$source_hash"
if [ ! -x "$binary" ]; then
    say "compiling $(basename "$source_file")"
    mkdir -p "$build_dir"
    # shellcheck disable=SC2046 # pkg-config prints several words on purpose
    gcc -O2 -std=c11 -Wall -Wextra -Werror -o "$binary.tmp" "$source_file" \
        $(pkg-config --cflags --libs libical)
    mv "$binary.tmp" "$binary"
    # Older builds of other source versions are useless now.
    find "$build_dir" -maxdepth 1 -name 'libical_check-*' ! -name "$(basename "$binary")" -delete
fi
