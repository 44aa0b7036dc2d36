#!/usr/bin/env bash
# Continued training of ladder-fine-tuned models (issue 14, single-sentence quality): each run
# copies runs/ladder/<id>/ (the shipped model's run, finished) to runs/long/<name>/ and resumes
# it with a larger time budget, which re-stretches its cosine decay over the new total
# (`train --resume --time-budget-minutes`, train/mod.rs); with DICTIONARY=1 the resumed run also
# adds the dictionary pairs of data/dictionary/ (`--dictionary`). Finished runs are exported to
# runs/long/export-<name>/ (dev and test, singles and ladder, beam 4) to be compared on dev with
# the shipped model before anything replaces www/models/.
# Resumable: run it again after an interruption and the run continues from its checkpoint.
#
#   nohup nice -n 10 scripts/continue-training.sh transformer-en-zh 108 > runs/long/transformer-en-zh.log 2>&1 &
#   DICTIONARY=1 scripts/continue-training.sh transformer-en-zh 108     # → runs/long/transformer-en-zh-dict
#
# The budget is the run's total training time in minutes, the ladder fine-tuning's included
# (train_secs in runs/ladder/<id>/state.json: transformer-en-zh 33.5, gru-attn-en-zh 28.4).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/training-env.sh"
id=$1
budget=$2
name=$id
extra=()
if [ "${DICTIONARY:-0}" = 1 ]; then
  name=$id-dict
  extra=(--dictionary data/dictionary/hsk-cedict-pairs.tsv)
fi
run=runs/long/$name
[ -f "$run/state.json" ] || { mkdir -p "$run"; cp -r "runs/ladder/$id/." "$run/"; }
if [ "$(budget_spent "$run" "$budget")" = 0 ]; then
  "$BIN" train --resume --run-dir "$run" "${extra[@]}" --total-epochs 12 \
    --time-budget-minutes "$budget" --checkpoint-every 200 --eval-every 1000 --keep-snapshots 3
fi
# The card's "How this model was made" (export appends the run's card-notes.md; the copied
# ladder run's note says only how the ladder fine-tuning was made).
if ! grep -q "Continued training" "$run/card-notes.md" 2>/dev/null; then
  dictionary_note=""
  command="scripts/continue-training.sh $id $budget"
  if [ "${DICTIONARY:-0}" = 1 ]; then
    dictionary_note=", with the dictionary pairs of data/dictionary/ added (\`--dictionary\`)"
    command="DICTIONARY=1 $command"
  fi
  cat > "$run/card-notes.md" <<NOTE
## How this model was made

1. Trained on single sentences, then fine-tuned on the length ladder for 2 epochs from those
   weights (\`scripts/ladder-finetune.sh\`, run \`runs/ladder/$id\`; the README's length-ladder
   table gives what that bought).
2. Continued training (issue 14, single-sentence quality): the finished ladder run resumed with a
   larger time budget, $budget minutes of training in all, which re-stretches its cosine decay from
   the resume step on (a warm restart), one thread$dictionary_note. Command:
   \`$command\` (run \`$run\`). The README's section "Single sentences" gives what it
   bought on dev.
NOTE
fi
[ -f "runs/long/export-$name/$id/card.md" ] ||
  "$BIN" export --run "$run" --weights last --out "runs/long/export-$name"
