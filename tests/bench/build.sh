#!/usr/bin/env bash
# Times full release builds of a synthetic site: median wall time of several
# runs, peak memory, CPU time, and the time of each stage of one more run.
#
#   bash tests/bench/build.sh [aantal-aanbod] [aantal-aanbieders] [runs]
#
# Defaults: 10000 offers, 1000 providers, 5 runs. Needs GNU time (/usr/bin/time).
#
# Each run builds into a fresh folder, and nothing is deleted until all runs
# are done. On ext4 without a journal, creating a file right after many
# files were deleted is slow (the allocator skips inodes freed in the last
# minutes), which would make every run pay for the previous run's clean-up.
# For the same reason, leave five minutes between two calls of this script:
# it deletes its runs when it ends.
# Before each run, `sync` writes the previous run's files to disk, so that
# a run does not share the machine with the kernel writing back 300 MB.
# One more run rebuilds over an existing public/ after one offer changed, as
# an editor's rebuild does: it compares every file with the published one
# and replaces only those that differ. Last, `check` runs on the same site
# (it compares every pair of offers that share a title word).
set -euo pipefail
cd "$(dirname "$0")/../.."

offers="${1:-10000}"
providers="${2:-$((offers / 10))}"
runs="${3:-5}"
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT

cargo build --release --quiet --example synthetic_site --bin sociale-kaart
target/release/examples/synthetic_site "$site" "$offers" "$providers"
bin="$PWD/target/release/sociale-kaart"
export SOURCE_DATE_EPOCH=1795392000

"$bin" --site "$site" build >/dev/null 2>&1 # warm the page cache
walls=()
peaks=()
for i in $(seq "$runs"); do
  sync
  out=$( { /usr/bin/time -f 'TIME %e %M %U %S' "$bin" --site "$site" build -o "$site/run-$i" >/dev/null; } 2>&1 | grep '^TIME')
  walls+=("$(echo "$out" | awk '{print $2}')")
  peaks+=("$(echo "$out" | awk '{print $3}')")
  echo "run $i: $(echo "$out" | awk '{print $2 " s wall, " $4 " s user, " $5 " s sys, " int($3 / 1024) " MB"}')"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "site: $offers aanbod, $providers aanbieders, $(find "$site/public" -type f | wc -l) files, $(du -sh "$site/public" | cut -f1)"
echo "wall seconds: median $(median "${walls[@]}") (runs: ${walls[*]})"
echo "peak memory: median $(( $(median "${peaks[@]}") / 1024 )) MB (max $(( $(printf '%s\n' "${peaks[@]}" | sort -g | tail -1) / 1024 )) MB)"
echo "rebuild over the existing public/ after changing one offer, stages:"
changed="$(find "$site/content/aanbod" -name '*.md' | sort | awk 'NR == 1')"
printf '\nDeze zin is nieuw.\n' >>"$changed"
sync
/usr/bin/time -f '  total %e s wall, %M KB' "$bin" --site "$site" build --timings 2>&1 | grep -E '^  |^Klaar'
echo "check of the same site:"
/usr/bin/time -f '  check %e s wall, %M KB' "$bin" --site "$site" check 2>&1 >/dev/null
