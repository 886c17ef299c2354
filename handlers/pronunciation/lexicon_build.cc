#include "lexicon_build.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

#include "lexicon_format.h"
#include "romanization.h"

namespace zf::pronunciation {

static_assert(std::endian::native == std::endian::little, "the index is written in host order");
static_assert(sizeof(format::Header) == 80 && sizeof(format::Context) == 16 && sizeof(format::Entry) == 12 && sizeof(format::Reading) == 16 &&
              sizeof(format::FirstCodePoint) == 12 && sizeof(format::CharInfo) == 12 &&
              sizeof(format::CharReading) == 32);

namespace {

// ---- Tâi-lô text ---------------------------------------------------------

struct Composition {
  char32_t base;
  char32_t mark;
  char32_t composed;
};

// The canonical compositions of the letters Tâi-lô and POJ write with a tone
// mark (grave, acute, circumflex, macron, breve, double acute, caron).
constexpr Composition kCompositions[] = {
    {U'a', 0x0300, 0x00E0}, {U'a', 0x0301, 0x00E1}, {U'a', 0x0302, 0x00E2}, {U'a', 0x0304, 0x0101},
    {U'a', 0x0306, 0x0103}, {U'a', 0x030C, 0x01CE}, {U'e', 0x0300, 0x00E8}, {U'e', 0x0301, 0x00E9},
    {U'e', 0x0302, 0x00EA}, {U'e', 0x0304, 0x0113}, {U'e', 0x0306, 0x0115}, {U'e', 0x030C, 0x011B},
    {U'i', 0x0300, 0x00EC}, {U'i', 0x0301, 0x00ED}, {U'i', 0x0302, 0x00EE}, {U'i', 0x0304, 0x012B},
    {U'i', 0x0306, 0x012D}, {U'i', 0x030C, 0x01D0}, {U'o', 0x0300, 0x00F2}, {U'o', 0x0301, 0x00F3},
    {U'o', 0x0302, 0x00F4}, {U'o', 0x0304, 0x014D}, {U'o', 0x0306, 0x014F}, {U'o', 0x030B, 0x0151},
    {U'o', 0x030C, 0x01D2}, {U'u', 0x0300, 0x00F9}, {U'u', 0x0301, 0x00FA}, {U'u', 0x0302, 0x00FB},
    {U'u', 0x0304, 0x016B}, {U'u', 0x0306, 0x016D}, {U'u', 0x030B, 0x0171}, {U'u', 0x030C, 0x01D4},
    {U'm', 0x0301, 0x1E3F}, {U'n', 0x0300, 0x01F9}, {U'n', 0x0301, 0x0144}, {U'n', 0x030C, 0x0148},
};

bool IsCombining(char32_t c) { return c >= 0x0300 && c <= 0x036F; }

// Lower case for the Latin letters a romanization can hold (ASCII, Latin-1,
// Extended-A, the pinyin carons, Ǹ, Ḿ and the other Extended Additional pairs).
char32_t Lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return c % 2 == 0 ? c + 1 : c;
  if (c >= 0x139 && c <= 0x148) return c % 2 == 1 ? c + 1 : c;
  if (c >= 0x1CD && c <= 0x1DC) return c % 2 == 1 ? c + 1 : c;
  if (c == 0x1F8) return 0x1F9;
  if (c >= 0x1E00 && c <= 0x1EFF) return c % 2 == 0 ? c + 1 : c;
  return c;
}

char32_t Compose(char32_t base, char32_t mark) {
  for (const Composition& c : kCompositions) {
    if (c.base == base && c.mark == mark) return c.composed;
  }
  return 0;
}

const Composition* Decomposition(char32_t composed) {
  for (const Composition& c : kCompositions) {
    if (c.composed == composed) return &c;
  }
  return nullptr;
}

// A syllable's letters once normalized: a-z, the composed letters, the
// combining marks, and POJ's superscript n.
bool IsSyllableText(const std::u32string& s) {
  if (s.empty()) return false;
  for (char32_t c : s) {
    if (c >= 'a' && c <= 'z') continue;
    if (IsCombining(c) || c == 0x207F || Decomposition(c) != nullptr) continue;
    return false;
  }
  return IsCombining(s[0]) ? false : true;
}

// ---- CSV -----------------------------------------------------------------

using Row = std::vector<std::string>;

// RFC 4180: quoted fields with "" inside, CRLF or LF; a leading BOM skipped.
std::vector<Row> ParseCsv(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      row.clear();
      field.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

// ---- readings ------------------------------------------------------------

struct Syllables {
  std::vector<std::string> text;  // normalized, without `--`
  uint32_t neutral = 0;
  uint32_t lone = 0;    // bit i: syllable i is a word of its own (spaces around it)
  size_t tokens = 0;    // space-separated words
};

bool IsSpace(char32_t c) { return c == ' ' || c == '\t' || c == 0x3000 || c == 0xA0 || c == 0x200B; }

// One spelling (no `/`): syllables separated by '-' or spaces; `--` marks the
// syllables after it, up to the next space, neutral. False for other text.
bool ParseSpelling(const std::u32string& spelling, Syllables* out) {
  out->text.clear();
  out->neutral = 0;
  out->lone = 0;
  out->tokens = 0;
  size_t token_start = 0;
  auto end_token = [&]() {
    size_t n = out->text.size() - token_start;
    if (n > 0) ++out->tokens;
    if (n == 1 && token_start < 32) out->lone |= 1u << token_start;
    token_start = out->text.size();
  };
  std::u32string syllable;
  bool neutral = false;
  int dashes = 0;
  auto flush = [&]() {
    if (syllable.empty()) return true;
    if (!IsSyllableText(syllable)) return false;
    std::string utf8;
    for (char32_t c : syllable) AppendUtf8(c, &utf8);
    if (neutral && out->text.size() < 32) out->neutral |= 1u << out->text.size();
    out->text.push_back(std::move(utf8));
    syllable.clear();
    return true;
  };
  for (char32_t c : spelling) {
    if (c == '-' || c == 0x2011) {
      if (!flush()) return false;
      if (++dashes == 2) neutral = true;
      continue;
    }
    dashes = 0;
    if (IsSpace(c)) {
      if (!flush()) return false;
      end_token();
      neutral = false;
      continue;
    }
    syllable += c;
  }
  if (!flush()) return false;
  end_token();
  return !out->text.empty();
}

std::u32string Trim(std::u32string s) {
  size_t b = 0, e = s.size();
  while (b < e && IsSpace(s[b])) ++b;
  while (e > b && IsSpace(s[e - 1])) --e;
  return s.substr(b, e - b);
}

// The trimmed, non-empty pieces of `s` between the characters `is_separator` names.
template <class IsSeparator>
std::vector<std::u32string> SplitAt(const std::u32string& s, IsSeparator is_separator) {
  std::vector<std::u32string> out;
  std::u32string cur;
  for (char32_t c : s) {
    if (is_separator(c)) {
      if (!Trim(cur).empty()) out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!Trim(cur).empty()) out.push_back(Trim(cur));
  return out;
}

// `A/B`, `A、B` and `A(B)` list variants; the first is the main reading.
std::vector<std::u32string> SplitVariants(const std::u32string& reading) {
  return SplitAt(reading, [](char32_t c) { return c == '/' || c == 0x3001 || c == '(' || c == ')'; });
}

bool IsClausePunctuation(char32_t c) {
  return c == ',' || c == '.' || c == '?' || c == '!' || c == ';' || c == ':' || c == 0xFF0C || c == 0x3002 ||
         c == 0xFF1F || c == 0xFF01 || c == 0xFF1B || c == 0xFF1A || c == 0x3001;
}

// Splits at punctuation; empty clauses dropped.
std::vector<std::u32string> SplitClauses(const std::u32string& s) { return SplitAt(s, IsClausePunctuation); }

// ---- the entries ---------------------------------------------------------

struct RawReading {
  std::string text;  // syllables joined by '-'
  std::vector<std::string> syllables;
  uint32_t neutral = 0;
  uint32_t lone = 0;  // syllables standing alone in running text
  Source source = Source::kMoe;
  uint8_t reg = 0;
  uint8_t kind = 0;
  uint8_t variant = 0;
  uint32_t row = 0;  // order in its file (MOE rows before iTaigi rows)
};


int RegisterRank(uint8_t reg) {
  switch (reg) {
    case format::kColloquial:
    case format::kSubstitute:
      return 0;
    case format::kCommon:
      return 1;
    case format::kUnmarked:
      return 2;
    default:
      return 3;  // literary
  }
}

int KindRank(uint8_t kind) {
  switch (kind) {
    case format::kMainEntry: return 0;
    case format::kOtherWord: return 1;
    case format::kVariant: return 2;
    case format::kName: return 3;
    case format::kPhrase: return 4;
    default: return 5;
  }
}

auto ReadingOrder(const RawReading& r) {
  return std::make_tuple(static_cast<int>(r.source), KindRank(r.kind), RegisterRank(r.reg), r.row, r.variant);
}

uint8_t MoeKind(int attribute) {
  if (attribute == 1) return format::kMainEntry;
  if (attribute == 2) return format::kVariant;
  if (attribute == 3 || attribute == 5) return format::kOtherWord;
  if (attribute == 25) return format::kPhrase;
  return format::kName;
}

class Builder {
 public:
  explicit Builder(BuildSummary* summary) : summary_(summary) {}

  void AddMoe(const std::vector<Row>& rows) {
    for (size_t i = 1; i < rows.size(); ++i) {  // row 0: the header
      const Row& r = rows[i];
      ++summary_->moe_rows;
      if (r.size() < 5) {
        Skip("MOE row with too few fields", r.empty() ? "" : r[0]);
        continue;
      }
      int attribute = std::atoi(r[1].c_str());
      int reg = std::atoi(r[4].c_str());
      RawReading proto;
      proto.source = Source::kMoe;
      proto.reg = static_cast<uint8_t>(reg >= 0 && reg <= 4 ? reg : 0);
      proto.kind = MoeKind(attribute);
      proto.row = static_cast<uint32_t>(i);
      AddRow(r[2], r[3], proto, proto.kind == format::kPhrase);
    }
  }

  void AddItaigi(const std::vector<Row>& rows) {
    if (rows.empty()) return;
    const Row& header = rows[0];
    auto column = [&](std::string_view name) {
      for (size_t c = 0; c < header.size(); ++c) {
        if (header[c] == name) return static_cast<int>(c);
      }
      return -1;
    };
    int kip = column("KipUnicode"), han = column("HanLoTaibunKip");
    if (kip < 0 || han < 0) {
      Skip("iTaigi file without KipUnicode/HanLoTaibunKip", "");
      return;
    }
    for (size_t i = 1; i < rows.size(); ++i) {
      const Row& r = rows[i];
      ++summary_->itaigi_rows;
      if (r.size() <= static_cast<size_t>(std::max(kip, han))) {
        Skip("iTaigi row with too few fields", r.empty() ? "" : r[0]);
        continue;
      }
      RawReading proto;
      proto.source = Source::kItaigi;
      proto.kind = format::kItaigiWord;
      proto.row = static_cast<uint32_t>(1000000 + i);
      // Han spellings may list variants too: pair them with the readings'.
      std::vector<std::u32string> hans = SplitVariants(DecodeUtf8(r[han]));
      std::vector<std::u32string> kips = SplitVariants(DecodeUtf8(NormalizeTailo(r[kip])));
      if (hans.size() > 1 && hans.size() == kips.size()) {
        for (size_t v = 0; v < hans.size(); ++v) AddRowVariants({hans[v]}, {kips[v]}, proto, true);
      } else {
        AddRowVariants(hans, kips, proto, true);
      }
    }
  }

  Status Write(std::string* out);

 private:
  void DropSuspectItaigi();
  void Skip(const std::string& reason, std::string_view what) {
    size_t& n = summary_->skipped[reason];
    ++n;
    auto& ex = summary_->examples[reason];
    if (ex.size() < 3) ex.emplace_back(what);
  }

  void AddRow(std::string_view han, std::string_view reading, const RawReading& proto, bool clauses) {
    std::u32string key = Trim(DecodeUtf8(han));
    std::u32string spelling = Trim(DecodeUtf8(NormalizeTailo(reading)));
    AddRowVariants({key}, SplitVariants(spelling), proto, clauses);
  }

  // One key (or several, all read by every variant) against its spellings.
  void AddRowVariants(const std::vector<std::u32string>& keys, const std::vector<std::u32string>& variants,
                      const RawReading& proto, bool clauses) {
    std::string label;
    for (const auto& k : keys) {
      for (char32_t c : k) AppendUtf8(c, &label);
    }
    if (keys.empty() || variants.empty()) {
      Skip("no reading", label);
      return;
    }
    for (const std::u32string& key : keys) {
      for (size_t v = 0; v < variants.size() && v < 250; ++v) {
        RawReading base = proto;
        base.variant = static_cast<uint8_t>(v);
        std::vector<std::u32string> key_parts{key}, spelling_parts{variants[v]};
        if (clauses) {
          key_parts = SplitClauses(key);
          spelling_parts = SplitClauses(variants[v]);
          if (key_parts.size() != spelling_parts.size()) {
            Skip("clause counts differ", label);
            continue;
          }
        }
        for (size_t p = 0; p < key_parts.size(); ++p) AddOne(key_parts[p], spelling_parts[p], base, label);
      }
    }
  }

  void AddOne(const std::u32string& key, const std::u32string& spelling, RawReading reading,
              const std::string& label) {
    if (key.empty()) {
      Skip("no headword", label);
      return;
    }
    for (char32_t c : key) {
      if (!IsHan(c)) {
        Skip("headword not all Han", label);
        return;
      }
    }
    Syllables syl;
    if (!ParseSpelling(spelling, &syl)) {
      Skip("reading with non-syllable text", label);
      return;
    }
    if (syl.text.size() != key.size()) {
      Skip("syllable count differs from character count", label);
      return;
    }
    reading.neutral = syl.neutral;
    // Running text: a proverb's clause, or a reading spelled as several words.
    if (syl.tokens >= 2 || reading.kind == format::kPhrase) reading.lone = syl.lone;
    reading.syllables = syl.text;
    for (size_t i = 0; i < syl.text.size(); ++i) {
      if (i) reading.text += '-';
      reading.text += syl.text[i];
    }
    // Every reading the index holds can be shown in each spelling the API
    // offers, and back: a reading the romanization cannot read (a tone mark
    // off its vowel, POJ in the Tâi-lô column) is refused here, not shown
    // half-converted later.
    for (Romanization romanization : {Romanization::kTailo, Romanization::kPoj}) {
      for (ToneStyle tones : {ToneStyle::kMarks, ToneStyle::kNumbers}) {
        std::string shown, back;
        if (!RenderReading(reading.text, romanization, tones, &shown) ||
            !ToTailoMarks(shown, romanization, tones, &back) ||
            back != reading.text) {
          Skip("reading the romanization cannot convert", label + " " + reading.text);
          return;
        }
      }
    }
    entries_[key].push_back(std::move(reading));
  }

  BuildSummary* summary_;
  std::map<std::u32string, std::vector<RawReading>> entries_;
};

struct CharStat {
  std::string text;
  uint8_t flags = 0;
  uint8_t reg = 0;
  uint8_t kind = 0;
  int alone_order = -1;  // position among the character's own entry's readings
  uint32_t moe_words = 0, moe_neutral = 0, itaigi_words = 0, lone_moe = 0, lone_itaigi = 0;
};

struct ContextKey {
  uint32_t code_point, neighbor;
  bool follows;
  std::string text;
  auto operator<=>(const ContextKey&) const = default;
};

template <class T>
void AppendSection(std::string* file, format::Section* section, const std::vector<T>& items) {
  while (file->size() % 4) file->push_back('\0');
  section->offset = static_cast<uint32_t>(file->size());
  section->count = static_cast<uint32_t>(items.size());
  file->append(reinterpret_cast<const char*>(items.data()), items.size() * sizeof(T));
}

// iTaigi is crowd-written: a reading it gives a character that the MOE never
// gives that character (alone or in any of its words) is more often a slip
// (tsiah for 食's tsia̍h) than a sound the MOE missed. While the MOE knows the
// character, such iTaigi readings are dropped, with every iTaigi word that
// relies on them; characters the MOE does not know keep iTaigi's.
void Builder::DropSuspectItaigi() {
  std::map<char32_t, std::set<std::string>> moe_reads;
  for (const auto& [key, readings] : entries_) {
    for (const RawReading& r : readings) {
      if (r.source != Source::kMoe) continue;
      for (size_t i = 0; i < key.size(); ++i) moe_reads[key[i]].insert(r.syllables[i]);
    }
  }
  for (auto it = entries_.begin(); it != entries_.end();) {
    const std::u32string& key = it->first;
    std::erase_if(it->second, [&](const RawReading& r) {
      if (r.source != Source::kItaigi) return false;
      for (size_t i = 0; i < key.size(); ++i) {
        auto known = moe_reads.find(key[i]);
        if (known != moe_reads.end() && !known->second.contains(r.syllables[i])) {
          std::string label;
          for (char32_t c : key) AppendUtf8(c, &label);
          Skip("iTaigi reading the MOE never gives its character", label + " " + r.text);
          return true;
        }
      }
      return false;
    });
    it = it->second.empty() ? entries_.erase(it) : std::next(it);
  }
}

Status Builder::Write(std::string* out) {
  DropSuspectItaigi();
  std::vector<format::FirstCodePoint> firsts;
  std::vector<format::Entry> entries;
  std::vector<format::Reading> readings;
  std::vector<format::CharInfo> chars;
  std::vector<format::CharReading> char_readings;
  std::vector<uint32_t> code_points;
  std::string pool;
  std::map<std::string, uint32_t> pooled;
  auto intern = [&](const std::string& s) {
    auto [it, fresh] = pooled.emplace(s, static_cast<uint32_t>(pool.size()));
    if (fresh) pool += s;
    return it->second;
  };

  // Entries: by first code point, then longest first, then by key.
  std::vector<const std::pair<const std::u32string, std::vector<RawReading>>*> order;
  for (auto& e : entries_) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(), [](auto* a, auto* b) {
    if (a->first[0] != b->first[0]) return a->first[0] < b->first[0];
    if (a->first.size() != b->first.size()) return a->first.size() > b->first.size();
    return a->first < b->first;
  });

  std::map<char32_t, std::map<std::string, CharStat>> stats;
  std::map<ContextKey, uint32_t> contexts;
  for (auto* e : order) {
    std::vector<RawReading> rs = e->second;
    std::stable_sort(rs.begin(), rs.end(),
                     [](const RawReading& a, const RawReading& b) { return ReadingOrder(a) < ReadingOrder(b); });
    // The same text twice (a variant equal to another row's) is kept once.
    std::vector<RawReading> unique;
    for (auto& r : rs) {
      bool seen = false;
      for (auto& u : unique) seen = seen || (u.text == r.text && u.source == r.source);
      if (!seen) unique.push_back(std::move(r));
    }
    if (unique.size() > 0xFFFF) unique.resize(0xFFFF);
    const std::u32string& key = e->first;
    if (firsts.empty() || firsts.back().code_point != key[0]) {
      firsts.push_back({static_cast<uint32_t>(key[0]), static_cast<uint32_t>(entries.size()), 0});
    }
    ++firsts.back().entry_count;
    entries.push_back({static_cast<uint32_t>(code_points.size()), static_cast<uint16_t>(key.size()),
                       static_cast<uint16_t>(unique.size()), static_cast<uint32_t>(readings.size())});
    for (char32_t c : key) code_points.push_back(static_cast<uint32_t>(c));
    int alone_order = 0;
    for (const RawReading& r : unique) {
      format::Reading out_r{};
      out_r.text = intern(r.text);
      out_r.text_bytes = static_cast<uint16_t>(r.text.size());
      out_r.source = static_cast<uint8_t>(r.source);
      out_r.reg = r.reg;
      out_r.neutral = r.neutral;
      out_r.variant = r.variant;
      out_r.kind = r.kind;
      readings.push_back(out_r);

      if (key.size() == 1) {
        CharStat& s = stats[key[0]][r.text];
        s.text = r.text;
        if (r.source == Source::kMoe) {
          if (!(s.flags & format::kAloneMoe)) {
            s.reg = r.reg;
            s.kind = r.kind;
            s.alone_order = alone_order++;
          }
          s.flags |= format::kAloneMoe;
          if (r.neutral & 1) s.flags |= format::kNeutralAlone;
        } else {
          s.flags |= format::kAloneItaigi;
        }
      }
    }
    if (key.size() > 1) {
      // Statistics over every row's main reading of this word.
      for (const RawReading& r : e->second) {
        if (r.variant != 0) continue;
        for (size_t i = 0; i < key.size(); ++i) {
          CharStat& s = stats[key[i]][r.syllables[i]];
          s.text = r.syllables[i];
          if (r.source == Source::kMoe) {
            s.flags |= format::kInMoeWords;
            ++s.moe_words;
            if (r.neutral >> i & 1) ++s.moe_neutral;
          } else {
            s.flags |= format::kInItaigiWords;
            ++s.itaigi_words;
          }
          if (i < 32 && (r.lone >> i & 1)) {
            ++(r.source == Source::kMoe ? s.lone_moe : s.lone_itaigi);
            if (i > 0) ++contexts[{static_cast<uint32_t>(key[i]), static_cast<uint32_t>(key[i - 1]), false, s.text}];
            if (i + 1 < key.size()) {
              ++contexts[{static_cast<uint32_t>(key[i]), static_cast<uint32_t>(key[i + 1]), true, s.text}];
            }
          }
        }
      }
    }
  }

  // Per character, best first: its own MOE entry's readings in that entry's
  // order; then what MOE words read it, most often first; then iTaigi's.
  for (auto& [cp, by_text] : stats) {
    std::vector<const CharStat*> list;
    for (auto& [t, s] : by_text) list.push_back(&s);
    std::stable_sort(list.begin(), list.end(), [](const CharStat* a, const CharStat* b) {
      auto k = [](const CharStat* s) {
        format::CharReading r{};
        r.flags = s->flags;
        r.moe_words = s->moe_words;
        r.itaigi_words = s->itaigi_words;
        r.lone_moe = s->lone_moe;
        r.lone_itaigi = s->lone_itaigi;
        return std::make_tuple(format::MoeKnows(r) ? 0 : 1, -format::AloneScore(r), s->alone_order, s->text);
      };
      return k(a) < k(b);
    });
    chars.push_back({static_cast<uint32_t>(cp), static_cast<uint32_t>(char_readings.size()),
                     static_cast<uint32_t>(list.size())});
    int rank = 0;
    for (const CharStat* s : list) {
      format::CharReading cr{};
      cr.text = intern(s->text);
      cr.text_bytes = static_cast<uint16_t>(s->text.size());
      cr.flags = s->flags;
      cr.reg = s->reg;
      cr.kind = s->kind;
      cr.rank = static_cast<uint8_t>(std::min(rank++, 255));
      cr.moe_words = s->moe_words;
      cr.moe_neutral = s->moe_neutral;
      cr.itaigi_words = s->itaigi_words;
      cr.lone_moe = s->lone_moe;
      cr.lone_itaigi = s->lone_itaigi;
      char_readings.push_back(cr);
    }
  }
  std::vector<format::Context> context_table;
  for (const auto& [k, n] : contexts) {
    uint32_t text = intern(k.text);
    if (text >= 1u << 31) return Status::Internal("text pool over 2 GiB");
    context_table.push_back({k.code_point, k.neighbor, (k.follows ? 1u << 31 : 0u) | text, n});
  }

  format::Header header{};
  std::memcpy(header.magic, format::kMagic, sizeof header.magic);
  header.version = format::kVersion;
  std::string file(sizeof header, '\0');
  AppendSection(&file, &header.firsts, firsts);
  AppendSection(&file, &header.entries, entries);
  AppendSection(&file, &header.readings, readings);
  AppendSection(&file, &header.chars, chars);
  AppendSection(&file, &header.char_readings, char_readings);
  AppendSection(&file, &header.code_points, code_points);
  AppendSection(&file, &header.contexts, context_table);
  std::vector<char> pool_bytes(pool.begin(), pool.end());
  AppendSection(&file, &header.pool, pool_bytes);
  while (file.size() % 4) file.push_back('\0');
  if (file.size() > UINT32_MAX) return Status::Internal("lexicon over 4 GiB");
  header.file_bytes = static_cast<uint32_t>(file.size());
  std::memcpy(file.data(), &header, sizeof header);

  summary_->entries = entries.size();
  summary_->readings = readings.size();
  summary_->chars = chars.size();
  summary_->bytes = file.size();
  *out = std::move(file);
  return Status::Ok();
}

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  *out = s.str();
  return Status::Ok();
}

}  // namespace

