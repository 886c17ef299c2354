// The pronunciation pages, rendered on the server as whole HTML documents:
// readable with no script, styled only by the site's own /pronunciation.css
// (the CSP allows no inline style or script), in zh-hans as the rest of the
// site, the article marked lang="zh-Hant" and its readings nan-Latn-TW.
//
// Every value from a client or the database is escaped (EscapeHtml) where it
// is written; nothing here trusts its input.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_PAGES_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_PAGES_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "annotator.h"
#include "romanization.h"

namespace zf::pronunciation {

constexpr const char* kInputPath = "/article_pronunciation/input/";
constexpr const char* kResultPath = "/article_pronunciation/pronunciation/";

// `tailo` rendered as asked (romanization.h); the Tâi-lô itself when it
// cannot be converted, so a reading is never lost.
std::string Rendered(std::string_view tailo, Romanization romanization, ToneStyle tones);

// The API's names of the choices.
std::string_view RomanizationName(Romanization r);
std::string_view ToneStyleName(ToneStyle t);

// &, <, >, " and ' as character references.
std::string EscapeHtml(std::string_view text);

// The form: what was typed (kept after a refusal), the choices, the limit,
// and the message beside the text field when there is one.
struct InputForm {
  std::string text;
  Romanization romanization = Romanization::kTailo;
  ToneStyle tones = ToneStyle::kMarks;
  size_t max_chars = 20000;
  std::string text_error;  // empty: none
};
std::string RenderInputPage(const InputForm& form);

// Every reading a character has standing alone, best first (Lexicon::CharReadings).
using CharReadingsFn = std::function<std::vector<std::string>(char32_t)>;

// The result: the article as flowing text, each Han character over its
// reading in <ruby> (rb + rt), each word in a span that does not break,
// unknown characters marked, a character's other readings in its title and
// shown on focus (tap); links switching Tâi-lô/POJ and marks/numbers; the
// plain romanised text below for copying; a link to annotate another text;
// the dictionaries credited.
struct ResultPage {
  std::string id;
  std::string_view text;
  const Annotation* annotation = nullptr;  // of `text`
  Romanization romanization = Romanization::kTailo;
  ToneStyle tones = ToneStyle::kMarks;
  CharReadingsFn char_readings;  // may be empty: no other readings shown
};
std::string RenderResultPage(const ResultPage& page);

// The article as romanised text: words' readings, the text between them as
// it is (full-width punctuation as its ASCII counterpart), unknown characters
// as themselves.
std::string PlainRomanized(std::string_view text, const Annotation& annotation, Romanization romanization,
                           ToneStyle tones);

// An article that does not exist (or no longer does).
std::string RenderNotFoundPage();

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_PAGES_H_
