# Sourced by the training scripts (scripts/*.sh): the repository root as the working directory,
# the release binary in $BIN (built if missing), the prepared data (prepared if missing).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
BIN=target/release/seq2seq-train
# One thread per run: on a shared 2-core machine, candle's thread pool spins while waiting for
# the CPU, and a 2-thread run went ~30× slower than one thread under load.
export RAYON_NUM_THREADS=${RAYON_NUM_THREADS:-1}
[ -x "$BIN" ] || cargo build --release -p seq2seq-train
[ -f artifacts/data/test-ladder.tsv ] || "$BIN" prepare