std::u32string DecodeUtf8(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c < 0xE0) {
      cp = c & 0x1F;
      n = 2;
    } else if (c < 0xF0) {
      cp = c & 0x0F;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    if (i + n > s.size()) break;
    for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | c >> 6));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | c >> 12));
    out->push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | c >> 18));
    out->push_back(static_cast<char>(0x80 | (c >> 12 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c >> 6 & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::string NormalizeTailo(std::string_view text) {
  std::u32string out;
  for (char32_t c : DecodeUtf8(text)) {
    c = Lower(c);
    if (IsCombining(c) && !out.empty()) {
      if (char32_t composed = Compose(out.back(), c)) {
        out.back() = composed;
        continue;
      }
      // POJ's dot (U+0358, class 232) goes after a tone mark (class 230):
      // o + U+0358 + U+0301 is ó + U+0358 in NFC.
      if (out.back() == 0x0358 && out.size() >= 2 && c != 0x0358) {
        if (char32_t composed2 = Compose(out[out.size() - 2], c)) {
          out[out.size() - 2] = composed2;
          continue;
        }
        out.back() = c;
        out.push_back(0x0358);
        continue;
      }
    }
    out.push_back(c);
  }
  std::string utf8;
  for (char32_t c : out) AppendUtf8(c, &utf8);
  return utf8;
}

std::string StripTone(std::string_view syllable) {
  std::string out;
  for (char32_t c : DecodeUtf8(NormalizeTailo(syllable))) {
    if (const Composition* d = Decomposition(c)) c = d->base;
    if (IsCombining(c) && c != 0x0358) continue;
    AppendUtf8(c, &out);
  }
  return out;
}

Status BuildLexiconBytes(std::string_view moe_csv, std::string_view itaigi_csv, std::string* out,
                         BuildSummary* summary) {
  *summary = BuildSummary();
  Builder builder(summary);
  builder.AddMoe(ParseCsv(moe_csv));
  builder.AddItaigi(ParseCsv(itaigi_csv));
  return builder.Write(out);
}

Status BuildLexicon(const std::string& moe_csv, const std::string& itaigi_csv, const std::string& out_path,
                    BuildSummary* summary) {
  std::string moe, itaigi, bytes;
  if (Status s = ReadFile(moe_csv, &moe); !s.ok()) return s;
  if (Status s = ReadFile(itaigi_csv, &itaigi); !s.ok()) return s;
  if (Status s = BuildLexiconBytes(moe, itaigi, &bytes, summary); !s.ok()) return s;
  std::string tmp = out_path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f.write(bytes.data(), static_cast<std::streamsize>(bytes.size())) || !f.flush()) {
      return Status::Internal("cannot write " + tmp);
    }
  }
  if (std::rename(tmp.c_str(), out_path.c_str()) != 0) return Status::Internal("cannot rename " + tmp);
  return Status::Ok();
}

}  // namespace zf::pronunciation
