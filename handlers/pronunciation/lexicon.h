// The Hokkien lexicon: a read-only index compiled at build time from the
// dictionaries in data/hokkien/ (the MOE 臺灣閩南語常用詞辭典 entries, read
// and never modified, and iTaigi) by `zufang-lexicon-build`, and mapped by
// every process of the pronunciation group with mmap(PROT_READ, MAP_SHARED):
// the processes share its pages and a process opens it in microseconds,
// whatever its size.
//
// The file is position-independent (offsets, never pointers), starts with a
// magic, a format version and its own length, and is checked once at Open:
// a file that is short, of another version or inconsistent is refused, never
// read past its end.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace zf::pronunciation {

// Where a reading came from; the API names them "moe", "itaigi", "char".
enum class Source : uint8_t {
  kNone = 0,  // a Han character no dictionary knows
  kMoe,       // a whole MOE entry
  kItaigi,    // a whole iTaigi entry (used only where the MOE has no entry)
  kChar,      // read character by character (no entry covers the span)
};
std::string_view SourceName(Source source);  // "moe", "itaigi", "char", ""

class Lexicon {
 public:
  // Maps the index at `path`. NotFound when there is no file; Internal, with
  // the path and what is wrong, for a file that is not a valid index.
  static Status Open(const std::string& path, std::unique_ptr<Lexicon>* out);
  virtual ~Lexicon() = default;

  // Every reading the lexicon has for `code_point` standing alone, in Tâi-lô
  // (lower case, NFC, citation tones), best first; empty when it has none.
  // What the result page shows on hover.
  virtual std::vector<std::string> CharReadings(char32_t code_point) const = 0;

  // Sizes for the README and the start-up log line.
  virtual size_t FileBytes() const = 0;
  virtual size_t EntryCount() const = 0;
};

// True for a Han character (Unicode script Han: the CJK Unified Ideographs
// and every extension, the compatibility ideographs, 〇 and 々).
bool IsHan(char32_t code_point);

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_H_
