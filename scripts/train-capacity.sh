#!/usr/bin/env bash
# The capacity lever of issue 14: one model trained from scratch at a larger size, on the same
# inputs as the shipped ones (the train split plus joined 2–4-sentence examples: --ladder-max 4
# --ladder-share 0.6), so that its dev scores can be set beside the shipped size's. int8 storage
# halves the bytes per parameter, so the 4 MB budget per model holds about twice the parameters
# the shipped fixed-c models have.
# Writes runs/capacity/<id>-e<embed>-h<hidden>/ and exports it (dev and test, singles and
# ladder, beam 4, α chosen on dev) to runs/capacity/export-<id>-e<embed>-h<hidden>/.
# Resumable: run it again after an interruption and the run continues from its checkpoint.
#
#   nohup nice -n 10 scripts/train-capacity.sh gru-en-zh 128 256 55 > runs/capacity/gru-en-zh.log 2>&1 &
#
#   nohup nice -n 10 scripts/train-capacity.sh gru-attn-zh-en 128 256 120 > runs/capacity/gru-attn-zh-en.log 2>&1 &
#   nohup nice -n 10 scripts/train-capacity.sh transformer-zh-en 192 768 150 > runs/capacity/transformer-zh-en.log 2>&1 &
#
# Arguments: model id, two sizes, time budget in minutes of training (the cosine decay follows
# it, or 20 epochs if those end first). The sizes are the embedding and hidden size for the
# recurrent families (rnn, lstm, gru; gru-attn also takes the hidden size as its attention size)
# and the width and feed-forward size for the transformer (2 + 2 layers, 4 heads, as shipped).
# Each family keeps the recipe of its shipped model (README, "Training"): lr, batch, warm-up and
# dropout; only the sizes change.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/training-env.sh"
id=$1
embed=$2
hidden=$3
budget=$4
family=${id%-??-??}
direction=${id: -5}
common=(--checkpoint-every 200 --eval-every 1000 --keep-snapshots 3)
case $family in
  rnn | lstm | gru)
    # The shipped fixed-c models' first training (lr, batch, schedule as theirs).
    name=$id-e$embed-h$hidden sizes="embeddings $embed, hidden $hidden" lr=0.002
    recipe=(--embed-dim "$embed" --hidden-dim "$hidden" --batch-size 32 --lr "$lr") ;;
  gru-attn)
    name=$id-e$embed-h$hidden sizes="embeddings $embed, hidden and attention $hidden" lr=0.002
    recipe=(--embed-dim "$embed" --hidden-dim "$hidden" --attn-dim "$hidden" --batch-size 32
      --lr "$lr" --warmup-steps 100 --dropout 0.1) ;;
  transformer)
    name=$id-d$embed-f$hidden sizes="width $embed, feed-forward $hidden, 2 + 2 layers, 4 heads" lr=0.0015
    recipe=(--dim "$embed" --ffn-dim "$hidden" --heads 4 --encoder-layers 2 --decoder-layers 2
      --batch-size 64 --lr "$lr" --warmup-steps 150 --dropout 0.1) ;;
  *) echo "train-capacity.sh: unknown family in $id" >&2; exit 2 ;;
esac
run=runs/capacity/$name
mkdir -p runs/capacity
if [ ! -f "$run/state.json" ]; then
  "$BIN" train --family "$family" --direction "$direction" "${recipe[@]}" --epochs 20 \
    --time-budget-minutes "$budget" --ladder-max 4 --ladder-share 0.6 --run-dir "$run" "${common[@]}"
elif ! grep -q '"finished": true' "$run/state.json"; then
  "$BIN" train --resume --run-dir "$run" "${common[@]}"
fi
# The card's "How this model was made" (export appends the run's card-notes.md).
[ -f "$run/card-notes.md" ] || cat > "$run/card-notes.md" <<NOTE
## How this model was made

Trained from scratch at a larger size than the shipped model of its family (the capacity lever
of issue 14: $sizes), on the train split plus joined 2–4-sentence
examples (\`--ladder-max 4 --ladder-share 0.6\`), lr $lr with a cosine decay over a
$budget-minute time budget, one thread. Command: \`scripts/train-capacity.sh $id $embed $hidden $budget\`
(run \`$run\`). The README's section "Single sentences" gives what it bought on dev.
NOTE
[ -f "runs/capacity/export-$name/$id/card.md" ] ||
  "$BIN" export --run "$run" --weights last --out "runs/capacity/export-$name"
