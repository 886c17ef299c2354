// Unit tests of the pronunciation handlers and pages: the API's checks and
// body, the form -> 303 -> result flow over an in-memory article table, and
// the pages' markup and escaping, over a small dictionary compiled here.
#include "pronunciation.h"

#include <json/reader.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>

#include "base/query.h"
#include "lexicon_build.h"

using namespace zf;
using namespace zf::pronunciation;

namespace {

// A few MOE rows: a word, its characters, a character with two readings.
constexpr const char* kMoeCsv =
    "主編碼,屬性,詞目,音讀,文白屬性,部首\n"
    "1,1,紅,âng,0,糸\n"
    "2,1,嬰,enn,0,女\n"
    "3,1,仔,á,0,人\n"
    "4,1,哭,khàu,0,口\n"
    "5,1,紅嬰仔,âng-enn-á,0,\n"
    "6,1,一,tsi̍t,2,一\n"
    "7,1,一,it,1,一\n";
constexpr const char* kItaigiCsv =
    "\"DictWordID\",\"PojUnicode\",\"PojInput\",\"KipUnicode\",\"KipInput\",\"HanLoTaibunPoj\",\"HanLoTaibunKip\","
    "\"HoaBun\",\"DataProvidedBy\"\n";

const Lexicon& FixtureLexicon() {
  static std::unique_ptr<Lexicon> lexicon = [] {
    std::string bytes;
    BuildSummary summary;
    Status s = BuildLexiconBytes(kMoeCsv, kItaigiCsv, &bytes, &summary);
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    std::string path = "/tmp/pronunciation_test." + std::to_string(getpid()) + ".lex";
    { std::ofstream(path, std::ios::binary) << bytes; }
    std::unique_ptr<Lexicon> out;
    s = Lexicon::Open(path, &out);
    std::remove(path.c_str());  // the mapping stays valid
    BOOST_REQUIRE_MESSAGE(s.ok(), s.ToString());
    return out;
  }();
  return *lexicon;
}

class MemoryArticles : public ArticleStore {
 public:
  std::map<std::string, Article> rows;
  bool down = false;
  Status Save(const Article& article, int) override {
    if (down) return Status::Unavailable("db down");
    rows[article.id] = article;
    return Status::Ok();
  }
  Status Find(const std::string& id, Article* out) override {
    if (down) return Status::Unavailable("db down");
    auto it = rows.find(id);
    if (it == rows.end()) return Status::NotFound("article");
    *out = it->second;
    return Status::Ok();
  }
};

struct Fixture {
  PronunciationSettings settings;
  MemoryArticles store;
  Context ctx;

  Fixture() {
    settings.max_chars = 20;
    ctx = Context{&FixtureLexicon(), &settings, &store, nullptr};
  }

