// zufang-bench-pronunciation --lexicon FILE --dev FILE [--errors N] [--confusions N]
//
// Scores the annotator against a development set (JSON lines with `han` and
// `syllables`, one Tâi-lô syllable per Han character) and measures its speed.
// The set is read for measuring only: nothing from it reaches the product.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <json/json.h>

#include "annotator.h"
#include "lexicon.h"
#include "lexicon_build.h"

using namespace zf::pronunciation;

namespace {

struct Sentence {
  std::string han;
  std::vector<std::string> syllables;  // lower case NFC
};

bool ReadDev(const std::string& path, std::vector<Sentence>* out) {
  std::ifstream in(path);
  if (!in) return false;
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Json::Value v;
    std::string errors;
    if (!reader->parse(line.data(), line.data() + line.size(), &v, &errors)) continue;
    Sentence s;
    s.han = v["han"].asString();
    for (const auto& syl : v["syllables"]) s.syllables.push_back(NormalizeTailo(syl.asString()));
    out->push_back(std::move(s));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string lexicon_path = "build/data/hokkien.lex", dev_path;
  int errors_to_show = 0, confusions_to_show = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--lexicon") lexicon_path = next();
    else if (a == "--dev") dev_path = next();
    else if (a == "--errors") errors_to_show = std::atoi(next().c_str());
    else if (a == "--confusions") confusions_to_show = std::atoi(next().c_str());
    else {
      std::fprintf(stderr, "usage: %s --lexicon FILE --dev FILE [--errors N] [--confusions N]\n", argv[0]);
      return 2;
    }
  }
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<Lexicon> lexicon;
  zf::Status s = Lexicon::Open(lexicon_path, &lexicon);
  double open_us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  std::vector<Sentence> dev;
  if (dev_path.empty() || !ReadDev(dev_path, &dev)) {
    std::fprintf(stderr, "cannot read the development set %s\n", dev_path.empty() ? "(give --dev)" : dev_path.c_str());
    return 1;
  }

  size_t syllables = 0, right = 0, right_toneless = 0, exact = 0, shown = 0, unknown = 0;
  std::map<std::string, size_t> confusions;
  Annotation a;
  for (const Sentence& sent : dev) {
    Annotate(*lexicon, sent.han, &a);
    unknown += a.unknown;
    std::vector<const AnnotatedChar*> han;
    for (const auto& c : a.chars) {
      if (c.han) han.push_back(&c);
    }
    bool all = han.size() == sent.syllables.size();
    for (size_t i = 0; i < sent.syllables.size(); ++i) {
      ++syllables;
      const std::string got = i < han.size() ? han[i]->reading : std::string();
      if (got == sent.syllables[i]) {
        ++right;
        ++right_toneless;
        continue;
      }
      all = false;
      if (StripTone(got) == StripTone(sent.syllables[i])) ++right_toneless;
      if (i < han.size()) ++confusions[std::string(han[i]->text) + " " + sent.syllables[i] + " -> " + got];
    }
    if (all) {
      ++exact;
    } else if (shown < static_cast<size_t>(errors_to_show)) {
      ++shown;
      std::string expected, got;
      size_t h = 0;
      for (const auto& w : a.words) {
        got += "[";
        for (size_t k = w.start; k < w.end; ++k) {
          got += a.chars[k].text;
        }
        got += " " + w.reading + " " + std::string(SourceName(w.source)) + "]";
        for (size_t k = w.start; k < w.end; ++k, ++h) {
          if (h < sent.syllables.size() && sent.syllables[h] != a.chars[k].reading) {
            expected += std::string(a.chars[k].text) + ":" + sent.syllables[h] + "≠" + a.chars[k].reading + " ";
          }
        }
      }
      std::printf("%s\n  wrong: %s\n  words: %s\n", sent.han.c_str(), expected.c_str(), got.c_str());
    }
  }

  // Speed: annotation only, repeated for at least 2 s.
  size_t code_points = 0, rounds = 0;
  auto start = std::chrono::steady_clock::now();
  double seconds = 0;
  while (seconds < 2.0) {
    for (const Sentence& sent : dev) {
      Annotate(*lexicon, sent.han, &a);
      code_points += a.chars.size();
    }
    ++rounds;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }

  if (confusions_to_show > 0) {
    std::vector<std::pair<size_t, std::string>> sorted;
    for (const auto& [k, n] : confusions) sorted.emplace_back(n, k);
    std::sort(sorted.rbegin(), sorted.rend());
    for (size_t i = 0; i < sorted.size() && i < static_cast<size_t>(confusions_to_show); ++i) {
      std::printf("%6zu  %s\n", sorted[i].first, sorted[i].second.c_str());
    }
  }
  auto pct = [](size_t n, size_t d) { return d ? 100.0 * static_cast<double>(n) / static_cast<double>(d) : 0.0; };
  std::printf("sentences            %zu\n", dev.size());
  std::printf("syllables            %zu (%zu Han characters unknown)\n", syllables, unknown);
  std::printf("right, with tones    %.2f%%\n", pct(right, syllables));
  std::printf("right, without tones %.2f%%\n", pct(right_toneless, syllables));
  std::printf("sentences all right  %.2f%%\n", pct(exact, dev.size()));
  std::printf("speed                %.2f M characters/s (%zu rounds, %.1f s)\n",
              static_cast<double>(code_points) / seconds / 1e6, rounds, seconds);
  std::printf("lexicon              %zu bytes, %zu entries, opened in %.0f µs\n", lexicon->FileBytes(),
              lexicon->EntryCount(), open_us);
  return 0;
}
