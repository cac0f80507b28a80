#!/usr/bin/env bash
# Installs what is missing, builds, and assesses the bundled example products on the bundled
# real data (USLCI processes, IPCC AR6 GWP100), printing their impact tables and verdicts.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GLCA_BUILD_DIR:-$root/build}
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root"
args=(--inventory inventories/data/uslci/uslci.inventory.xml
      --method inventories/data/methods/ipcc-ar6-gwp100.method.xml)
[ -d ruleset/rules ] && args+=(--rules-dir ruleset/rules)
"$build/cli/greenlca" assess examples/*.product.xml "${args[@]}"
# The review sheet an assessor checks the thresholds with (the first lines; --format csv for all).
"$build/cli/greenlca" ruleset explain ruleset/rules/room-air-conditioner.ruleset.xml | sed -n 1,9p
