#!/usr/bin/env bash
# Browser smoke test of seq2seq-gpu: builds examples/web_smoke.rs for wasm32, binds it with
# wasm-bindgen (same version as Cargo.lock), serves this folder on 127.0.0.1 and runs it in headless
# Chromium (WebGPU) in the page and in a dedicated worker. Needs chromium, wasm-bindgen-cli and the
# npm package playwright-core (the repository's node_modules). BENCH=1 adds the in-browser benchmark.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"
cargo build -p seq2seq-gpu --example web_smoke --target wasm32-unknown-unknown --release -j2
wasm-bindgen --target web --out-dir "$here/pkg" target/wasm32-unknown-unknown/release/examples/web_smoke.wasm
port="${PORT:-8917}"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$here" >/dev/null 2>&1 &
server=$!
trap 'kill "$server"' EXIT
sleep 1
# BENCH=1 also runs the benchmark suite (BenchConfig::browser) in the page.
query=""
[ "${BENCH:-0}" = 1 ] && query="?bench"
NODE_PATH="$root/node_modules" node "$here/smoke.mjs" "http://127.0.0.1:$port/index.html$query"
