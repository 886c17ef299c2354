#include "pages.h"

#include <utility>

#include "base/messages.h"

namespace zf::pronunciation {

namespace {

constexpr const char* kStylesheet = "/pronunciation.css";

// The page's frame, as the site's own pages draw it (nginx/site's SiteLayout).
std::string Head(std::string_view title) {
  std::string h;
  h += "<!doctype html>\n<html lang=\"" + Message(Msg::kPageLanguage) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>";
  h += EscapeHtml(Message(Msg::kPageTitle, title));
  h += "</title>\n<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\n";
  h += "<link rel=\"stylesheet\" href=\"";
  h += kStylesheet;
  h += "\">\n</head>\n<body>\n";
  h += "<header class=\"site-header\"><div class=\"wrap bar\"><a class=\"brand\" href=\"/\">" +
       Message(Msg::kPageSiteName) + "</a><nav aria-label=\"" + Message(Msg::kPageMainNav) + "\"><a href=\"/\">" +
       Message(Msg::kPageFindHomes) + "</a><a href=\"";
  h += kInputPath;
  h += "\">" + Message(Msg::kPronTitle) + "</a></nav></div></header>\n<main class=\"wrap\">\n<h1 class=\"page-title\">";
  h += EscapeHtml(title);
  h += "</h1>\n";
  return h;
}

std::string Foot() {
  return "</main>\n<footer class=\"site-footer wrap\">" + EscapeHtml(Message(Msg::kPronCredit)) +
         "</footer>\n</body>\n</html>\n";
}

struct Choice {
  const char* value;
  Msg label;
};
constexpr Choice kRomanizations[] = {{"tailo", Msg::kPronTailoChoice}, {"poj", Msg::kPronPojChoice}};
constexpr Choice kToneStyles[] = {{"marks", Msg::kPronMarksChoice}, {"numbers", Msg::kPronNumbersChoice}};

void RadioGroup(std::string* h, const char* name, Msg legend, const Choice (&choices)[2], std::string_view chosen) {
  *h += "<fieldset class=\"choices\"><legend>";
  *h += Message(legend);
  *h += "</legend>";
  for (const Choice& c : choices) {
    std::string id = std::string(name) + "-" + c.value;
    *h += "<label for=\"" + id + "\"><input type=\"radio\" id=\"" + id + "\" name=\"" + name + "\" value=\"" +
          c.value + "\"";
    if (chosen == c.value) *h += " checked";
    *h += "> ";
    *h += Message(c.label);
    *h += "</label>";
  }
  *h += "</fieldset>\n";
}

// Full-width punctuation in the romanised text, as romanised Hokkien writes it.
struct Punctuation {
  std::string_view han;
  std::string_view latin;
};
// ，。、！？：；「」『』（）“”《》… and the ideographic space, escaped: text a
// client reads comes from the catalogue, and these are only punctuation.
constexpr Punctuation kPunctuation[] = {
    {"\uFF0C", ","}, {"\u3002", "."}, {"\u3001", ","}, {"\uFF01", "!"}, {"\uFF1F", "?"}, {"\uFF1A", ":"}, {"\uFF1B", ";"},
    {"\u300C", "\""}, {"\u300D", "\""}, {"\u300E", "'"}, {"\u300F", "'"}, {"\uFF08", "("}, {"\uFF09", ")"}, {"\u201C", "\""},
    {"\u201D", "\""}, {"\u300A", "\""}, {"\u300B", "\""}, {"\u2026", "..."}, {"\u3000", " "},
};

std::string_view LatinPunctuation(std::string_view text) {
  for (const Punctuation& p : kPunctuation) {
    if (p.han == text) return p.latin;
  }
  return text;
}

// A word's reading follows a space unless it opens a line or follows an
// opening bracket or quote.
bool NeedsSpaceBefore(const std::string& out) {
  if (out.empty()) return false;
  char last = out.back();
  return !(last == ' ' || last == '\n' || last == '\r' || last == '\t' || last == '(' || last == '"' ||
           last == '\'');
}

std::string Link(const std::string& id, std::string_view romanization, std::string_view tones) {
  std::string href = kResultPath;
  href += "?id=" + id + "&romanization=" + std::string(romanization) + "&tones=" + std::string(tones);
  return EscapeHtml(href);
}

void SwitchLinks(std::string* h, const ResultPage& page) {
  std::string_view r = RomanizationName(page.romanization);
  std::string_view t = ToneStyleName(page.tones);
  auto item = [&](const std::string& label, std::string_view to_r, std::string_view to_t, bool current) {
    *h += "<a href=\"" + Link(page.id, to_r, to_t) + "\"";
    if (current) *h += " aria-current=\"page\"";
    *h += ">";
    *h += label;
    *h += "</a>";
  };
  *h += "<nav class=\"switch\" aria-label=\"" + Message(Msg::kPronSwitchLabel) + "\"><span class=\"switch-group\">";
  item("Tâi-lô", "tailo", t, page.romanization == Romanization::kTailo);
  item("POJ", "poj", t, page.romanization == Romanization::kPoj);
  *h += "</span><span class=\"switch-group\">";
  item(Message(Msg::kPronMarks), r, "marks", page.tones == ToneStyle::kMarks);
  item(Message(Msg::kPronNumbers), r, "numbers", page.tones == ToneStyle::kNumbers);
  *h += "</span></nav>\n";
}

void Character(std::string* h, const ResultPage& page, const AnnotatedChar& c) {
  if (c.reading.empty()) {
    *h += "<ruby class=\"unknown\" title=\"" + Message(Msg::kPronUnknownChar) + "\"><rb>";
    *h += EscapeHtml(c.text);
    *h += "</rb><rt>?</rt></ruby>";
    return;
  }
  std::string others;
  if (page.char_readings) {
    for (const std::string& r : page.char_readings(c.code_point)) {
      if (r == c.reading) continue;
      if (!others.empty()) others += "\u3001";  // 、
      others += Rendered(r, page.romanization, page.tones);
    }
  }
  std::string reading = EscapeHtml(Rendered(c.reading, page.romanization, page.tones));
  if (!others.empty()) {
    // Focusable, so a tap (or the keyboard) shows the other readings too
    // (pronunciation.css draws data-other on focus).
    std::string escaped = EscapeHtml(Message(Msg::kPronOtherReadings, others));
    *h += "<span class=\"c\" tabindex=\"0\" title=\"" + escaped + "\" data-other=\"" + escaped + "\">";
  }
  *h += "<ruby><rb>";
  *h += EscapeHtml(c.text);
  *h += "</rb><rt>";
  *h += reading;
  *h += "</rt></ruby>";
  if (!others.empty()) *h += "</span>";
}

}  // namespace

std::string Rendered(std::string_view tailo, Romanization romanization, ToneStyle tones) {
  std::string out;
  if (romanization == Romanization::kTailo && tones == ToneStyle::kMarks) return std::string(tailo);
  if (!RenderReading(tailo, romanization, tones, &out)) return std::string(tailo);
  return out;
}

std::string_view RomanizationName(Romanization r) { return r == Romanization::kPoj ? "poj" : "tailo"; }
std::string_view ToneStyleName(ToneStyle t) { return t == ToneStyle::kNumbers ? "numbers" : "marks"; }

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char ch : text) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string RenderInputPage(const InputForm& form) {
  std::string h = Head(Message(Msg::kPronTitle));
  std::string limit = std::to_string(form.max_chars);
  h += "<p class=\"lead\">" + Message(Msg::kPronLead) + "</p>\n";
  h += "<form class=\"card\" method=\"post\" action=\"";
  h += kInputPath;
  h += "\">\n<div class=\"field\"><label for=\"text\">" + Message(Msg::kPronTextLabel) + "</label>";
  h += "<textarea id=\"text\" name=\"text\" rows=\"12\" lang=\"zh-Hant\" aria-describedby=\"text-limit";
  if (!form.text_error.empty()) h += " text-error\" aria-invalid=\"true";
  h += "\">";
  h += EscapeHtml(form.text);
  h += "</textarea><span class=\"hint\" id=\"text-limit\">" + Message(Msg::kPronLimit, limit) + "</span>";
  if (!form.text_error.empty()) {
    h += "<span class=\"error\" id=\"text-error\" role=\"alert\">" + EscapeHtml(form.text_error) + "</span>";
  }
  h += "</div>\n";
  RadioGroup(&h, "romanization", Msg::kPronSpelling, kRomanizations, RomanizationName(form.romanization));
  RadioGroup(&h, "tones", Msg::kPronTones, kToneStyles, ToneStyleName(form.tones));
  h += "<button class=\"btn\" type=\"submit\">" + Message(Msg::kPronSubmit) + "</button>\n</form>\n";
  h += Foot();
  return h;
}

