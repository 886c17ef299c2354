#!/usr/bin/env bash
# Scores the pronunciation annotator on the development set and measures its
# speed: builds the lexicon and the benchmark, then runs
#   zufang-bench-pronunciation --lexicon build/data/hokkien.lex --dev $DEV [ARGS…]
# DEV defaults to ../shared/data/hokkien/moe-examples-dev.jsonl (from the
# repository's root). Extra arguments go to the tool (--errors N, --confusions N).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
DEV=${DEV:-../shared/data/hokkien/moe-examples-dev.jsonl}
if [[ ! -f "$DEV" ]]; then
  echo "bench-pronunciation: no development set at $DEV (set DEV=PATH); nothing measured" >&2
  exit 1
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j2 --target hokkien_lexicon zufang-bench-pronunciation >/dev/null
exec "$BUILD_DIR/handlers/pronunciation/zufang-bench-pronunciation" --lexicon "$BUILD_DIR/data/hokkien.lex" --dev "$DEV" "$@"
