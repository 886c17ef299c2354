// The layout of the compiled lexicon file (hokkien.lex), shared by the
// compiler (lexicon_build.cc) and the reader (lexicon.cc), and the reader's
// typed view of a mapped file, which the annotator uses.
//
// Every number is little-endian and every section 4-byte aligned; sections
// refer to each other by index or byte offset, never by pointer, so the file
// maps anywhere. After the header:
//
//   firsts        FirstCodePoint[]  by code point: the entries starting with it
//   entries       Entry[]           grouped by first code point, longest first
//   readings      Reading[]         each entry's readings, best first
//   chars         CharInfo[]        by code point: every reading of one character
//   char_readings CharReading[]     each character's readings, best first
//   code_points   uint32_t[]        the entries' keys
//   contexts      Context[]         neighbours of characters standing alone
//   pool          char[]            reading texts (UTF-8, syllables joined by '-')
//
// A reading's text has exactly one syllable per code point of its entry's
// key; the MOE's `--` is dropped and remembered in `neutral` instead.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_FORMAT_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_FORMAT_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "lexicon.h"

namespace zf::pronunciation {
namespace format {

inline constexpr char kMagic[8] = {'Z', 'F', 'H', 'K', 'L', 'E', 'X', '\n'};
inline constexpr uint32_t kVersion = 2;

struct Section {
  uint32_t offset;  // bytes from the start of the file
  uint32_t count;   // items
};

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t file_bytes;  // the whole file, header included
  Section firsts;
  Section entries;
  Section readings;
  Section chars;
  Section char_readings;
  Section code_points;
  Section contexts;
  Section pool;  // count: bytes
};

struct FirstCodePoint {
  uint32_t code_point;
  uint32_t first_entry;
  uint32_t entry_count;
};

struct Entry {
  uint32_t key;            // index into code_points: `length` code points
  uint16_t length;         // code points (>= 1)
  uint16_t reading_count;  // >= 1
  uint32_t first_reading;  // index into readings
};

// 文白屬性 as the MOE file numbers it.
enum Register : uint8_t {
  kUnmarked = 0,
  kLiterary = 1,     // 文
  kColloquial = 2,   // 白
  kCommon = 3,       // 俗
  kSubstitute = 4,   // 替
};

// How an MOE row lists its headword (the file's 屬性, folded).
enum Kind : uint8_t {
  kMainEntry = 0,    // 屬性 1: a headword
  kVariant = 1,      // 屬性 2: a character's other reading (又音)
  kOtherWord = 2,    // 屬性 3, 5: words listed under others, common words
  kName = 3,         // 屬性 11-22: places, stations, surnames, terms
  kPhrase = 4,       // 屬性 25: a clause of a proverb
  kItaigiWord = 5,   // an iTaigi row
};

struct Reading {
  uint32_t text;        // byte offset into pool
  uint16_t text_bytes;
  uint8_t source;       // Source: kMoe or kItaigi
  uint8_t reg;          // Register (kUnmarked for iTaigi)
  uint32_t neutral;     // bit i: syllable i is neutral-toned (`--`) in the MOE
  uint8_t variant;      // 0: the main reading; 1, 2…: the regional variants after `/`
  uint8_t kind;         // Kind
  uint16_t reserved;
};

struct CharInfo {
  uint32_t code_point;
  uint32_t first_reading;  // index into char_readings
  uint32_t reading_count;
};

// Where a character's reading was seen.
enum CharFlag : uint8_t {
  kAloneMoe = 1,       // an MOE entry of this one character
  kAloneItaigi = 2,    // an iTaigi entry of this one character
  kInMoeWords = 4,     // inside the main reading of MOE words
  kInItaigiWords = 8,  // inside iTaigi words
  kNeutralAlone = 16,  // the MOE reads the character alone in neutral tone (矣 --ah)
};

struct CharReading {
  uint32_t text;  // byte offset into pool: one syllable
  uint16_t text_bytes;
  uint8_t flags;  // CharFlag bits
  uint8_t reg;    // Register of the best MOE entry of the character alone
  uint8_t kind;   // Kind of that entry (kMainEntry before kVariant)
  uint8_t rank;   // its order among the character's MOE entries
  uint16_t reserved;
  uint32_t moe_words;     // occurrences inside the main reading of MOE words
  uint32_t moe_neutral;   // of them, neutral-toned
  uint32_t itaigi_words;  // occurrences inside iTaigi words
  // Occurrences as a word of its own in running text: the dictionaries'
  // proverbs and the readings written with spaces between words.
  uint32_t lone_moe;
  uint32_t lone_itaigi;
};

// How often a reading of a character standing alone in running text had a
// given neighbour. Sorted by (code_point, neighbor, side).
struct Context {
  uint32_t code_point;
  uint32_t neighbor;
  uint32_t side_and_text;  // bit 31: the neighbour follows (else precedes); the rest: pool offset
  uint32_t count;
};

// Whether the MOE itself gives the reading (alone or inside its words):
// readings only iTaigi gives are suspect while the MOE has another.
inline bool MoeKnows(const CharReading& r) { return (r.flags & (kAloneMoe | kInMoeWords)) != 0; }

// The evidence for reading a character standing alone as `r`, before its
// neighbours are looked at: how often the dictionaries' running text reads
// it so, then its own entry, then the MOE's words.
inline double RegisterScore(const CharReading& r) {
  if (!(r.flags & kAloneMoe)) return 0;
  switch (r.reg) {
    case kColloquial:
    case kSubstitute: return 1.0;
    case kLiterary: return -1.0;
    default: return 0;
  }
}
// 白 over 文: measured, 10 reads best (5: -0.1 point, 20: -0.15).
inline constexpr double kRegisterWeight = 10.0;
inline double AloneScore(const CharReading& r, double register_weight = kRegisterWeight) {
  return register_weight * RegisterScore(r) + 4.0 * r.lone_moe + 2.0 * r.lone_itaigi + ((r.flags & kAloneMoe) ? 3.0 : 0.0) + 0.5 * r.moe_words +
         0.1 * r.itaigi_words - 0.01 * r.rank;
}

}  // namespace format

// The reader's view of a mapped, validated file. Lexicon::Open returns one;
// View() recovers it from the interface (it is the only implementation).
class LexiconView : public Lexicon {
 public:
  static const LexiconView& Of(const Lexicon& lexicon) { return static_cast<const LexiconView&>(lexicon); }

  // The entries whose key starts with `code_point`, longest first.
  virtual std::span<const format::Entry> EntriesStartingWith(char32_t code_point) const = 0;
  virtual std::span<const uint32_t> Key(const format::Entry& entry) const = 0;
  virtual std::span<const format::Reading> Readings(const format::Entry& entry) const = 0;
  // One character's readings, best first (as CharReadings orders them).
  virtual std::span<const format::CharReading> CharReadingsOf(char32_t code_point) const = 0;
  virtual std::string_view Text(uint32_t offset, uint16_t bytes) const = 0;
  // The neighbours seen beside `code_point` standing alone on one side.
  virtual std::span<const format::Context> Contexts(char32_t code_point, char32_t neighbor, bool follows) const = 0;
};

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_FORMAT_H_