std::string PlainRomanized(std::string_view /*text*/, const Annotation& annotation, Romanization romanization,
                           ToneStyle tones) {
  std::string out;
  size_t i = 0, w = 0;
  const std::vector<AnnotatedChar>& chars = annotation.chars;
  while (i < chars.size()) {
    if (w < annotation.words.size() && annotation.words[w].start == i) {
      const AnnotatedWord& word = annotation.words[w++];
      if (NeedsSpaceBefore(out)) out += ' ';
      if (word.reading.empty()) {
        for (size_t k = word.start; k < word.end && k < chars.size(); ++k) out += chars[k].text;
      } else {
        out += Rendered(word.reading, romanization, tones);
      }
      i = word.end > i ? word.end : i + 1;
      continue;
    }
    std::string_view latin = LatinPunctuation(chars[i].text);
    out += latin;
    // Latin punctuation is followed by a space, as the full-width one needs none.
    if (latin != chars[i].text && (latin == "," || latin == "." || latin == "!" || latin == "?" ||
                                   latin == ":" || latin == ";")) {
      bool next_is_space = i + 1 < chars.size() && (chars[i + 1].text == " " || chars[i + 1].text == "\n" ||
                                                    chars[i + 1].text == "\r");
      if (!next_is_space && i + 1 < chars.size()) out += ' ';
    }
    ++i;
  }
  return out;
}

