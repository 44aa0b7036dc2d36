#!/usr/bin/env python3
"""How often an en→zh translation uses the dictionary's word for an English word that the
training sentences rarely contain (issue 14's vocabulary lever, measured on a split).

An occurrence: a dev/test pair whose English has the word w (whole word, lower case) and whose
reference contains z, for a pair (w, z) of data/dictionary/hsk-cedict-pairs.tsv, with w in at most
--max-train English sentences of the train split. It is recalled when the hypothesis contains z.

    seq2seq-train eval --model-dir runs/long/export-X --model transformer-en-zh --split dev --hyps-out /tmp/h.txt
    python3 scripts/dictionary-recall.py --split dev --hyps /tmp/h.txt
"""
import argparse
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def words(text):
    return set(WORD.findall(text.lower()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev")
    ap.add_argument("--hyps", required=True, nargs="+", help="hypothesis files, one line per pair")
    ap.add_argument("--data", default=ROOT / "artifacts/data", type=Path)
    ap.add_argument("--dictionary", default=ROOT / "data/dictionary/hsk-cedict-pairs.tsv", type=Path)
    ap.add_argument("--max-train", default=3, type=int)
    a = ap.parse_args()
    train_count = Counter()
    for line in (a.data / "train.tsv").read_text().splitlines():
        train_count.update(words(line.split("\t")[0]))
    entries = {}
    for line in a.dictionary.read_text().splitlines():
        w, z = line.split("\t")
        if " " not in w and train_count[w] <= a.max_train:
            entries.setdefault(w, set()).add(z)
    pairs = [l.split("\t")[:2] for l in (a.data / f"{a.split}.tsv").read_text().splitlines()]
    occurrences = []
    for i, (en, zh) in enumerate(pairs):
        for w in sorted(words(en) & entries.keys()):
            for z in entries[w]:
                if z in zh:
                    occurrences.append((i, w, z))
    print(f"{len(occurrences)} occurrences of {len({w for _, w, _ in occurrences})} words "
          f"(dictionary words in ≤ {a.max_train} train sentences) in {a.split}")
    for path in a.hyps:
        hyps = Path(path).read_text().splitlines()
        assert len(hyps) == len(pairs), f"{path}: {len(hyps)} lines, {len(pairs)} pairs"
        hit = sum(z in hyps[i] for i, _, z in occurrences)
        print(f"{path}: {hit} / {len(occurrences)} recalled ({100 * hit / max(1, len(occurrences)):.1f} %)")


if __name__ == "__main__":
    main()
