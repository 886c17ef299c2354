// Tâi-lô, the lexicon's spelling, rendered as the reader asks: Tâi-lô or
// Pe̍h-ōe-jī (POJ), tones as diacritics ("marks") or digits ("numbers").
//
//   Tâi-lô marks   tsi̍t-ē   âng-enn-á   tshuā   uī
//   Tâi-lô numbers tsit8-e7  ang5-enn1-a2  tshua7  ui7
//   POJ marks      chi̍t-ē   âng-eⁿ-á   chhōa   ūi
//   POJ numbers    chit8-e7  ang5-eⁿ1-a2 ... (POJ spelling, digit tones)
//
// Input is one reading: syllables joined by '-' (and spaces, kept as given),
// NFC, any case (output keeps the case of each syllable's first letter).
// Every conversion has its inverse here, and a test round-trips every
// reading the shipped dictionaries contain.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_ROMANIZATION_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_ROMANIZATION_H_

#include <string>
#include <string_view>

namespace zf::pronunciation {

enum class Romanization { kTailo, kPoj };
enum class ToneStyle { kMarks, kNumbers };

// Parses "tailo" | "poj" and "marks" | "numbers" (the API's values).
bool ParseRomanization(std::string_view name, Romanization* out);
bool ParseToneStyle(std::string_view name, ToneStyle* out);

// Tâi-lô with marks -> the requested spelling. False (and *out untouched)
// for input that is not Tâi-lô.
bool RenderReading(std::string_view tailo, Romanization romanization, ToneStyle tones,
                   std::string* out);

// The inverses, for tests and for input spelled another way: any of the four
// forms back to Tâi-lô with marks, NFC.
bool ToTailoMarks(std::string_view reading, Romanization romanization, ToneStyle tones,
                  std::string* out);

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_ROMANIZATION_H_
