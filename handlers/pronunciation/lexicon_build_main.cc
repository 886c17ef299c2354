// zufang-lexicon-build MOE_CSV ITAIGI_CSV OUT: compiles the dictionaries into
// the index the pronunciation group maps (lexicon_build.h). Run by the build.
#include <chrono>
#include <cstdio>

#include "lexicon_build.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MOE_CSV ITAIGI_CSV OUT\n", argv[0]);
    return 2;
  }
  auto t0 = std::chrono::steady_clock::now();
  zf::pronunciation::BuildSummary summary;
  zf::Status s = zf::pronunciation::BuildLexicon(argv[1], argv[2], argv[3], &summary);
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", argv[0], s.ToString().c_str());
    return 1;
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  size_t skipped = 0;
  for (const auto& [reason, n] : summary.skipped) skipped += n;
  std::printf("hokkien lexicon: %zu entries, %zu readings, %zu characters, %zu bytes, %.0f ms (%zu MOE rows, %zu iTaigi rows, %zu skipped)\n",
              summary.entries, summary.readings, summary.chars, summary.bytes, ms, summary.moe_rows,
              summary.itaigi_rows, skipped);
  for (const auto& [reason, n] : summary.skipped) {
    std::string ex;
    for (const auto& e : summary.examples[reason]) ex += (ex.empty() ? "" : ", ") + e;
    std::printf("  skipped %zu: %s (e.g. %s)\n", n, reason.c_str(), ex.c_str());
  }
  return 0;
}