  Response Send(const std::string& method, const std::string& path_and_query, const std::string& content_type = "",
                const std::string& body = "") {
    Request r;
    r.method = method;
    size_t q = path_and_query.find('?');
    r.path = r.raw_path = path_and_query.substr(0, q);
    if (q != std::string::npos) {
      r.raw_query = path_and_query.substr(q + 1);
      BOOST_REQUIRE(ParseQueryString(r.raw_query, &r.query).ok());
    }
    r.content_type = content_type;
    r.body = body;
    r.content_length = static_cast<long>(body.size());
    return Routes().Dispatch(ctx, r);
  }
  Response Api(const std::string& json) { return Send("POST", "/api/pronunciations/", "application/json", json); }
  Response Form(const std::string& text, const std::string& extra = "") {
    return Send("POST", kInputPath, "application/x-www-form-urlencoded", "text=" + FormEncode(text) + extra);
  }
};

Json::Value Parse(const std::string& body) {
  Json::Value v;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  BOOST_REQUIRE_MESSAGE(reader->parse(body.data(), body.data() + body.size(), &v, &errors), body);
  return v;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pronunciation, Fixture)

BOOST_AUTO_TEST_CASE(api_reads_each_code_point_in_order) {
  // 𪜶 lies outside the BMP, é is e + a combining mark, 😀 an emoji.
  Response r = Api(R"({"text":"紅嬰仔哭。𪜶e\u0301😀 ok"})");
  BOOST_REQUIRE_EQUAL(r.status, 200);
  Json::Value v = Parse(r.body);
  BOOST_TEST(v["romanization"].asString() == "tailo");
  BOOST_TEST(v["tones"].asString() == "marks");
  const Json::Value& chars = v["chars"];
  const char* expected[] = {"紅", "嬰", "仔", "哭", "。", "𪜶", "e", "\xCC\x81", "😀", " ", "o", "k"};
  BOOST_REQUIRE_EQUAL(chars.size(), std::size(expected));
  for (Json::ArrayIndex i = 0; i < chars.size(); ++i) BOOST_TEST(chars[i]["char"].asString() == expected[i]);
  BOOST_TEST(chars[0]["reading"].asString() == "âng");
  BOOST_TEST(chars[3]["reading"].asString() == "khàu");
  BOOST_TEST(chars[4]["reading"].isNull());
  BOOST_TEST(chars[5]["reading"].isNull());  // Han, but not in this dictionary
  BOOST_TEST(chars[8]["reading"].isNull());
  BOOST_TEST(v["unknown"].asInt() == 1);
  const Json::Value& word = v["words"][0];
  BOOST_TEST(word["start"].asInt() == 0);
  BOOST_TEST(word["end"].asInt() == 3);
  BOOST_TEST(word["text"].asString() == "紅嬰仔");
  BOOST_TEST(word["reading"].asString() == "âng-enn-á");
  BOOST_TEST(word["source"].asString() == "moe");
}

BOOST_AUTO_TEST_CASE(api_renders_poj_and_numbers) {
  Json::Value v = Parse(Api(R"({"text":"紅嬰仔","romanization":"poj","tones":"numbers"})").body);
  std::string expected;
  BOOST_REQUIRE(RenderReading("âng-enn-á", Romanization::kPoj, ToneStyle::kNumbers, &expected));
  BOOST_TEST(v["words"][0]["reading"].asString() == expected);
  BOOST_TEST(v["romanization"].asString() == "poj");
  // A form body with the same names is read the same way.
  Response form = Send("POST", "/api/pronunciations/", "application/x-www-form-urlencoded",
                       "text=" + FormEncode("紅嬰仔") + "&romanization=poj&tones=numbers");
  BOOST_REQUIRE_EQUAL(form.status, 200);
  BOOST_TEST(Parse(form.body)["words"][0]["reading"].asString() == expected);
}

BOOST_AUTO_TEST_CASE(api_refuses_what_it_cannot_read) {
  struct Case {
    const char* body;
    int status;
    const char* field;
  };
  const Case cases[] = {
      {R"({})", 400, "text"},
      {R"({"text":""})", 400, "text"},
      {R"({"text":"  \n"})", 400, "text"},
      {R"({"text":null})", 400, "text"},
      {R"({"text":5})", 400, "text"},
      {R"({"text":["紅"]})", 400, "text"},
      {R"({"text":{"a":1}})", 400, "text"},
      {R"({"text":"紅\u0000"})", 400, "text"},
      {R"({"text":"紅","romanization":"wade"})", 400, "romanization"},
      {R"({"text":"紅","romanization":1})", 400, "romanization"},
      {R"({"text":"紅","tones":"colours"})", 400, "tones"},
      {R"(["紅"])", 400, "non_field_errors"},
  };
  for (const Case& c : cases) {
    Response r = Api(c.body);
    BOOST_TEST(r.status == c.status, c.body);
    Json::Value v = Parse(r.body);
    BOOST_TEST(v.isMember(c.field), c.body << " -> " << r.body);
  }
  BOOST_TEST(Api("{\"text\":\"\xE7\xB4\"}").status == 400);  // invalid UTF-8
  BOOST_TEST(Api("{\"text\":").status == 400);
  BOOST_TEST(Parse(Api(R"({"text":"紅","romanization":"wade"})").body)["romanization"][0].asString() ==
             "“wade” 不是合法选项。");
}

BOOST_AUTO_TEST_CASE(api_counts_the_limit_in_code_points) {
  std::string at_limit;
  for (int i = 0; i < 20; ++i) at_limit += "𪜶";  // 4 bytes each: 80 bytes, 20 characters
  BOOST_TEST(Api("{\"text\":\"" + at_limit + "\"}").status == 200);
  Response over = Api("{\"text\":\"" + at_limit + "紅\"}");
  BOOST_TEST(over.status == 413);
  BOOST_TEST(Parse(over.body)["detail"].asString() == "文章不能超过 20 个字符。");
}

BOOST_AUTO_TEST_CASE(form_stores_redirects_and_shows_the_article) {
  Response r = Form("紅嬰仔哭。<b>&\"", "&romanization=tailo&tones=marks");
  BOOST_REQUIRE_EQUAL(r.status, 303);
  const std::string* location = r.Header("Location");
  BOOST_REQUIRE(location != nullptr);
  std::string prefix = std::string(kResultPath) + "?id=";
  BOOST_REQUIRE(location->rfind(prefix, 0) == 0);
  std::string id = location->substr(prefix.size());
  BOOST_TEST(IsArticleId(id));
  BOOST_TEST(store.rows.count(id) == 1u);

  Response page = Send("GET", *location);
  BOOST_REQUIRE_EQUAL(page.status, 200);
  BOOST_TEST(page.content_type == "text/html; charset=utf-8");
  const std::string& h = page.body;
  BOOST_TEST(Contains(h, "<span class=\"w w-moe\" lang=\"nan-Hant-TW\"><ruby><rb>紅</rb><rt>âng</rt></ruby>"), h);
  BOOST_TEST(Contains(h, "<rb>哭</rb><rt>khàu</rt>"));
  BOOST_TEST(Contains(h, "&lt;b&gt;&amp;&quot;"));  // escaped, never markup
  BOOST_TEST(!Contains(h, "<b>"));
  BOOST_TEST(!Contains(h, "<script"));
  BOOST_TEST(!Contains(h, "style=\""));
  BOOST_TEST(Contains(h, "href=\"/pronunciation.css\""));
  BOOST_TEST(Contains(h, "&amp;romanization=poj"));
  BOOST_TEST(Contains(h, "âng-enn-á khàu."));  // the plain text to copy
  BOOST_TEST(Contains(h, "中華民國教育部"));
  BOOST_TEST(Contains(h, "iTaigi"));
  BOOST_TEST(Contains(h, std::string("href=\"") + kInputPath + "\""));

  Response poj = Send("GET", *location + "&romanization=poj");
  std::string enn;
  BOOST_REQUIRE(RenderReading("enn", Romanization::kPoj, ToneStyle::kMarks, &enn));
  BOOST_TEST(Contains(poj.body, "<rb>嬰</rb><rt>" + enn + "</rt>"));
  BOOST_TEST(Contains(poj.body, "aria-current=\"page\">POJ</a>"));
}

BOOST_AUTO_TEST_CASE(result_page_marks_unknown_characters_and_other_readings) {
  Response r = Form("一𪜶");
  BOOST_REQUIRE_EQUAL(r.status, 303);
  Response page = Send("GET", *r.Header("Location"));
  const std::string& h = page.body;
  BOOST_TEST(Contains(h, "<ruby class=\"unknown\""));
  BOOST_TEST(Contains(h, "<rb>𪜶</rb><rt>?</rt>"));
  // 一 has another reading: in its title and shown on focus.
  BOOST_TEST(Contains(h, "tabindex=\"0\""));
  BOOST_TEST(Contains(h, "data-other=\""));
}

BOOST_AUTO_TEST_CASE(form_refusals_keep_the_text_and_say_why) {
  Response over = Form("紅嬰仔哭紅嬰仔哭紅嬰仔哭紅嬰仔哭紅嬰仔哭紅");  // 21 characters
  BOOST_TEST(over.status == 413);
  BOOST_TEST(Contains(over.body, "文章不能超过 20 个字符。"));
  BOOST_TEST(Contains(over.body, ">紅嬰仔哭紅嬰仔哭紅嬰仔哭紅嬰仔哭紅嬰仔哭紅</textarea>"));
  BOOST_TEST(Contains(over.body, "aria-invalid=\"true\""));
  Response empty = Form("");
  BOOST_TEST(empty.status == 400);
  BOOST_TEST(Contains(empty.body, "该字段不能为空。"));
  Response bad = Send("POST", kInputPath, "application/x-www-form-urlencoded", "text=%E7%B4");
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(Contains(bad.body, "<form"));
  BOOST_TEST(store.rows.empty());
}

BOOST_AUTO_TEST_CASE(unknown_or_malformed_ids_answer_the_404_page) {
  for (const char* q : {"", "?id=", "?id=0123456789abcdef0123456789abcdef", "?id=../../etc", "?id=%00"}) {
    Response r = Send("GET", std::string(kResultPath) + q);
    BOOST_TEST(r.status == 404, q);
    BOOST_TEST(Contains(r.body, "文章不存在"), q);
  }
}

BOOST_AUTO_TEST_CASE(the_form_states_the_limit_and_the_choices) {
  Response r = Send("GET", kInputPath);
  BOOST_REQUIRE_EQUAL(r.status, 200);
  BOOST_TEST(Contains(r.body, "最多 20 个字符。"));
  BOOST_TEST(Contains(r.body, "name=\"romanization\" value=\"poj\""));
  BOOST_TEST(Contains(r.body, "name=\"tones\" value=\"numbers\""));
  BOOST_TEST(Contains(r.body, "<html lang=\"zh-Hans\">"));
}

BOOST_AUTO_TEST_CASE(a_database_outage_is_a_503_not_a_crash) {
  store.down = true;
  BOOST_TEST(Form("紅").status == 503);
  BOOST_TEST(Send("GET", std::string(kResultPath) + "?id=0123456789abcdef0123456789abcdef").status == 503);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(article_ids_are_128_random_bits_in_hex) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewArticleId();
    BOOST_REQUIRE(IsArticleId(id));
    seen.insert(id);
  }
  BOOST_TEST(seen.size() == 1000u);
  BOOST_TEST(!IsArticleId("0123456789ABCDEF0123456789ABCDEF"));
  BOOST_TEST(!IsArticleId("0123456789abcdef0123456789abcde"));
}

BOOST_AUTO_TEST_CASE(plain_text_spaces_words_and_latin_punctuation) {
  Annotation a;
  std::string text = "紅嬰仔，哭。";
  Annotate(FixtureLexicon(), text, &a);
  BOOST_TEST(PlainRomanized(text, a, Romanization::kTailo, ToneStyle::kMarks) == "âng-enn-á, khàu.");
}

BOOST_AUTO_TEST_CASE(escape_html_escapes_the_five) {
  BOOST_TEST(EscapeHtml("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}
