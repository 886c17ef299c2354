#!/usr/bin/env bash
# Scores the pronunciation annotator on the development set and measures its
# speed: builds the lexicon and the benchmark, then runs
#   zufang-bench-pronunciation --lexicon build/data/hokkien.lex --dev $DEV [ARGS…]
# DEV is the development set's path (moe-examples-dev.jsonl: example
# sentences of the MOE dictionary, one Tâi-lô syllable per Han character; it
# is for measuring only and is not part of the repository). Extra arguments
# go to the tool (--errors N, --confusions N).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
DEV=${DEV:-}
if [[ -z "$DEV" ]]; then
  echo "bench-pronunciation: give the development set: DEV=/path/to/moe-examples-dev.jsonl $0" >&2
  exit 2
fi
if [[ ! -f "$DEV" ]]; then
  echo "bench-pronunciation: no development set at $DEV; nothing measured" >&2
  exit 1
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j2 --target hokkien_lexicon zufang-bench-pronunciation >/dev/null
exec "$BUILD_DIR/handlers/pronunciation/zufang-bench-pronunciation" --lexicon "$BUILD_DIR/data/hokkien.lex" --dev "$DEV" "$@"
