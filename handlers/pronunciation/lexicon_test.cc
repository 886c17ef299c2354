// Unit tests of the lexicon compiler, the Tâi-lô normalization and Open.
#include "lexicon.h"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

#include "lexicon_build.h"
#include "lexicon_fixture.h"
#include "lexicon_format.h"
#include "romanization.h"

using namespace zf;
using namespace zf::pronunciation;
using zf::pronunciation::testing::LexiconFixture;

namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

}  // namespace

BOOST_AUTO_TEST_CASE(NormalizeTailoLowersAndComposes) {
  BOOST_TEST(NormalizeTailo("A\xCC\x81ng") == "\xC3\xA1ng");          // A + U+0301 -> á
  BOOST_TEST(NormalizeTailo("\xC3\x82NG") == "\xC3\xA2ng");           // ÂNG -> âng
  BOOST_TEST(NormalizeTailo("Tsi\xCC\x8Dt") == "tsi\xCC\x8Dt");       // i + U+030D has no precomposed form
  BOOST_TEST(NormalizeTailo("n\xCC\x82g") == "n\xCC\x82g");           // n̂g stays
  BOOST_TEST(NormalizeTailo("\xC4\x80") == "\xC4\x81");               // Ā -> ā
  BOOST_TEST(NormalizeTailo("o\xCD\x98\xCC\x81") == "\xC3\xB3\xCD\x98");  // o + dot + acute -> ó + dot
  BOOST_TEST(NormalizeTailo("N\xCC\x80") == "\xC7\xB9");              // N + grave -> ǹ
}

BOOST_AUTO_TEST_CASE(StripToneRemovesMarks) {
  BOOST_TEST(StripTone("tsi\xCC\x8Dt") == "tsit");
  BOOST_TEST(StripTone("\xC3\xA2ng") == "ang");
  BOOST_TEST(StripTone("n\xCC\x84g") == "ng");
  BOOST_TEST(StripTone("KH\xC3\x80U") == "khau");
}

BOOST_AUTO_TEST_CASE(IsHanCoversTheExtensions) {
  BOOST_TEST(IsHan(U'紅'));
  BOOST_TEST(IsHan(U'𪜶'));  // U+2A736, extension C
  BOOST_TEST(IsHan(U'〇'));
  BOOST_TEST(IsHan(U'々'));
  BOOST_TEST(IsHan(0xF900));  // a compatibility ideograph
  BOOST_TEST(!IsHan(U'a'));
  BOOST_TEST(!IsHan(U'。'));
  BOOST_TEST(!IsHan(U'あ'));
  BOOST_TEST(!IsHan(0x1F600));  // an emoji
}

BOOST_FIXTURE_TEST_CASE(CompilerSkipsWhatItCannotReadAndCountsIt, LexiconFixture) {
  BOOST_TEST(summary.moe_rows == 21u);
  BOOST_TEST(summary.itaigi_rows == 4u);
  BOOST_TEST(summary.skipped["reading with non-syllable text"] == 2u);  // pháinn-ji7, A-bí "x"
  BOOST_TEST(summary.skipped["syllable count differs from character count"] == 1u);
  BOOST_TEST(summary.skipped["no reading"] == 1u);
  BOOST_TEST(summary.skipped["iTaigi reading the MOE never gives its character"] == 1u);  // 食 tsiah
  BOOST_TEST(lexicon->EntryCount() == summary.entries);
  BOOST_TEST(lexicon->FileBytes() == summary.bytes);
}

BOOST_FIXTURE_TEST_CASE(CharReadingsBestFirst, LexiconFixture) {
  auto ren = lexicon->CharReadings(U'人');
  BOOST_REQUIRE(!ren.empty());
  BOOST_TEST(ren[0] == "lâng");  // 替, and the proverb reads it so
  BOOST_TEST((std::find(ren.begin(), ren.end(), "jîn") != ren.end()));
  BOOST_TEST((std::find(ren.begin(), ren.end(), "lîn") != ren.end()));  // jîn's regional variant

  // iTaigi's tsiah for 食 is a reading the MOE never gives 食: dropped.
  auto tsiah = lexicon->CharReadings(U'食');
  BOOST_REQUIRE(tsiah.size() == 2u);
  BOOST_TEST(tsiah[0] == "tsia̍h");  // 白 over 文
  BOOST_TEST((std::find(tsiah.begin(), tsiah.end(), "tsiah") == tsiah.end()));
  BOOST_TEST((lexicon->CharReadings(U'𪜶') == std::vector<std::string>{"in"}));
  BOOST_TEST(lexicon->CharReadings(U'龘').empty());
  BOOST_TEST(lexicon->CharReadings(U'a').empty());
}

