// The pronunciation group: every Han character of an article annotated with
// its Taiwanese Hokkien reading (annotator.h), as JSON and as pages.
//
//   POST /api/pronunciations/    {"text","romanization":"tailo"|"poj","tones":"marks"|"numbers"}
//                                (JSON or form) -> 200 {"text","romanization","tones","chars",
//                                "words","unknown"}; chars: one per code point of text
//   GET  /article_pronunciation/input/    the form (pages.h)
//   POST /article_pronunciation/input/    stores the article -> 303 to
//                                         /article_pronunciation/pronunciation/?id=ID
//   GET  /article_pronunciation/pronunciation/?id=ID[&romanization=poj][&tones=numbers]
//                                         the article over its readings; 404 page for an
//                                         unknown or expired id
//
// Refusals: text over pronunciation.max_chars code points 413 (the API's
// {"detail":…}; the form again, text kept, message beside the field); empty
// text 400 field message; text with NUL or not UTF-8, a field of the wrong
// JSON type, an unknown romanization or tones value 400 field messages. A
// body over group.pronunciation.max_body_bytes gets the server's 413 before
// any handler. Nothing a client sends answers 5xx.
//
// Articles live in tb_pronunciation_article (shared/sql/013) under an id of
// 128 random bits, until pronunciation.keep_days have passed; the job kind
// pronunciation.cleanup (jobs/jobs.h) deletes them after that.
//
// The lexicon (pronunciation.lexicon) is mapped once per process at start-up
// and shared by its threads; a missing or invalid file stops the process
// with a message naming the key.
#ifndef ZUFANG_HANDLERS_PRONUNCIATION_PRONUNCIATION_H_
#define ZUFANG_HANDLERS_PRONUNCIATION_PRONUNCIATION_H_

#include <json/value.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "annotator.h"
#include "app/fcgi_server.h"
#include "base/config.h"
#include "data/db.h"
#include "http/router.h"
#include "lexicon.h"
#include "pages.h"
#include "romanization.h"

namespace zf::pronunciation {

struct PronunciationSettings {
  size_t max_chars = 20000;  // pronunciation.max_chars: code points of one text
  int keep_days = 30;        // pronunciation.keep_days: an article's life
  std::string lexicon_path;  // pronunciation.lexicon
};
// InvalidArgument naming the key for a value the schema refuses.
Status LoadPronunciationSettings(const Config& config, PronunciationSettings* out);

// What a client asks to have annotated, checked.
struct AnnotationRequest {
  std::string text;
  Romanization romanization = Romanization::kTailo;
  ToneStyle tones = ToneStyle::kMarks;
};

// Reads "text", "romanization" and "tones" from a parsed body (ParseBody).
// OK with *out filled; else the refusal: TooLarge telling the limit for a
// text over max_chars code points, InvalidArgument with field errors for the
// rest (absent, null, not a string, blank, NUL, not UTF-8, unknown choices).
// The text is kept as sent (not trimmed), so positions match the client's.
Status ReadAnnotationRequest(const Json::Value& body, size_t max_chars, AnnotationRequest* out);

// The API's 200 body for `annotation` of `request.text`.
std::string RenderAnnotationJson(const AnnotationRequest& request, const Annotation& annotation);

// ---- Articles ---------------------------------------------------------------
struct Article {
  std::string id;  // 32 lower-case hex digits: 128 random bits
  std::string text;
  Romanization romanization = Romanization::kTailo;
  ToneStyle tones = ToneStyle::kMarks;
};

// A fresh id from the kernel's random source (getrandom).
std::string NewArticleId();
// True for what NewArticleId makes (32 lower-case hex digits).
bool IsArticleId(std::string_view id);

// Storage of articles, behind an interface so the handlers can be tested
// with an in-memory table. Unavailable when the database cannot be reached;
// NotFound from Find for an id unknown or past its keep_days.
class ArticleStore {
 public:
  virtual ~ArticleStore() = default;
  virtual Status Save(const Article& article, int keep_days) = 0;
  virtual Status Find(const std::string& id, Article* out) = 0;
};

class MySqlArticleStore : public ArticleStore {
 public:
  explicit MySqlArticleStore(DbConnections* conns) : conns_(conns) {}
  Status Save(const Article& article, int keep_days) override;
  Status Find(const std::string& id, Article* out) override;

 private:
  DbConnections* conns_;
};

// ---- Handlers ---------------------------------------------------------------
// What one serving thread's handlers use.
struct Context {
  const Lexicon* lexicon = nullptr;
  const PronunciationSettings* settings = nullptr;
  ArticleStore* store = nullptr;
  ThreadServices* services = nullptr;  // admission (router.h); null in unit tests
};

Response AnnotateText(Context& ctx, const Request& req, const PathParams& params);
Response ShowInputForm(Context& ctx, const Request& req, const PathParams& params);
Response SubmitArticle(Context& ctx, const Request& req, const PathParams& params);
Response ShowArticle(Context& ctx, const Request& req, const PathParams& params);

const Router<Context>& Routes();

GroupDefinition Group();

}  // namespace zf::pronunciation

#endif  // ZUFANG_HANDLERS_PRONUNCIATION_PRONUNCIATION_H_
