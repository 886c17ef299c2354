// A small dictionary in both source formats, compiled into a temporary index
// by the same compiler as the build's, for the unit tests.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_FIXTURE_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_FIXTURE_H_

#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "lexicon.h"
#include "lexicon_build.h"

namespace zf::pronunciation::testing {

// The MOE's layout: 主編碼,屬性,詞目,音讀,文白屬性,部首. Besides plain rows:
// variants (嬰), 白/文 pairs (食, 大), a 替 reading alone (人), a neutral
// particle (矣), a word greedy longest match misreads (大人 vs 人客廳), a
// proverb, and rows the compiler must skip.
inline const char kMoeCsv[] =
    "主編碼,屬性,詞目,音讀,文白屬性,部首\r\n"
    "1,1,紅,âng,0,糸\r\n"
    "2,1,嬰,enn/inn,0,女\r\n"
    "3,1,仔,á,4,人\r\n"
    "4,1,紅嬰仔,âng-enn-á,0,\r\n"
    "5,1,哭,khàu,0,口\r\n"
    "6,1,食,si̍t,1,食\r\n"
    "7,1,食,tsia̍h,2,食\r\n"
    "8,1,人,jîn/lîn,0,人\r\n"
    "9,1,人,lâng,4,人\r\n"
    "10,1,大人,tuā-lâng,0,\r\n"
    "11,1,大,tāi,1,大\r\n"
    "12,1,大,tuā,2,大\r\n"
    "13,1,人客廳,lâng-kheh-thiann,0,\r\n"
    "14,1,矣,--ah,0,矣\r\n"
    "15,1,𪜶,in,0,\r\n"
    "16,1,好,hó,0,女\r\n"
    "17,1,好人,Hó-Lâng,0,\r\n"
    "18,25,好人食好。,Hó-lâng tsia̍h hó.,0,\r\n"
    "19,1,壞字,pháinn-ji7,0,\r\n"
    "20,1,三字詞,sann-jī,0,\r\n"
    "21,3,怯屎,,0,\r\n";

// iTaigi's layout (a BOM, every field quoted): a word the MOE lacks, a
// reading of 食 the MOE never gives, a character only iTaigi has.
inline const char kItaigiCsv[] =
    "\xEF\xBB\xBF\"DictWordID\",\"PojUnicode\",\"PojInput\",\"KipUnicode\",\"KipInput\","
    "\"HanLoTaibunPoj\",\"HanLoTaibunKip\",\"HoaBun\",\"DataProvidedBy\"\n"
    "\"1\",\"hó-chia̍h\",\"\",\"hó-tsia̍h\",\"\",\"好食\",\"好食\",\"好吃\",\"x\"\n"
    "\"2\",\"chiah\",\"\",\"tsiah\",\"\",\"食\",\"食\",\"吃\",\"x\"\n"
    "\"3\",\"tu\",\"\",\"tu\",\"\",\"㧣\",\"㧣\",\"\",\"x\"\n"
    "\"4\",\"\",\"\",\"A-bí \"\"x\"\"\",\"\",\"阿美\",\"阿美\",\"\",\"x\"\n";

struct LexiconFixture {
  std::filesystem::path dir;
  std::string path;
  BuildSummary summary;
  std::unique_ptr<Lexicon> lexicon;

  LexiconFixture() {
    char tmpl[] = "/tmp/zufang-lexicon-test-XXXXXX";
    BOOST_REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    Write(dir / "moe.csv", kMoeCsv);
    Write(dir / "itaigi.csv", kItaigiCsv);
    path = (dir / "hokkien.lex").string();
    Status s = BuildLexicon((dir / "moe.csv").string(), (dir / "itaigi.csv").string(), path, &summary);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    s = Lexicon::Open(path, &lexicon);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
  }
  ~LexiconFixture() {
    lexicon.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  static void Write(const std::filesystem::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
  }
};

}  // namespace zf::pronunciation::testing

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_LEXICON_FIXTURE_H_
