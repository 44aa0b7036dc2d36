#!/usr/bin/env python3
"""Short English–Chinese word pairs from the HSK vocabulary with CC-CEDICT glosses (issue 14's
vocabulary-coverage lever), written to data/dictionary/hsk-cedict-pairs.tsv (English<TAB>Chinese).

Input: complete.min.json of github.com/drkameleon/complete-hsk-vocabulary (MIT; its English
definitions are CC-CEDICT's, CC BY-SA 4.0: see data/dictionary/README.md).

    python3 scripts/dictionary-pairs.py path/to/complete.min.json > data/dictionary/hsk-cedict-pairs.tsv

Rules (one gloss = one of a sense's meanings, split at ';'):
- only words of HSK levels 1–6 (old or new lists: everyday words), and of each word only its
  first sense that is not a proper name (capitalised pinyin: surnames, places), so a common
  character's rare readings (的 dī "a cab") do not claim common English words;
- a gloss loses parentheses ("(coll.)", "(of a cat)") and a leading "to "; glosses that refer
  elsewhere ("variant of", "see", "used in", "CL:", "abbr."), non-ASCII ones and ones of more than
  three words are skipped;
- zh→en: each word with its first usable gloss; en→zh: each gloss with the most frequent word
  (the list's "q" rank) that has it, so "mat" → 垫子 and "magazine" → 杂志.
Both kinds go into one file; a pair is written once. Order: by the word's frequency rank.
"""
import json
import re
import sys

SKIP = re.compile(r"^(variant of|old variant|see |used in|cl:|abbr|surname|also written|erhua|"
                  r"classifier|radical|particle|interjection|onom|\(onom)", re.I)
WORD = re.compile(r"^[a-z][a-z' -]*[a-z]$|^[a-z]$")


def glosses(meaning):
    for g in meaning.split(";"):
        g = re.sub(r"\([^)]*\)", "", g).strip()
        g = re.sub(r"^to ", "", g)
        g = re.sub(r"\s+", " ", g).strip().lower()
        if not g or SKIP.match(g) or not WORD.match(g) or len(g.split()) > 3:
            continue
        yield g


def main(path):
    entries = json.load(open(path, encoding="utf-8"))
    entries.sort(key=lambda e: e.get("q", 10**9))
    zh_en, en_zh = [], {}
    for e in entries:
        word = e["s"]
        if not re.fullmatch(r"[\u4e00-\u9fff]+", word):
            continue
        if not any(level[1:].isdigit() and int(level[1:]) <= 6 for level in e.get("l", [])):
            continue
        senses = [s for s in e.get("f", []) if not s.get("i", {}).get("y", "")[:1].isupper()]
        first = None
        for meaning in (senses[0].get("m", []) if senses else []):
            for g in glosses(meaning):
                first = first or g
                en_zh.setdefault(g, (e.get("q", 10**9), word))
        if first:
            zh_en.append((e.get("q", 10**9), first, word))
    pairs = sorted(set(zh_en) | {(q, g, w) for g, (q, w) in en_zh.items()})
    seen = set()
    for _, en, zh in pairs:
        if (en, zh) not in seen:
            seen.add((en, zh))
            print(f"{en}\t{zh}")


if __name__ == "__main__":
    main(sys.argv[1])
