// Unit tests of segmentation, reading choice and alignment over the fixture
// dictionary (lexicon_fixture.h).
#include "annotator.h"

#include <boost/test/unit_test.hpp>

#include "lexicon_fixture.h"

using namespace zf;
using namespace zf::pronunciation;
using zf::pronunciation::testing::LexiconFixture;

namespace {

struct AnnotatorFixture : LexiconFixture {
  Annotation a;
  Annotation& Run(std::string_view text) {
    Annotate(*lexicon, text, &a);
    return a;
  }
  std::string Words() const {  // "[text reading source]…"
    std::string out;
    for (const auto& w : a.words) {
      out += "[";
      for (size_t i = w.start; i < w.end; ++i) out += a.chars[i].text;
      out += " " + w.reading + " " + std::string(SourceName(w.source)) + "]";
    }
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(TheIssuesExample, AnnotatorFixture) {
  Run("紅嬰仔哭。");
  BOOST_TEST(Words() == "[紅嬰仔 âng-enn-á moe][哭 khàu moe]");
  BOOST_REQUIRE(a.chars.size() == 5u);
  BOOST_TEST(a.chars[0].reading == "âng");
  BOOST_TEST(a.chars[1].reading == "enn");  // the main reading, not the variant inn
  BOOST_TEST(a.chars[2].reading == "á");
  BOOST_TEST(!a.chars[4].han);
  BOOST_TEST(a.chars[4].reading.empty());
  BOOST_TEST(a.unknown == 0u);
}

BOOST_FIXTURE_TEST_CASE(BestPathBeatsGreedyLongestMatch, AnnotatorFixture) {
  // Greedy longest match: 大人 + 客 + 廳 (and 客, 廳 unknown alone); the
  // best path has two pieces.
  Run("大人客廳");
  BOOST_TEST(Words() == "[大 tuā moe][人客廳 lâng-kheh-thiann moe]");
  Run("大人");
  BOOST_TEST(Words() == "[大人 tuā-lâng moe]");
}

BOOST_FIXTURE_TEST_CASE(ColloquialOverLiteraryAndTheReadingAlone, AnnotatorFixture) {
  Run("食");
  BOOST_TEST(Words() == "[食 tsia̍h moe]");  // 白 over 文, never iTaigi's tsiah
  Run("人");
  BOOST_TEST(Words() == "[人 lâng moe]");  // the reading 人 has alone (替), not jîn
  Run("大");
  BOOST_TEST(Words() == "[大 tuā moe]");
}

BOOST_FIXTURE_TEST_CASE(ITaigiOnlyWhereTheMoeLacks, AnnotatorFixture) {
  Run("好食");
  BOOST_TEST(Words() == "[好食 hó-tsia̍h itaigi]");
  Run("㧣");
  BOOST_TEST(Words() == "[㧣 tu itaigi]");
  Run("好人");  // MOE entry, lower-cased
  BOOST_TEST(Words() == "[好人 hó-lâng moe]");
}

BOOST_FIXTURE_TEST_CASE(NeutralParticleOnlyWhereItFits, AnnotatorFixture) {
  Run("好矣。");
  BOOST_TEST(Words() == "[好 hó moe][矣 ah moe]");
  BOOST_TEST(a.chars[1].reading == "ah");
}

BOOST_FIXTURE_TEST_CASE(OneCharPerCodePoint, AnnotatorFixture) {
  // 𪜶 (4 bytes), Latin, a combining acute, an emoji, a Han character.
  std::string text = "𪜶a\xCC\x81\xF0\x9F\x98\x80好";
  Run(text);
  BOOST_REQUIRE(a.chars.size() == 5u);
  BOOST_TEST((a.chars[0].code_point == U'𪜶'));
  BOOST_TEST(a.chars[0].text == "𪜶");
  BOOST_TEST(a.chars[0].han);
  BOOST_TEST(a.chars[0].reading == "in");
  BOOST_TEST(a.chars[1].text == "a");
  BOOST_TEST((a.chars[2].code_point == 0x301u));
  BOOST_TEST(!a.chars[2].han);
  BOOST_TEST((a.chars[3].code_point == 0x1F600u));
  BOOST_TEST(a.chars[3].reading.empty());
  BOOST_TEST(a.chars[4].reading == "hó");
  BOOST_TEST(Words() == "[𪜶 in moe][好 hó moe]");
  std::string joined;
  for (const auto& c : a.chars) joined += c.text;
  BOOST_TEST(joined == text);
}

BOOST_FIXTURE_TEST_CASE(UnknownCharactersAreCounted, AnnotatorFixture) {
  Run("龘紅龘");
  BOOST_TEST(a.unknown == 2u);
  BOOST_REQUIRE(a.words.size() == 3u);
  BOOST_TEST((a.words[0].source == Source::kNone));
  BOOST_TEST(a.words[0].reading.empty());
  BOOST_TEST(a.chars[0].reading.empty());
  BOOST_TEST(a.chars[1].reading == "âng");
}

BOOST_FIXTURE_TEST_CASE(EmptyAndNonHanText, AnnotatorFixture) {
  Run("");
  BOOST_TEST(a.chars.empty());
  BOOST_TEST(a.words.empty());
  Run("abc, 123");
  BOOST_TEST(a.chars.size() == 8u);
  BOOST_TEST(a.words.empty());
  BOOST_TEST(a.unknown == 0u);
}
