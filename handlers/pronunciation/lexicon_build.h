// The lexicon compiler: the dictionaries' CSV files in, one hokkien.lex out
// (lexicon_format.h). A library function, so the build's
// `zufang-lexicon-build` and the tests' fixtures run the same code.
//
// What it reads: the MOE entries (主編碼,屬性,詞目,音讀,文白屬性,部首) and
// iTaigi (KipUnicode read against HanLoTaibunKip). Readings are normalized to
// lower case NFC; `A/B` keeps A as the main reading and B as a variant; `--`
// is dropped and the syllables after it marked neutral; proverbs are split
// into clauses at their punctuation. Rows that cannot be read one syllable
// per character (no reading, non-syllable text, counts that differ, keys that
// are not all Han) are skipped and counted by reason.
//
// The output is a pure function of the input bytes (deterministic).
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_BUILD_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_BUILD_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace zf::pronunciation {

struct BuildSummary {
  size_t moe_rows = 0;
  size_t itaigi_rows = 0;
  size_t entries = 0;    // distinct keys in the index
  size_t readings = 0;
  size_t chars = 0;      // characters with per-character data
  size_t bytes = 0;      // of the file written
  std::map<std::string, size_t> skipped;                // reason -> rows
  std::map<std::string, std::vector<std::string>> examples;  // reason -> a few rows
};

// Reads both CSV files and writes the index to `out_path` (through a
// temporary file renamed into place). NotFound for a missing input.
Status BuildLexicon(const std::string& moe_csv, const std::string& itaigi_csv,
                    const std::string& out_path, BuildSummary* summary);

// The same from the files' contents, into `out` (tests, and the above).
Status BuildLexiconBytes(std::string_view moe_csv, std::string_view itaigi_csv, std::string* out,
                         BuildSummary* summary);

// Tâi-lô text: lower case (the letters Tâi-lô uses, precomposed or not) and
// NFC for the combining sequences Tâi-lô and POJ use (a + U+0301 -> á …;
// n̂, m̄, a̍ have no precomposed form and stay as they are).
std::string NormalizeTailo(std::string_view text);

// The same syllable without its tone: tone marks and the 8th tone's vertical
// line removed ("tsi̍t" -> "tsit", "âng" -> "ang"), lower case.
std::string StripTone(std::string_view syllable);

// UTF-8 helpers over valid input.
std::u32string DecodeUtf8(std::string_view utf8);
void AppendUtf8(char32_t code_point, std::string* out);

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_BUILD_H_
