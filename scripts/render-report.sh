#!/usr/bin/env bash
# Renders the self-evaluation report of an example product in headless Chromium and checks that
# the screenshot is not blank.  Not part of CI (Chromium is large); run by hand after a change to
# the report.  Usage: scripts/render-report.sh [OUT_DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${GLCA_BUILD_DIR:-$root/build}
out=${1:-$root/build/render}
mkdir -p "$out"
# Chromium, and a CJK font so the Chinese headings render (report text is UTF-8 either way).
for p in chromium fonts-wqy-microhei; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="${missing:-} $p"
done
if [ -n "${missing:-}" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing
fi
"$root/scripts/build.sh"
cd "$root"
"$build/cli/greenlca" report examples/room-air-conditioner.product.xml \
  --inventory inventories/data/uslci/uslci.inventory.xml \
  --method inventories/data/methods/ipcc-ar6-gwp100.method.xml \
  --rules-dir ruleset/rules -o "$out/report.html"
xmllint --html --noout "$out/report.html"
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size=1280,4000 \
  --screenshot="$out/report.png" "file://$out/report.html" 2>/dev/null
rm -rf "$profile"
/usr/bin/python3 "$root/tools/png_nonblank.py" "$out/report.png"
echo "render-report: $out/report.png"
