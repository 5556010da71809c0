#!/usr/bin/env bash
# Times the live preview on a synthetic site: from saving a changed offer to
# the build event and to the reloaded page (median of several runs).
#
#   bash tests/bench/reload.sh [aantal-aanbod] [runs]
#
# Defaults: 1000 offers (100 providers), 15 runs.
set -euo pipefail
cd "$(dirname "$0")/../.."

offers="${1:-1000}"
runs="${2:-15}"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT

cargo build --release --quiet --example synthetic_site --example serve_reload --bin sociale-kaart
target/release/examples/synthetic_site "$site" "$offers" "$((offers / 10))"
export SOURCE_DATE_EPOCH=1795392000
echo "full build of the same site, for comparison:"
target/release/sociale-kaart --site "$site" build --timings 2>&1 | grep -E '^  |Klaar'
target/release/examples/serve_reload "$site" "$runs"
