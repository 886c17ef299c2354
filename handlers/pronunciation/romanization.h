// Tâi-lô, the lexicon's spelling, rendered as the reader asks: Tâi-lô or
// Pe̍h-ōe-jī (POJ), tones as diacritics ("marks") or digits ("numbers").
//
//   Tâi-lô marks   tsi̍t-ē    âng-enn-á    tshuā   uī   tsìng   kóng--leh
//   Tâi-lô numbers tsit8-e7  ang5-enn-a2  tshua7  ui7  tsing3  kong2--leh
//   POJ marks      chi̍t-ē    âng-eⁿ-á     chhōa   ūi   chèng   kóng--leh
//   POJ numbers    chit8-e7  ang5-enn-a2  chhoa7  ui7  cheng3  kong2--leh
//
// The digit styles are iTaigi's KipInput and PojInput: tones 1 and 4 take no
// digit (a 1 or 4 written out is read too), and POJ's digit style spells o͘,
// ⁿ, ṳ, o̤ as oo, nn, ur, or. POJ marks tone 9 with a breve (Tâi-lô: double
// acute); tone 6 is a caron in both.
//
// Input is one reading: syllables joined by '-' or "--", with spaces and the
// punctuation of a written sentence kept as given; NFC or NFD, any case
// (output keeps whether each syllable's first letter is a capital; output is
// NFC). Not Tâi-lô, and refused: Han or kana, digits among marks, letters
// Tâi-lô does not use (ch, oa, oe, eng, ek, ⁿ, o͘), syllables run together,
// and a tone mark away from the vowel Tâi-lô puts it on (kíu for kiú), since
// it could not come back the same. Every conversion has its inverse here,
// and a test round-trips every reading the shipped dictionaries contain.
//
// Thread-safety: all functions may be called from any thread; none allocates
// once its thread has converted a reading of the same length before, apart
// from growing *out.
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
