// Annotates a text with Taiwanese Hokkien readings, in Tâi-lô.
//
// The text is segmented over every multi-character entry of the lexicon
// (best path: fewest pieces, MOE before iTaigi), and each character left
// outside a word is read alone. Readings are chosen as a careful reader
// would: colloquial (白) over literary (文) where the MOE marks them, the
// reading a character has standing alone for characters outside words,
// particles' neutral-tone readings only where they fit, readings only
// iTaigi gives treated as suspect. Output is in citation tones (no sandhi),
// lower case, NFC; the MOE's neutral-tone mark `--` is dropped.
//
// Positions are code-point indices into the text, so `chars` has exactly one
// item per code point, in order, whatever the text holds (combining marks,
// characters outside the BMP such as 𪜶, emoji, Latin letters).
//
// Annotate is a pure function of (lexicon, text): no allocation beyond the
// output, no locks, safe from any number of threads.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_ANNOTATOR_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_ANNOTATOR_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lexicon.h"

namespace zf::pronunciation {

struct AnnotatedChar {
  char32_t code_point = 0;
  std::string_view text;  // this code point's UTF-8 bytes, a view into the input
  bool han = false;
  std::string reading;    // one Tâi-lô syllable; empty when not Han or unknown
};

struct AnnotatedWord {
  size_t start = 0;       // [start, end) in code points
  size_t end = 0;
  std::string reading;    // syllables joined by '-'; empty for an unknown character
  Source source = Source::kNone;
};

struct Annotation {
  std::vector<AnnotatedChar> chars;  // one per code point of the text
  std::vector<AnnotatedWord> words;  // every run of Han characters, segmented; in order
  size_t unknown = 0;                // Han characters without a reading
};

// `utf8` must be valid UTF-8 (the caller checks; see http/ and base/ for the
// checks the server already makes). Clears and fills *out.
void Annotate(const Lexicon& lexicon, std::string_view utf8, Annotation* out);

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_ANNOTATOR_H_