BOOST_FIXTURE_TEST_CASE(OutputIsDeterministic, LexiconFixture) {
  std::string again;
  BuildSummary s2;
  BOOST_REQUIRE(BuildLexiconBytes(testing::kMoeCsv, testing::kItaigiCsv, &again, &s2).ok());
  BOOST_TEST((again == ReadAll(path)));
}

BOOST_FIXTURE_TEST_CASE(OpenRefusesMissingTruncatedAndCorruptFiles, LexiconFixture) {
  std::unique_ptr<Lexicon> other;
  BOOST_TEST(Lexicon::Open((dir / "none.lex").string(), &other).IsNotFound());

  std::string bytes = ReadAll(path);
  auto refused = [&](const std::string& content) {
    std::string p = (dir / "bad.lex").string();
    LexiconFixture::Write(p, content);
    std::unique_ptr<Lexicon> l;
    Status s = Lexicon::Open(p, &l);
    return s.code() == Status::Code::kInternal && !l;
  };
  BOOST_TEST(refused(bytes.substr(0, bytes.size() - 4)));  // truncated: length differs
  BOOST_TEST(refused(bytes.substr(0, 20)));                 // shorter than the header
  BOOST_TEST(refused(std::string(bytes.size(), '\0')));     // no magic
  std::string version = bytes;
  version[8] = 99;
  BOOST_TEST(refused(version));
  // A section pointing past the end (the entries' count, bytes 24..27).
  std::string section = bytes;
  section[27] = '\x7F';
  BOOST_TEST(refused(section));
  // An entry whose key runs outside the code points: the first entry's
  // length (bytes 4..5 of the entry) made huge.
  uint32_t entries_offset;
  std::memcpy(&entries_offset, bytes.data() + 24 - 4, 4);
  std::string entry = bytes;
  entry[entries_offset + 4] = '\xFF';
  entry[entries_offset + 5] = '\x7F';
  BOOST_TEST(refused(entry));
}

// The index compiled from the shipped dictionaries: every reading it can
// answer (of its words and of its characters) renders in POJ and with tone
// numbers, and each rendering reads back to the same Tâi-lô.
BOOST_AUTO_TEST_CASE(EveryReadingOfTheShippedLexiconConvertsBothWays) {
  std::unique_ptr<Lexicon> lexicon;
  Status s = Lexicon::Open(ZUFANG_HOKKIEN_LEX, &lexicon);
  BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  const LexiconView& lex = LexiconView::Of(*lexicon);
  std::vector<std::string> readings;
  size_t entries = 0;
  for (char32_t cp = 0x3000; cp < 0x32000; ++cp) {
    for (const format::Entry& e : lex.EntriesStartingWith(cp)) {
      ++entries;
      for (const format::Reading& r : lex.Readings(e)) readings.emplace_back(lex.Text(r.text, r.text_bytes));
    }
    for (const format::CharReading& r : lex.CharReadingsOf(cp)) readings.emplace_back(lex.Text(r.text, r.text_bytes));
  }
  BOOST_TEST(entries == lexicon->EntryCount());  // every entry was visited
  BOOST_TEST(readings.size() > 40000u);
  size_t failures = 0;
  for (const std::string& tailo : readings) {
    for (Romanization spelling : {Romanization::kTailo, Romanization::kPoj}) {
      for (ToneStyle tones : {ToneStyle::kMarks, ToneStyle::kNumbers}) {
        std::string shown, back;
        bool ok = RenderReading(tailo, spelling, tones, &shown) && ToTailoMarks(shown, spelling, tones, &back) &&
                  back == tailo;
        if (!ok && ++failures <= 10) BOOST_ERROR("does not convert: " << tailo << " -> " << shown << " -> " << back);
      }
    }
  }
  BOOST_TEST(failures == 0u);
  BOOST_TEST_MESSAGE(readings.size() << " readings of " << entries << " entries converted both ways");
}
