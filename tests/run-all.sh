#!/usr/bin/env bash
# Runs every test: the Rust unit and integration tests, then the browser tests
# in headless Chromium against the example site built by the same debug binary.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo fmt --all -- --check
cargo test --locked --all-targets

if [ ! -d tests/browser/node_modules ]; then
  npm ci --prefix tests/browser --no-audit --no-fund
fi
npm test --prefix tests/browser
