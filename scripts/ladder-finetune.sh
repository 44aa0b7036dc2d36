#!/usr/bin/env bash
# Length-ladder fine-tuning of the ten shipped models (issue 14, step 1): each model continues
# from its shipped weights (--init-from) on the train split plus joined 2–4-sentence examples
# (--ladder-max 4 --ladder-share 0.6), with the same sizes, for a fixed number of epochs (not a time budget: the machine is shared, and wall time under load would buy a different number of steps each run).
# Resumable: run it again after an interruption and every run continues from its checkpoint
# (runs/ladder/<id>/); finished runs are exported to runs/ladder/export/<id>/ (scored on dev and
# test, singles and ladder) for comparison before anything replaces www/models/.
#
#   nohup nice -n 19 scripts/ladder-finetune.sh > runs/ladder/queue.log 2>&1 &
#   MODELS="gru-en-zh" EPOCHS=3 scripts/ladder-finetune.sh     # one model, another budget
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/training-env.sh"
EPOCHS=${EPOCHS:-2}
MODELS=${MODELS:-"gru-attn-en-zh gru-en-zh transformer-en-zh lstm-en-zh rnn-en-zh gru-attn-zh-en gru-zh-en transformer-zh-en lstm-zh-en rnn-zh-en"}
mkdir -p runs/ladder/export

# The shipped sizes (www/models/<id>/config.json).
sizes() {
  case "$1" in
    transformer-*) echo "--dim 128 --heads 4 --ffn-dim 512 --encoder-layers 2 --decoder-layers 2 --batch-size 64" ;;
    gru-attn-*) echo "--embed-dim 96 --hidden-dim 128 --attn-dim 128 --batch-size 32" ;;
    *-en-zh) echo "--embed-dim 64 --hidden-dim 112 --batch-size 32" ;;
    *-zh-en) echo "--embed-dim 96 --hidden-dim 160 --batch-size 32" ;;
  esac
}

for id in $MODELS; do
  run=runs/ladder/$id
  family=${id%-??-??}
  direction=${id: -5}
  if [ -f "$run/state.json" ] && grep -q '"finished": true' "$run/state.json"; then
    echo "== $id: trained"
  elif [ -f "$run/state.json" ]; then
    echo "== $id: resuming"
    "$BIN" train --resume --run-dir "$run" --checkpoint-every 200 --eval-every 1000 --keep-snapshots 3
  else
    echo "== $id: fine-tuning from www/models/$id for $EPOCHS epochs"
    mkdir -p "$run"
    cp "www/models/$id/model.safetensors" "$run/init.safetensors"
    # shellcheck disable=SC2046
    "$BIN" train --family "$family" --direction "$direction" $(sizes "$id") \
      --init-from "$run/init.safetensors" --ladder-max 4 --ladder-share 0.6 --max-tokens 160 \
      --lr 5e-4 --warmup-steps 100 --dropout 0.1 --epochs "$EPOCHS" \
      --run-dir "$run" --checkpoint-every 200 --eval-every 1000 --keep-snapshots 3
  fi
  if [ ! -f "runs/ladder/export/$id/card.md" ]; then
    "$BIN" export --run "$run" --weights last --out runs/ladder/export
  fi
done
