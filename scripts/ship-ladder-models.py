#!/usr/bin/env python3
"""Ship length-ladder fine-tuned models: copy runs/ladder/export/<id>/ into www/models/<id>/,
append the card's "How this model was made" note, and replace the model's entry in
www/models/index.json with the export's (scores, ladder, perplexity, sha256, bytes).

    python3 scripts/ship-ladder-models.py transformer-en-zh lstm-en-zh rnn-en-zh

Run after scripts/ladder-finetune.sh has exported the models, and only for models whose dev
scores (README, "The length ladder") beat the shipped ones.
`--from runs/long/export-<id> <id>` ships from another export directory (a continued run, whose
card already says how it was made). `--notes-only <id>…` writes the note into
runs/ladder/<id>/card-notes.md instead (for exporting a run straight into www/models, as
scripts/retune-length-penalty.sh does).
"""
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORT = ROOT / "runs/ladder/export"
MODELS = ROOT / "www/models"
# The commit whose www/models/ held the single-sentence models the fine-tuning started from.
INIT_COMMIT = "188f66f"


def note(model_id: str) -> str:
    return f"""
## How this model was made

Fine-tuned on the length ladder from the previously shipped `{model_id}` (trained on single sentences
only; its weights are `www/models/{model_id}/model.safetensors` at commit {INIT_COMMIT}, copied to
`runs/ladder/{model_id}/init.safetensors` and given as `--init-from`): 2 epochs of the train split
plus joined 2–4-sentence examples (`--ladder-max 4 --ladder-share 0.6`, 43,713 examples),
lr 5e-4, one thread. The command is `scripts/ladder-finetune.sh` (MODELS="{model_id}"); the README's
length-ladder table gives what the fine-tuning bought on dev.
"""


def main(ids, export=EXPORT):
    exported = {m["id"]: m for m in json.loads((export / "index.json").read_text())["models"]}
    index_path = MODELS / "index.json"
    index = json.loads(index_path.read_text())
    for model_id in ids:
        if model_id not in exported:
            sys.exit(f"{model_id}: not in {export / 'index.json'} (run scripts/ladder-finetune.sh)")
        src, dst = export / model_id, MODELS / model_id
        for f in exported[model_id]["files"]:
            shutil.copyfile(src / f, dst / f)
        card = (src / "card.md").read_text()
        if "## How this model was made" not in card:
            card = card.rstrip("\n") + "\n" + note(model_id)
        (dst / "card.md").write_text(card)
        index["models"] = [exported[model_id] if m["id"] == model_id else m for m in index["models"]]
        print(f"shipped {model_id}: test BLEU {exported[model_id]['test']['bleu']:.2f}")
    index_path.write_text(json.dumps(index, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def write_notes(ids):
    """Puts each model's note into runs/ladder/<id>/card-notes.md, which `export` appends to the
    card, so that an export of the run straight into www/models keeps it."""
    for model_id in ids:
        path = ROOT / "runs/ladder" / model_id / "card-notes.md"
        text = path.read_text() if path.exists() else ""
        if "## How this model was made" not in text:
            path.write_text(text + note(model_id).lstrip("\n"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--notes-only"]:
        write_notes(sys.argv[2:])
    elif sys.argv[1:2] == ["--from"]:
        main(sys.argv[3:], ROOT / sys.argv[2])
    else:
        main(sys.argv[1:])
