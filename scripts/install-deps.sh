#!/usr/bin/env bash
# Installs the Debian packages greenlca needs, only those that are missing (idempotent).
set -euo pipefail
pkgs=(build-essential cmake pkg-config libxml2-dev libxml2-utils libsqlite3-dev
      libsuitesparse-dev libcriterion-dev librandom123-dev python3 python3-numpy python3-scipy
      libzip-dev libopenmpi-dev openmpi-bin clang libclang-rt-14-dev libfuzzer-14-dev libomp-14-dev
      libmetis-dev libopenblas-dev sqlite3 zip unzip)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
