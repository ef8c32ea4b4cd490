#!/usr/bin/env bash
# install-deps.sh - install the Debian packages the tests use as real peers and file makers.
# Needs root (or sudo). Safe to run again: apt-get skips what is already installed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mapfile -t packages < <(grep -hv '^\s*#' "$HERE/apt-packages.txt" "$HERE/corpus/apt-packages.txt" 2>/dev/null | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  # Packages such as nginx start their service when installed (port 80, perhaps taken): the tests start their own
  # instances on free ports, so no service is started here (policy-rc.d 101 = "not allowed"; container images ship one).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null && $SUDO chmod 755 /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js and npm for the add-in's tests (tests/addin): the machine's own when present, else Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "install-deps: installing nodejs npm"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# Self-check: every peer feature the tests use, named here when missing instead of surfacing as a failing test.
# (A package can install and still lack a feature: swaks without Net::SSLeay has no STARTTLS.)
problems=()
support=$(swaks --support 2>&1 || true)
grep -q '^=== TLS supported' <<<"$support" || problems+=("swaks has no STARTTLS (needs libnet-ssleay-perl): $(grep TLS <<<"$support")")
grep -q '^=== Basic AUTH supported' <<<"$support" || problems+=("swaks has no AUTH PLAIN/LOGIN: $(grep 'Basic AUTH' <<<"$support")")
7z i 2>/dev/null | grep -q 'AES256CBC' || problems+=("7z lacks AES (p7zip-full)")
command -v chromium >/dev/null || problems+=("no chromium for the browser tests")
[ -x /usr/sbin/nginx ] || problems+=("no /usr/sbin/nginx for the console's reverse-proxy test (nginx)")
fc-list :lang=ja 2>/dev/null | grep -q . || problems+=("no Japanese font for the browser screenshots (fonts-noto-cjk)")
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
{ [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] && [ -x "$pg_bin/pg_ctl" ]; } || problems+=("no initdb/pg_ctl under /usr/lib/postgresql/*/bin for the PostgreSQL run (postgresql)")
[ "$(id -u)" -ne 0 ] || id -u postgres >/dev/null 2>&1 || problems+=("no postgres user to run the test cluster as (postgresql)")
if [ ${#problems[@]} -gt 0 ]; then
  printf 'install-deps: missing peer feature: %s\n' "${problems[@]}" >&2
  exit 1
fi
echo "install-deps: peer features present (swaks STARTTLS + AUTH, 7z AES, chromium, Japanese font, PostgreSQL $(basename "$(dirname "$pg_bin")") initdb + pg_ctl)"
