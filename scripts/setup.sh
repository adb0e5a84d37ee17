#!/usr/bin/env bash
# One-command setup: install harness and its dependencies, make sure a Docker engine
# is running, build the sandbox image. Safe to run again; quick when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
say() { printf 'setup: %s\n' "$*" >&2; }

# 1. Python packages. torch is pinned first so that nothing later pulls a CUDA build.
if ! "$PY" -c 'import torch' 2>/dev/null; then
  "$PY" -m pip install -q torch==2.13.0 || say "torch==2.13.0 not installable here; model generators will be unavailable"
fi
"$PY" -m pip install -q -e '.[dev]'
# Source files of the five non-Python languages, for the lizard cross-check tests.
bash scripts/corpus.sh

# 2. A Docker engine.
if ! docker info >/dev/null 2>&1; then
  if ! command -v dockerd >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "installing docker.io and debootstrap"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
    else
      say "no Docker engine: install Docker (e.g. apt-get install docker.io) and start it, then run this again"
      exit 1
    fi
  fi
  if [ "$(id -u)" = 0 ]; then
    say "starting dockerd in the background (log: /var/log/harness-dockerd.log)"
    nohup dockerd >/var/log/harness-dockerd.log 2>&1 &
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  fi
  docker info >/dev/null 2>&1 || { say "Docker engine not reachable; start it (sudo dockerd &) and run this again"; exit 1; }
fi
if ! command -v debootstrap >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
fi

# 3. Headless Chromium, for the tests that open HTML reports and leaderboard pages in a real browser.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing chromium (browser tests of the HTML report)"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    say "no chromium: the browser tests will skip (install Debian's chromium to run them)"
  fi
fi

# 4. The sandbox image (pulls the base, or bootstraps it offline with debootstrap).
"$PY" -m harness sandbox build
say "done"
