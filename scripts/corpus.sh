#!/usr/bin/env bash
# Debian packages whose sources are the corpus of tests/scoring/test_lizard_crosscheck.py
# (our cyclomatic complexity against lizard's, per language). Installs the missing ones;
# quiet when all are there. Needs root and apt-get; without them it says so and exits 0
# (the test then skips the languages whose corpus is absent, or fails on CI).
set -uo pipefail
PACKAGES=(
  libjs-jquery libjs-underscore libjs-marked libjs-chart.js                # javascript
  openjdk-17-source                                                        # java
  libstdc++-12-dev                                                         # cpp
  golang-github-burntsushi-toml-dev golang-github-google-go-cmp-dev         # go
  librust-either-dev librust-itertools-dev librust-regex-syntax-dev        # rust
)
say() { printf 'corpus: %s\n' "$*" >&2; }

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  say "not installed: ${missing[*]} (apt-get install them as root); tests/scoring/test_lizard_crosscheck.py skips those languages (fails on CI)"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt_install() { apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; }
apt-get update -qq >/dev/null 2>&1
if ! apt_install "${missing[@]}"; then
  failed=()
  for package in "${missing[@]}"; do apt_install "$package" || failed+=("$package"); done
  [ ${#failed[@]} -eq 0 ] || say "could not install: ${failed[*]}; tests/scoring/test_lizard_crosscheck.py skips those languages (fails on CI)"
fi
exit 0
