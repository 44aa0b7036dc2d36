#!/usr/bin/env python3
"""The README's "Fading memory" figures for shipped en→zh models: `seq2seq-train memory` on the
memory view's longest chip (the test ladder's four examples joined, from index.json), then
‖∂c/∂e_j‖ at the first word / the last word (the page's rule: pieces with a letter or digit,
as crates/app/src/views/memory/card.rs `first_last_word`), first third / last third (positions
without EOS), quarter means from the last word as shares of the largest bar, and the fastest
of three runs' timings.

    python3 scripts/memory-summary.py rnn-en-zh lstm-en-zh
"""
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target/release/seq2seq-train"


def longest_chip():
    models = json.loads((ROOT / "www/models/index.json").read_text())["models"]
    examples = next(m for m in models if m["direction"] == "en-zh")["ladder"]["examples"]
    return " ".join(text for _, text, *_ in examples)


def report(model, text):
    runs = []
    for _ in range(3):
        out = subprocess.run([BIN, "memory", "--model", model], input=text, capture_output=True,
                             text=True, check=True, cwd=ROOT).stdout
        line = json.loads(out.strip().splitlines()[-1])
        runs.append(line.get("report", line))
    return min(runs, key=lambda r: r["millis"]["sensitivity"])


def main(models):
    text = longest_chip()
    is_word = lambda p: p != "</s>" and re.search(r"[^\W_]", p)
    mean = lambda v: sum(v) / len(v)
    for model in models:
        r = report(model, text)
        s, tokens = r["sensitivity"], r["source_tokens"]
        first = next(i for i, p in enumerate(tokens) if is_word(p))
        last = max(i for i, p in enumerate(tokens) if is_word(p))
        n = len(s) - 1  # without EOS
        third, quarter = n // 3, n // 4
        quarters = [mean(s[k * quarter:(n if k == 3 else (k + 1) * quarter)]) for k in range(4)]
        print(f"{model}: {len(tokens)} tokens; first / last word ({tokens[first]} / {tokens[last]}) "
              f"{100 * s[first] / s[last]:.3g} %; first third / last third "
              f"{100 * mean(s[:third]) / mean(s[n - third:n]):.3g} %; quarter means from the last, "
              f"% of the largest bar: {', '.join(f'{100 * q / max(s):.2g}' for q in reversed(quarters))}; "
              f"ms {json.dumps({k: round(v) for k, v in r['millis'].items()})}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["rnn-en-zh", "gru-en-zh", "lstm-en-zh"])
