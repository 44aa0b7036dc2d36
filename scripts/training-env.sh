# Sourced by the training scripts (scripts/*.sh): the repository root as the working directory,
# the release binary in $BIN (built if missing), the prepared data (prepared if missing).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=target/release/seq2seq-train
# One thread per run: on a shared 2-core machine, candle's thread pool spins while waiting for
# the CPU, and a 2-thread run went ~30× slower than one thread under load.
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-1}
[ -x "$BIN" ] || cargo build --release -p seq2seq-train
[ -f artifacts/data/test-ladder.tsv ] || "$BIN" prepare
# budget_spent <run dir> <minutes>: 1 when the run finished with that whole time budget spent
# (a copied run that finished with less is not done), else 0.
budget_spent() {
  python3 -c 'import json, sys; s = json.load(open(sys.argv[1]))
print(int(s["finished"] and s["train_secs"] >= float(sys.argv[2]) * 60))' "$1/state.json" "$2"
}
