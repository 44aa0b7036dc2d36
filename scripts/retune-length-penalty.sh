#!/usr/bin/env bash
# Re-exports shipped models from their ladder runs (the same weights, runs/ladder/<id>/, last
# checkpoint) straight into www/models/, so that `export` chooses each one's length penalty α on
# dev (crates/train/src/length_penalty.rs) and re-scores dev, test and both ladders with it.
# Models replaced by a later run are exported from that run instead (see the README).
#
#   nice scripts/retune-length-penalty.sh gru-en-zh lstm-en-zh …
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/training-env.sh"
python3 scripts/ship-ladder-models.py --notes-only "$@"
for id in "$@"; do
  echo "== $id"
  "$BIN" export --run "runs/ladder/$id" --weights last --out www/models
done
