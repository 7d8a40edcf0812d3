#!/usr/bin/env bash
# The Debian programs the test suite drives for real, installed when missing:
# chromium (the browser tests), age (the restore drill), nginx and pgbouncer (scaling out).
# `playwright install` cannot run here; Debian's packages can. Run by `make test`.
set -euo pipefail

declare -A package=([chromium]=chromium [age]=age [nginx]=nginx [pgbouncer]=pgbouncer)
missing=()
for program in "${!package[@]}"; do
  command -v "$program" >/dev/null 2>&1 || missing+=("${package[$program]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "The tests need ${missing[*]}: installing them from Debian."
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo -n apt-get update -qq
  sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
still=()
for program in "${!package[@]}"; do
  command -v "$program" >/dev/null 2>&1 || still+=("${package[$program]}")
done
if [ ${#still[@]} -gt 0 ]; then
  echo "make test needs these Debian packages and could not install them here: ${still[*]}." >&2
  echo "Install them as root (apt-get install ${still[*]}), then run make test again." >&2
  exit 1
fi