std::string RenderResultPage(const ResultPage& page) {
  std::string h = Head(Message(Msg::kPronTitle));
  const Annotation& a = *page.annotation;
  SwitchLinks(&h, page);
  if (a.unknown > 0) {
    h += "<p class=\"notice\">" + EscapeHtml(Message(Msg::kPronUnknownCount, std::to_string(a.unknown))) + "</p>\n";
  }
  // One line of markup: the article keeps its own line breaks (white-space: pre-wrap).
  h += "<div class=\"article\" lang=\"zh-Hant\">";
  size_t i = 0, w = 0;
  while (i < a.chars.size()) {
    if (w < a.words.size() && a.words[w].start == i) {
      const AnnotatedWord& word = a.words[w++];
      h += "<span class=\"w";
      if (word.source != Source::kNone) {
        h += " w-";
        h += SourceName(word.source);
      }
      h += "\" lang=\"nan-Hant-TW\">";
      for (size_t k = word.start; k < word.end && k < a.chars.size(); ++k) Character(&h, page, a.chars[k]);
      h += "</span>";
      i = word.end > i ? word.end : i + 1;
      continue;
    }
    const AnnotatedChar& c = a.chars[i++];
    if (c.han) {  // a Han character no word covers (the annotator words every one; kept safe)
      Character(&h, page, c);
    } else {
      h += EscapeHtml(c.text);
    }
  }
  h += "</div>\n";
  h += "<section class=\"plain\"><h2>" + Message(Msg::kPronPlainTitle) + "</h2><p class=\"hint\">" +
       Message(Msg::kPronPlainHint) + "</p><div class=\"plain-text\" lang=\"nan-Latn-TW\">";
  h += EscapeHtml(PlainRomanized(page.text, a, page.romanization, page.tones));
  h += "</div></section>\n";
  h += "<p class=\"again\"><a class=\"btn btn-plain\" href=\"";
  h += kInputPath;
  h += "\">" + Message(Msg::kPronAnother) + "</a></p>\n";
  h += Foot();
  return h;
}

std::string RenderNotFoundPage() {
  std::string h = Head(Message(Msg::kPronNotFoundTitle));
  h += "<p class=\"notice notice-error\">" + Message(Msg::kPronNotFound) + "</p>\n";
  h += "<p class=\"again\"><a class=\"btn\" href=\"";
  h += kInputPath;
  h += "\">" + Message(Msg::kPronAnnotateOne) + "</a></p>\n";
  h += Foot();
  return h;
}

}  // namespace zf::pronunciation
