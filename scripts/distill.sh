#!/usr/bin/env bash
# The sequence-level distillation lever of issue 14 (Kim & Rush 2016): a teacher (a shipped model
# of the same direction, larger and better) translates the train split with beam 4; its
# translations replace the references (`train --distilled`, crates/train/src/distill.rs), and the
# shipped student is fine-tuned on them from its own weights (`--init-from`), with the joined
# 2–4-sentence ladder examples built from the replaced pairs as before.
# Writes runs/distill/<teacher>-<sha256 of its weights, 16 digits>-train.tsv (the teacher's
# translations, made once per teacher),
# runs/distill/<student>-from-<teacher>-<sha>/ (the run) and exports it (dev and test, singles and
# ladder, beam 4, α chosen on dev) to runs/distill/export-<student>-from-<teacher>-<sha>/, to be
# compared on dev with the shipped student before anything replaces www/models/.
# Resumable: run it again after an interruption and the run continues from its checkpoint.
#
#   nohup nice -n 10 scripts/distill.sh rnn-zh-en transformer-zh-en 60 >> runs/distill/rnn-zh-en.log 2>&1 &
#
# Arguments: the student's id, the teacher's id (both in www/models/; or <teacher>@<git commit>
# for the teacher as shipped at that commit, read with `git show` into runs/distill/teachers/),
# the fine-tuning time budget in minutes (the cosine decay follows it, or 20 epochs if those end first), and optionally
# `keep-references`: the references the teacher changed stay beside its translations as extra
# examples (`train --keep-references`; the run's name ends in -keep-references).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/training-env.sh"
student=$1
teacher=${2%@*}
budget=$3
variant=${4:-}
case $variant in
  "") keep=() ;;
  keep-references) keep=(--keep-references) ;;
  *) echo "distill.sh: unknown variant $variant (keep-references or nothing)" >&2; exit 2 ;;
esac
family=${student%-??-??}
direction=${student: -5}
[ "${teacher: -5}" = "$direction" ] || { echo "distill.sh: $teacher does not translate $direction" >&2; exit 2; }
mkdir -p runs/distill
# Named by the teacher's weights (the shipped teacher may be replaced later).
models_dir=www/models
commit=
if [ "$2" != "$teacher" ]; then
  commit=${2#*@}
  models_dir=runs/distill/teachers/$commit
  mkdir -p "$models_dir/$teacher"
  for f in $(git ls-tree --name-only "$commit" "www/models/$teacher/"); do
    git show "$commit:$f" > "$models_dir/$teacher/$(basename "$f")"
  done
fi
teacher_sha=$(sha256sum "$models_dir/$teacher/model.safetensors" | cut -c1-16)
distilled=runs/distill/$teacher-$teacher_sha-train.tsv
if [ ! -f "$distilled" ]; then
  # train.tsv is English<TAB>Chinese; the teacher translates the source column, and its output
  # takes the target column's place.
  if [ "$direction" = en-zh ]; then src=1; else src=2; fi
  cut -f"$src" artifacts/data/train.tsv > "$distilled.src"
  echo "distill.sh: $teacher translates $(wc -l < "$distilled.src") train sources (beam 4)"
  "$BIN" translate --models-dir "$models_dir" --model "$teacher" --beam 4 < "$distilled.src" > "$distilled.out"
  if [ "$direction" = en-zh ]; then
    paste "$distilled.src" "$distilled.out" > "$distilled.tmp"
  else
    paste "$distilled.out" "$distilled.src" > "$distilled.tmp"
  fi
  mv "$distilled.tmp" "$distilled"
  rm -f "$distilled.src" "$distilled.out"
fi
# The student's sizes from its shipped config.json, as train flags (--embed-dim 128 …).
mapfile -t sizes < <(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["model"]
for k, v in m.items():
    if k not in ("family", "src_vocab", "tgt_vocab", "activation"):
        print("--" + k.replace("_", "-")); print(v)' "www/models/$student/config.json")
case $family in
  rnn | lstm | gru) recipe=(--batch-size 32) ;;
  gru-attn) recipe=(--batch-size 32 --dropout 0.1) ;;
  transformer) recipe=(--batch-size 64 --dropout 0.1) ;;
  *) echo "distill.sh: unknown family in $student" >&2; exit 2 ;;
esac
lr=0.001
name=$student-from-$teacher-$teacher_sha${variant:+-$variant}
run=runs/distill/$name
common=(--checkpoint-every 200 --eval-every 1000 --keep-snapshots 3)
if [ ! -f "$run/state.json" ]; then
  "$BIN" train --family "$family" --direction "$direction" "${sizes[@]}" "${recipe[@]}" --lr "$lr" \
    --warmup-steps 100 --epochs 20 --time-budget-minutes "$budget" --ladder-max 4 --ladder-share 0.6 \
    --distilled "$distilled" "${keep[@]}" --init-from "www/models/$student/model.safetensors" --run-dir "$run" "${common[@]}"
elif ! grep -q '"finished": true' "$run/state.json"; then
  "$BIN" train --resume --run-dir "$run" "${common[@]}"
fi
# The card's "How this model was made" (export appends the run's card-notes.md).
[ -f "$run/card-notes.md" ] || cat > "$run/card-notes.md" <<NOTE
## How this model was made

Sequence-level distillation (issue 14's lever; Kim & Rush 2016): the shipped $teacher${commit:+ as of commit $commit} (its
model.safetensors with sha256 beginning \`$teacher_sha\`) translated the train split with
beam 4 (\`$distilled\`), and its translations $(if [ -n "$variant" ]; then
  echo "were added beside the references they differ from (\`train --distilled --keep-references\`: such a source has two targets)"
else
  echo "replaced the references of the training pairs (\`train --distilled\`)"
fi). The shipped $student was then fine-tuned on them from its
own weights (\`--init-from\`), joined 2–4-sentence examples built from the replaced pairs
(\`--ladder-max 4 --ladder-share 0.6\`), lr $lr with a cosine decay over a $budget-minute time
budget, one thread. No dev or test sentence was translated for training. Command:
\`scripts/distill.sh $student $2 $budget${variant:+ $variant}\` (run \`$run\`). The README's section "Single
sentences" gives what it bought on dev.
NOTE
[ -f "runs/distill/export-$name/index.json" ] ||
  "$BIN" export --run "$run" --weights last --out "runs/distill/export-$name"
