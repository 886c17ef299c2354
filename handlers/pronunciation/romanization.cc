#include "romanization.h"

#include <array>
#include <cstdint>

namespace zf::pronunciation {

namespace {

// A syllable is held as the indexes of its parts in the tables below, so
// every spelling is read into the same value and written out of it.
//
//   initial · nucleus · [nasal] · [final]      e.g. tsh·ua·nn·h
//   initial · syllabic m|ng · [h]              e.g. h·m·h, s·ng

struct Initial {
  std::string_view tailo, poj;
};
constexpr std::array<Initial, 18> kInitials = {{
    {"tsh", "chh"}, {"ts", "ch"}, {"ph", "ph"}, {"th", "th"}, {"kh", "kh"}, {"ng", "ng"},
    {"p", "p"},     {"b", "b"},   {"m", "m"},   {"t", "t"},   {"n", "n"},   {"l", "l"},
    {"k", "k"},     {"g", "g"},   {"h", "h"},   {"s", "s"},   {"j", "j"},   {"", ""},
}};

// POJ letters outside ASCII have one-byte stand-ins while a syllable is
// handled: O = o͘ (Tâi-lô oo), N = ⁿ (nn), U = ṳ (ir), R = o̤ (er).
//
// The mark offsets say which letter of the nucleus takes the tone mark:
// Tâi-lô marks a, then o, then e, then the second of i/u (uī, kiū); POJ marks
// the o of oa/oe unless a consonant closes the syllable (chhōa, oān, goe̍h)
// and u over i (ūi).
struct Nucleus {
  std::string_view tailo, poj;
  int tailo_mark, poj_mark_open, poj_mark_closed;
};
constexpr std::array<Nucleus, 21> kNuclei = {{
    {"iau", "iau", 1, 1, 1}, {"uai", "oai", 1, 1, 1}, {"ioo", "iO", 1, 1, 1}, {"ere", "Re", 2, 0, 0},
    {"oo", "O", 0, 0, 0},    {"ai", "ai", 0, 0, 0},   {"au", "au", 0, 0, 0},  {"ia", "ia", 1, 1, 1},
    {"io", "io", 1, 1, 1},   {"iu", "iu", 1, 1, 1},   {"ua", "oa", 1, 0, 1},  {"ue", "oe", 1, 0, 1},
    {"ui", "ui", 1, 0, 0},   {"ee", "ee", 0, 0, 0},   {"ir", "U", 0, 0, 0},   {"er", "R", 0, 0, 0},
    {"a", "a", 0, 0, 0},     {"e", "e", 0, 0, 0},     {"i", "i", 0, 0, 0},    {"o", "o", 0, 0, 0},
    {"u", "u", 0, 0, 0},
}};
constexpr int kNucleusI = 18;
constexpr int kNucleusE = 17;

constexpr std::array<std::string_view, 7> kFinals = {"ng", "m", "n", "p", "t", "k", "h"};
constexpr int kFinalNg = 0;
constexpr int kFinalK = 5;
constexpr int kFinalH = 6;

enum class Syllabic : int8_t { kNone, kM, kNg };

struct Syllable {
  int8_t initial = 0;
  int8_t nucleus = -1;  // -1: syllabic
  Syllabic syllabic = Syllabic::kNone;
  bool nasal = false;
  int8_t final = -1;  // -1: none
  int8_t tone = 0;
  bool capital = false;
};

// Tâi-lô ing/ik are POJ eng/ek.
bool IsIngIk(const Syllable& s) {
  return s.nucleus == kNucleusI && (s.final == kFinalNg || s.final == kFinalK);
}

bool Checked(const Syllable& s) {
  if (s.final >= 0) return s.final >= 3;  // p t k h
  return false;
}

// --- UTF-8 and the composition of the letters these spellings use ---------

constexpr char32_t kBad = 0xFFFFFFFF;

char32_t NextCodePoint(std::string_view s, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  size_t i = *pos;
  unsigned char c = byte(i);
  if (c < 0x80) {
    *pos = i + 1;
    return c;
  }
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 ? 1 : -1;
  if (extra < 0 || c > 0xF4 || i + extra >= s.size()) return kBad;
  char32_t cp = c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char t = byte(i + k);
    if ((t & 0xC0) != 0x80) return kBad;
    cp = (cp << 6) | (t & 0x3F);
  }
  static constexpr char32_t kMin[4] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kBad;
  *pos = i + 1 + extra;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Every precomposed letter a Tâi-lô or POJ syllable may hold (their NFC
// forms), by code point.
struct Composite {
  char32_t composite;
  char base;
  char32_t mark;
};
constexpr Composite kComposites[] = {
    {0x00C0, 'A', 0x300}, {0x00C1, 'A', 0x301}, {0x00C2, 'A', 0x302}, {0x00C8, 'E', 0x300}, {0x00C9, 'E', 0x301},
    {0x00CA, 'E', 0x302}, {0x00CC, 'I', 0x300}, {0x00CD, 'I', 0x301}, {0x00CE, 'I', 0x302}, {0x00D2, 'O', 0x300},
    {0x00D3, 'O', 0x301}, {0x00D4, 'O', 0x302}, {0x00D9, 'U', 0x300}, {0x00DA, 'U', 0x301}, {0x00DB, 'U', 0x302},
    {0x00E0, 'a', 0x300}, {0x00E1, 'a', 0x301}, {0x00E2, 'a', 0x302}, {0x00E8, 'e', 0x300}, {0x00E9, 'e', 0x301},
    {0x00EA, 'e', 0x302}, {0x00EC, 'i', 0x300}, {0x00ED, 'i', 0x301}, {0x00EE, 'i', 0x302}, {0x00F2, 'o', 0x300},
    {0x00F3, 'o', 0x301}, {0x00F4, 'o', 0x302}, {0x00F9, 'u', 0x300}, {0x00FA, 'u', 0x301}, {0x00FB, 'u', 0x302},
    {0x0100, 'A', 0x304}, {0x0101, 'a', 0x304}, {0x0102, 'A', 0x306}, {0x0103, 'a', 0x306}, {0x0112, 'E', 0x304},
    {0x0113, 'e', 0x304}, {0x0114, 'E', 0x306}, {0x0115, 'e', 0x306}, {0x011A, 'E', 0x30C}, {0x011B, 'e', 0x30C},
    {0x012A, 'I', 0x304}, {0x012B, 'i', 0x304}, {0x012C, 'I', 0x306}, {0x012D, 'i', 0x306}, {0x0143, 'N', 0x301},
    {0x0144, 'n', 0x301}, {0x0147, 'N', 0x30C}, {0x0148, 'n', 0x30C}, {0x014C, 'O', 0x304}, {0x014D, 'o', 0x304},
    {0x014E, 'O', 0x306}, {0x014F, 'o', 0x306}, {0x0150, 'O', 0x30B}, {0x0151, 'o', 0x30B}, {0x016A, 'U', 0x304},
    {0x016B, 'u', 0x304}, {0x016C, 'U', 0x306}, {0x016D, 'u', 0x306}, {0x0170, 'U', 0x30B}, {0x0171, 'u', 0x30B},
    {0x01CD, 'A', 0x30C}, {0x01CE, 'a', 0x30C}, {0x01CF, 'I', 0x30C}, {0x01D0, 'i', 0x30C}, {0x01D1, 'O', 0x30C},
    {0x01D2, 'o', 0x30C}, {0x01D3, 'U', 0x30C}, {0x01D4, 'u', 0x30C}, {0x01F8, 'N', 0x300}, {0x01F9, 'n', 0x300},
    {0x1E3E, 'M', 0x301}, {0x1E3F, 'm', 0x301}, {0x1E72, 'U', 0x324}, {0x1E73, 'u', 0x324},
};

const Composite* Decompose(char32_t cp) {
  if (cp < 0xC0 || cp > 0x1E73) return nullptr;
  size_t lo = 0, hi = std::size(kComposites);
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (kComposites[mid].composite < cp) lo = mid + 1;
    else hi = mid;
  }
  return lo < std::size(kComposites) && kComposites[lo].composite == cp ? &kComposites[lo] : nullptr;
}

char32_t Compose(char32_t base, char32_t mark) {
  for (const Composite& c : kComposites) {
    if (static_cast<char32_t>(c.base) == base && c.mark == mark) return c.composite;
  }
  return 0;
}

// Canonical combining classes of the marks in use.
int CombiningClass(char32_t mark) {
  switch (mark) {
    case 0x324: return 220;
    case 0x358: return 232;
    default: return 230;
  }
}

// Writes a letter with up to two marks in NFC: the marks in canonical
// order, each composed with the letter where Unicode has the composite and
// no earlier mark of the same class stands between them.
void AppendLetter(char base, char32_t mark1, char32_t mark2, std::string* out) {
  if (mark1 && mark2 && CombiningClass(mark2) < CombiningClass(mark1)) std::swap(mark1, mark2);
  char32_t letter = static_cast<unsigned char>(base);
  char32_t left[2];
  int nleft = 0;
  for (char32_t mark : {mark1, mark2}) {
    if (!mark) continue;
    bool blocked = nleft > 0 && CombiningClass(left[nleft - 1]) >= CombiningClass(mark);
    char32_t composed = blocked ? 0 : Compose(letter, mark);
    if (composed) letter = composed;
    else left[nleft++] = mark;
  }
  AppendUtf8(letter, out);
  for (int k = 0; k < nleft; ++k) AppendUtf8(left[k], out);
}

// --- tones ------------------------------------------------------------------

constexpr char32_t kTailoToneMarks[10] = {0, 0, 0x301, 0x300, 0, 0x302, 0x30C, 0x304, 0x30D, 0x30B};
constexpr char32_t kPojToneMarks[10] = {0, 0, 0x301, 0x300, 0, 0x302, 0x30C, 0x304, 0x30D, 0x306};

int ToneOfMark(char32_t mark, Romanization romanization) {
  const char32_t* marks = romanization == Romanization::kTailo ? kTailoToneMarks : kPojToneMarks;
  for (int tone = 2; tone <= 9; ++tone) {
    if (marks[tone] == mark) return tone;
  }
  return 0;
}

// --- reading one syllable's letters -----------------------------------------

constexpr int kMaxLetters = 16;

struct Letters {
  char text[kMaxLetters];
  int size = 0;
  int tone = 0;  // from a mark or a digit; 0 when the spelling gave none
  int marked = -1;  // the letter the tone mark was on
  bool capital = false;

