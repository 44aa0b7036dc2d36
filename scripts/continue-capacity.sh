#!/usr/bin/env bash
# Continued training of a finished capacity run (scripts/train-capacity.sh): copies the run
# directory <run> to <run>-c/ and resumes the copy with a larger time budget, which re-stretches
# its cosine decay over the new total from the resume step on (a warm restart; `train --resume
# --time-budget-minutes`, train/mod.rs). The copy is exported to runs/capacity/export-<name>-c/
# (dev and test, singles and ladder, beam 4, α chosen on dev), to be compared on dev with the
# shipped model before anything replaces www/models/.
# Resumable: run it again after an interruption and the run continues from its checkpoint.
#
#   nohup nice -n 10 scripts/continue-capacity.sh runs/capacity/gru-attn-zh-en-e128-h256 120 >> runs/capacity/gru-attn-zh-en-c.log 2>&1 &
#
# Arguments: the capacity run's directory and the run's total training time in minutes, the
# first run's included.
set -euo pipefail
from=${1%/}
budget=$2
source "$(dirname "${BASH_SOURCE[0]}")/training-env.sh"
[ -f "$from/state.json" ] || { echo "continue-capacity.sh: no run at $from (train it with scripts/train-capacity.sh first)" >&2; exit 2; }
run=$from-c
out=runs/capacity/export-$(basename "$run")
[ -f "$run/state.json" ] || { mkdir -p "$run"; cp -r "$from/." "$run/"; }
if [ "$(budget_spent "$run" "$budget")" = 0 ]; then
  "$BIN" train --resume --run-dir "$run" --time-budget-minutes "$budget" \
    --checkpoint-every 200 --eval-every 1000 --keep-snapshots 3
fi
# The card's "How this model was made" (export appends the run's card-notes.md); the copied
# run's note says how the first run was made.
if ! grep -q "Continued training" "$run/card-notes.md" 2>/dev/null; then
  cat >> "$run/card-notes.md" <<NOTE

Continued training: the finished run resumed with a larger time budget, $budget minutes of
training in all, which re-stretches its cosine decay from the resume step on (a warm restart),
one thread. Command: \`scripts/continue-capacity.sh $from $budget\` (run \`$run\`).
NOTE
fi
[ -f "$out/index.json" ] || "$BIN" export --run "$run" --weights last --out "$out"
