#!/usr/bin/env bash
# Installs the Debian packages the project needs to build, run and test,
# non-interactively; does nothing when they are all present.
set -euo pipefail

PACKAGES=(
  # build
  cmake g++ make pkg-config
  libfcgi-dev libjsoncpp-dev libmysqlcppconn-dev libmemcached-dev libldap2-dev
  libboost-test-dev libsodium-dev libjwt-dev libssl-dev libcurl4-openssl-dev
  # libgd: uploaded photos are decoded and written again with it, and the
  # demo listings' photos (zufang-demo-photos) drawn, with a font holding
  # the Chinese characters it writes on them
  libgd-dev fonts-wqy-microhei
  # the reports group's workbooks (XLSX written row by row, constant memory)
  libxlsxwriter-dev
  # the private stack
  mariadb-server mariadb-client memcached slapd ldap-utils nginx spawn-fcgi multiwatch
  # tests and benchmarks (socat: raw requests to Nginx, and the link to memcached the fault tests cut)
  curl wrk docker-compose procps openssl socat
  # tests/reports.sh reads the downloaded workbooks
  python3-openpyxl
  # the browser tests and Lighthouse drive Debian's Chromium (no browser
  # is downloaded by an npm package)
  chromium
)
# The pages are built with Node.js 18 or later and npm (tools/build-site.sh):
# Debian's when the machine has none of its own.
command -v node >/dev/null || PACKAGES+=(nodejs)
command -v npm >/dev/null || PACKAGES+=(npm)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
# Package scripts must not start the system's own services: the project runs
# private instances under STATE_DIR.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