  bool Push(char c) {
    if (size == kMaxLetters) return false;
    text[size++] = c;
    return true;
  }
  std::string_view view() const { return {text, static_cast<size_t>(size)}; }
};

bool IsAsciiLetter(char32_t cp) { return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z'); }
bool IsCombining(char32_t cp) { return cp >= 0x300 && cp <= 0x36F; }
// Applies one combining mark to the last letter read.
bool ApplyMark(char32_t mark, Romanization romanization, Letters* l) {
  if (l->size == 0) return false;
  char& last = l->text[l->size - 1];
  if (romanization == Romanization::kPoj && mark == 0x358) {
    if (last != 'o') return false;
    last = 'O';
    return true;
  }
  if (romanization == Romanization::kPoj && mark == 0x324) {
    if (last != 'u' && last != 'o') return false;
    last = last == 'u' ? 'U' : 'R';
    return true;
  }
  int tone = ToneOfMark(mark, romanization);
  if (!tone || l->tone) return false;
  if (last == 'N') return false;
  l->tone = tone;
  l->marked = l->size - 1;
  return true;
}

// Reads the letters of one syllable at *pos (marks, or a trailing digit in
// the numbers style) into l, lower-cased, POJ letters as their stand-ins.
bool ReadLetters(std::string_view text, size_t* pos, Romanization romanization, ToneStyle tones, Letters* l) {
  size_t p = *pos;
  bool first = true;
  while (p < text.size()) {
    size_t next = p;
    char32_t cp = NextCodePoint(text, &next);
    if (cp == kBad) break;
    const Composite* comp = nullptr;
    if (IsAsciiLetter(cp)) {
      char c = static_cast<char>(cp);
      if (c <= 'Z') {
        if (first) l->capital = true;
        c = static_cast<char>(c - 'A' + 'a');
      }
      if (!l->Push(c)) return false;
    } else if ((comp = Decompose(cp)) != nullptr) {
      char c = comp->base;
      if (c <= 'Z') {
        if (first) l->capital = true;
        c = static_cast<char>(c - 'A' + 'a');
      }
      if (!l->Push(c)) return false;
      if (tones == ToneStyle::kNumbers && comp->mark != 0x324) return false;
      if (!ApplyMark(comp->mark, romanization, l)) return false;
    } else if (cp == 0x207F) {
      if (romanization != Romanization::kPoj || !l->Push('N')) return false;
    } else if (IsCombining(cp)) {
      bool tone_mark = cp != 0x358 && cp != 0x324;
      if (tones == ToneStyle::kNumbers && tone_mark) return false;
      if (!ApplyMark(cp, romanization, l)) return false;
    } else {
      break;
    }
    first = false;
    p = next;
  }
  if (l->size == 0) return false;
  if (tones == ToneStyle::kNumbers && p < text.size() && text[p] >= '1' && text[p] <= '9') {
    l->tone = text[p] - '0';
    ++p;
  }
  *pos = p;
  return true;
}

// The digits style of POJ spells its letters in ASCII: oo, nn, ur, or.
void PojDigitsToStandIns(Letters* l) {
  auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'O' || c == 'U' || c == 'R'; };
  int w = 0;
  for (int r = 0; r < l->size; ++r) {
    char c = l->text[r];
    char next = r + 1 < l->size ? l->text[r + 1] : '\0';
    if (c == 'o' && next == 'o') {
      l->text[w++] = 'O';
      ++r;
    } else if (c == 'n' && next == 'n' && w > 0 && vowel(l->text[w - 1])) {
      l->text[w++] = 'N';
      ++r;
    } else if ((c == 'u' || c == 'o') && next == 'r') {
      l->text[w++] = c == 'u' ? 'U' : 'R';
      ++r;
    } else {
      l->text[w++] = c;
    }
  }
  l->size = w;
}

// --- parsing letters into parts, writing parts as letters --------------------

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The rime after the initial: nucleus [nasal] [final] | syllabic [h].
bool ParseRime(std::string_view rime, Romanization romanization, Syllable* s) {
  bool poj = romanization == Romanization::kPoj;
  for (size_t n = 0; n < kNuclei.size(); ++n) {
    std::string_view nucleus = poj ? kNuclei[n].poj : kNuclei[n].tailo;
    if (rime.empty() || rime[0] != nucleus[0] || !StartsWith(rime, nucleus)) continue;
    std::string_view rest = rime.substr(nucleus.size());
    s->nucleus = static_cast<int8_t>(n);
    s->nasal = false;
    s->final = -1;
    std::string_view nasal = poj ? "N" : "nn";
    if (StartsWith(rest, nasal)) {
      s->nasal = true;
      rest.remove_prefix(nasal.size());
      if (rest.empty()) return true;
      if (rest == "h") {
        s->final = kFinalH;
        return true;
      }
      return false;
    }
    if (rest.empty()) return true;
    for (size_t f = 0; f < kFinals.size(); ++f) {
      if (rest == kFinals[f]) {
        s->final = static_cast<int8_t>(f);
        return true;
      }
    }
    return false;  // the longest nucleus that matches is the only reading
  }
  s->nucleus = -1;
  s->nasal = false;
  s->final = -1;
  if (rime == "m" || rime == "mh") s->syllabic = Syllabic::kM;
  else if (rime == "ng" || rime == "ngh") s->syllabic = Syllabic::kNg;
  else return false;
  if (rime.back() == 'h') s->final = kFinalH;
  return true;
}

bool ParseSyllable(const Letters& l, Romanization romanization, Syllable* s) {
  std::string_view text = l.view();
  for (size_t i = 0; i < kInitials.size(); ++i) {
    std::string_view initial = romanization == Romanization::kPoj ? kInitials[i].poj : kInitials[i].tailo;
    if (!initial.empty() && (initial[0] != text[0] || !StartsWith(text, initial))) continue;
    Syllable candidate;
    candidate.initial = static_cast<int8_t>(i);
    if (!ParseRime(text.substr(initial.size()), romanization, &candidate)) continue;
    // eng/ek are POJ's spelling of Tâi-lô's ing/ik: in Tâi-lô they are not
    // a syllable of their own, so they could not come back from POJ.
    bool e_ng_k = candidate.nucleus == kNucleusE && (candidate.final == kFinalNg || candidate.final == kFinalK);
    if (e_ng_k) {
      if (romanization == Romanization::kTailo) return false;
      candidate.nucleus = kNucleusI;
    } else if (romanization == Romanization::kPoj && IsIngIk(candidate)) {
      return false;  // POJ writes these eng/ek
    }
    candidate.capital = l.capital;
    int tone = l.tone;
    if (tone == 0 || tone == 1 || tone == 4) tone = Checked(candidate) ? 4 : 1;
    candidate.tone = static_cast<int8_t>(tone);
    *s = candidate;
    return true;
  }
  return false;
}

// The letters of s in a spelling (POJ with its stand-ins), and which of them
// takes the tone mark.
int SpellSyllable(const Syllable& s, Romanization romanization, Letters* l) {
  bool poj = romanization == Romanization::kPoj;
  auto append = [l](std::string_view part) {
    for (char c : part) l->Push(c);
  };
  append(poj ? kInitials[s.initial].poj : kInitials[s.initial].tailo);
  int mark_at = l->size;
  if (s.nucleus >= 0) {
    const Nucleus& n = kNuclei[s.nucleus];
    if (poj && IsIngIk(s)) {
      append("e");
    } else {
      append(poj ? n.poj : n.tailo);
      mark_at += poj ? (s.final >= 0 ? n.poj_mark_closed : n.poj_mark_open) : n.tailo_mark;
    }
    if (s.nasal) append(poj ? "N" : "nn");
  } else {
    append(s.syllabic == Syllabic::kM ? "m" : "ng");
  }
  if (s.final >= 0) append(kFinals[s.final]);
  return mark_at;
}

void WriteSyllable(const Syllable& s, Romanization romanization, ToneStyle tones, std::string* out) {
  Letters l;
  int mark_at = SpellSyllable(s, romanization, &l);
  bool poj = romanization == Romanization::kPoj;
  char32_t tone_mark = 0;
  if (tones == ToneStyle::kMarks) tone_mark = (poj ? kPojToneMarks : kTailoToneMarks)[s.tone];
  for (int i = 0; i < l.size; ++i) {
    char c = l.text[i];
    char32_t mark1 = i == mark_at ? tone_mark : 0;
    char32_t mark2 = 0;
    bool upper = i == 0 && s.capital;
    if (tones == ToneStyle::kNumbers) {
      // POJ's digits style spells its own letters in ASCII.
      switch (c) {
        case 'O': out->append(upper ? "Oo" : "oo"); continue;
        case 'N': out->append("nn"); continue;
        case 'U': out->append(upper ? "Ur" : "ur"); continue;
        case 'R': out->append(upper ? "Or" : "or"); continue;
        default: break;
      }
    }
    switch (c) {
      case 'N': AppendUtf8(0x207F, out); continue;
      case 'O': c = 'o'; mark2 = 0x358; break;
      case 'U': c = 'u'; mark2 = 0x324; break;
      case 'R': c = 'o'; mark2 = 0x324; break;
      default: break;
    }
    if (upper) c = static_cast<char>(c - 'a' + 'A');
    AppendLetter(c, mark1, mark2, out);
  }
  if (tones == ToneStyle::kNumbers && s.tone != 1 && s.tone != 4) out->push_back(static_cast<char>('0' + s.tone));
}

// Between syllables: hyphens, spaces and the punctuation of written
// sentences (the MOE spells proverbs whole), kept as they are.
bool IsKeptBetweenSyllables(char32_t cp) {
  if (cp < 0x80) {
    return cp == ' ' || cp == '-' || cp == ',' || cp == '.' || cp == '?' || cp == '!' || cp == ';' ||
           cp == ':' || cp == '(' || cp == ')' || cp == '/' || cp == '"' || cp == '\'';
  }
  return cp == 0x2011 /* non-breaking hyphen */ || cp == 0x2500 /* ─ */ || cp == 0x3000 /* ideographic space */ ||
         cp == 0x3001 /* 、 */;
}

// Reads `text` in one spelling and writes it in another. Only the Tâi-lô
// marks of RenderReading's input must sit where Tâi-lô puts them (so that
// what it renders comes back the same).
bool Convert(std::string_view text, Romanization from, ToneStyle from_tones, bool strict_marks, Romanization to,
             ToneStyle to_tones, std::string* out) {
  thread_local std::string buffer;
  buffer.clear();
  if (text.empty()) return false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t next = pos;
    char32_t cp = NextCodePoint(text, &next);
    if (cp == kBad) return false;
    if (IsKeptBetweenSyllables(cp)) {
      buffer.append(text.substr(pos, next - pos));
      pos = next;
      continue;
    }
    Letters l;
    if (!ReadLetters(text, &pos, from, from_tones, &l)) return false;
    if (from == Romanization::kPoj && from_tones == ToneStyle::kNumbers) PojDigitsToStandIns(&l);
    Syllable s;
    if (!ParseSyllable(l, from, &s)) return false;
    if (strict_marks && l.marked >= 0) {
      // The mark must be where Tâi-lô writes it.
      Letters canonical;
      if (l.marked != SpellSyllable(s, from, &canonical)) return false;
    }
    WriteSyllable(s, to, to_tones, &buffer);
  }
  out->assign(buffer);
  return true;
}

}  // namespace

bool ParseRomanization(std::string_view name, Romanization* out) {
  if (name == "tailo") *out = Romanization::kTailo;
  else if (name == "poj") *out = Romanization::kPoj;
  else return false;
  return true;
}

bool ParseToneStyle(std::string_view name, ToneStyle* out) {
  if (name == "marks") *out = ToneStyle::kMarks;
  else if (name == "numbers") *out = ToneStyle::kNumbers;
  else return false;
  return true;
}

bool RenderReading(std::string_view tailo, Romanization romanization, ToneStyle tones, std::string* out) {
  return Convert(tailo, Romanization::kTailo, ToneStyle::kMarks, true, romanization, tones, out);
}

bool ToTailoMarks(std::string_view reading, Romanization romanization, ToneStyle tones, std::string* out) {
  return Convert(reading, romanization, tones, false, Romanization::kTailo, ToneStyle::kMarks, out);
}

}  // namespace zf::pronunciation
