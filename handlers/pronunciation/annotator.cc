#include "annotator.h"

#include <limits>

#include "lexicon_format.h"

namespace zf::pronunciation {

namespace {

// Costs of a segmentation piece; the path of least total cost wins. A piece
// is a piece (fewest pieces first); among paths of as many pieces, iTaigi's
// words and characters read alone cost a little more than MOE words.
struct PieceCosts {
  int piece;
  int itaigi_word;
  int lone_char;
};
constexpr PieceCosts kCosts = {.piece = 100, .itaigi_word = 30, .lone_char = 0};

// What one neighbour seen beside a reading in the dictionaries' running text
// weighs against the reading's evidence out of context (format::AloneScore).
// Measured on the development set: 1-6 give the same within 0.01 point.
constexpr double kContextWeight = 3.0;
// Neutral-toned particles' readings only where they fit (a rule, in effect).
constexpr double kNeutralWeight = 100.0;

struct Candidate {
  const format::Entry* entry = nullptr;  // null: the character alone
  size_t length = 1;
};

size_t Utf8Length(unsigned char lead) { return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4; }

bool KeyMatches(std::span<const uint32_t> key, const std::vector<AnnotatedChar>& chars, size_t at) {
  for (size_t k = 1; k < key.size(); ++k) {
    if (chars[at + k].code_point != key[k]) return false;
  }
  return true;
}

// An entry's readings are sorted best first by the compiler (MOE before
// iTaigi; headwords, colloquial, main variant first).
const format::Reading& BestReading(const LexiconView& lex, const format::Entry& entry) {
  return lex.Readings(entry)[0];
}

double ContextCount(std::span<const format::Context> contexts, uint32_t text) {
  double n = 0;
  for (const format::Context& c : contexts) {
    if ((c.side_and_text & 0x7FFFFFFF) == text) n += c.count;
  }
  return n;
}

// A character outside any word: the reading with the most evidence, its
// neighbours counted; only the MOE's readings while it has any.
const format::CharReading* ChooseAlone(const LexiconView& lex, const std::vector<AnnotatedChar>& chars,
                                       size_t at) {
  char32_t cp = chars[at].code_point;
  auto readings = lex.CharReadingsOf(cp);
  if (readings.empty()) return nullptr;
  if (readings.size() == 1) return &readings[0];
  std::span<const format::Context> before, after;
  if (at > 0) before = lex.Contexts(cp, chars[at - 1].code_point, false);
  if (at + 1 < chars.size()) after = lex.Contexts(cp, chars[at + 1].code_point, true);
  bool moe = format::MoeKnows(readings[0]);
  const format::CharReading* best = &readings[0];
  double best_score = -1e300;
  for (const format::CharReading& r : readings) {
    if (moe && !format::MoeKnows(r)) break;
    double score = format::AloneScore(r) + kContextWeight * (ContextCount(before, r.text) + ContextCount(after, r.text));
    // A neutral-toned particle closes what comes before it: it fits after a
    // Han character and before the end of the clause, not before more text.
    if (r.flags & format::kNeutralAlone) {
      bool after_han = at > 0 && chars[at - 1].han;
      bool closes = at + 1 == chars.size() || !chars[at + 1].han;
      score += (after_han && closes) ? kNeutralWeight : -kNeutralWeight;
    }
    if (score > best_score) {
      best_score = score;
      best = &r;
    }
  }
  return best;
}

void SetSyllables(std::string_view reading, std::vector<AnnotatedChar>& chars, size_t start) {
  size_t i = start;
  size_t from = 0;
  for (size_t p = 0; p <= reading.size(); ++p) {
    if (p == reading.size() || reading[p] == '-') {
      chars[i++].reading.assign(reading.substr(from, p - from));
      from = p + 1;
    }
  }
}

void AnnotateRun(const LexiconView& lex, size_t begin, size_t end, Annotation* out) {
  std::vector<AnnotatedChar>& chars = out->chars;
  size_t n = end - begin;
  constexpr int kInf = std::numeric_limits<int>::max() / 2;
  std::vector<int> cost(n + 1, kInf);
  std::vector<Candidate> choice(n + 1);
  cost[n] = 0;
  for (size_t i = n; i-- > 0;) {
    size_t at = begin + i;
    // The character alone.
    cost[i] = cost[i + 1] + kCosts.piece + kCosts.lone_char;
    choice[i] = Candidate{};
    for (const format::Entry& e : lex.EntriesStartingWith(chars[at].code_point)) {
      if (e.length > n - i || e.length < 2) continue;
      if (!KeyMatches(lex.Key(e), chars, at)) continue;
      const format::Reading& r = BestReading(lex, e);
      int c = cost[i + e.length] + kCosts.piece +
              (r.source == static_cast<uint8_t>(Source::kItaigi) ? kCosts.itaigi_word : 0);
      if (c < cost[i]) {
        cost[i] = c;
        choice[i] = Candidate{&e, e.length};
      }
    }
  }
  for (size_t i = 0; i < n;) {
    size_t at = begin + i;
    const Candidate& c = choice[i];
    AnnotatedWord word;
    word.start = at;
    word.end = at + c.length;
    if (c.entry) {
      const format::Reading& r = BestReading(lex, *c.entry);
      word.reading.assign(lex.Text(r.text, r.text_bytes));
      word.source = static_cast<Source>(r.source);
      SetSyllables(word.reading, chars, at);
    } else {
      const format::CharReading* chosen = ChooseAlone(lex, chars, at);
      if (!chosen) {
        word.source = Source::kNone;
        ++out->unknown;
      } else {
        const format::CharReading& r = *chosen;
        word.reading.assign(lex.Text(r.text, r.text_bytes));
        word.source = (r.flags & format::kAloneMoe)      ? Source::kMoe
                      : (r.flags & format::kAloneItaigi) ? Source::kItaigi
                                                         : Source::kChar;
        chars[at].reading = word.reading;
      }
    }
    out->words.push_back(std::move(word));
    i += c.length;
  }
}

}  // namespace

void Annotate(const Lexicon& lexicon, std::string_view utf8, Annotation* out) {
  const LexiconView& lex = LexiconView::Of(lexicon);
  out->chars.clear();
  out->words.clear();
  out->unknown = 0;
  for (size_t i = 0; i < utf8.size();) {
    size_t len = Utf8Length(static_cast<unsigned char>(utf8[i]));
    if (len > utf8.size() - i) len = utf8.size() - i;
    char32_t cp = static_cast<unsigned char>(utf8[i]);
    if (len > 1) {
      cp &= (0x7F >> len);
      for (size_t k = 1; k < len; ++k) cp = cp << 6 | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
    }
    AnnotatedChar c;
    c.code_point = cp;
    c.text = utf8.substr(i, len);
    c.han = IsHan(cp);
    out->chars.push_back(std::move(c));
    i += len;
  }
  for (size_t i = 0; i < out->chars.size();) {
    if (!out->chars[i].han) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < out->chars.size() && out->chars[j].han) ++j;
    AnnotateRun(lex, i, j, out);
    i = j;
  }
}

}  // namespace zf::pronunciation
