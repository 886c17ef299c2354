#include "pronunciation.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <memory>
#include <utility>

#include "base/json_writer.h"
#include "base/log.h"
#include "base/query.h"
#include "http/body.h"
#include "resource/handler_kit.h"

namespace zf::pronunciation {

namespace {

constexpr const char* kTextField = "text";
constexpr size_t kArticleIdBytes = 16;  // 128 bits: not guessable, not enumerable

// A choice field: absent or null keeps the default; anything but one of the
// names is the field's error.
template <class T>
void ReadChoice(const Json::Value& body, const char* field, bool (*parse)(std::string_view, T*), FieldErrors* errors,
                T* out) {
  const Json::Value& v = body[field];
  if (v.isNull()) return;
  if (!v.isString()) {
    errors->Add(field, Msg::kNotAString);
    return;
  }
  if (!parse(v.asString(), out)) errors->Add(field, Msg::kNotAChoice, v.asString());
}

bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

Response HtmlPage(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  // The pages are made per request from the article: nothing to keep.
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// The form again, with what was typed and the refusal's message beside it.
Response FormRefused(const Context& ctx, const Status& refusal, const Json::Value& body) {
  InputForm form;
  form.max_chars = ctx.settings->max_chars;
  const Json::Value& text = body[kTextField];
  if (text.isString()) form.text = text.asString();
  if (!IsValidUtf8(form.text) || HasNul(form.text)) form.text.clear();  // never echo what cannot be shown
  Romanization r;
  ToneStyle t;
  if (body["romanization"].isString() && ParseRomanization(body["romanization"].asString(), &r)) form.romanization = r;
  if (body["tones"].isString() && ParseToneStyle(body["tones"].asString(), &t)) form.tones = t;
  if (const FieldErrors* errors = refusal.field_errors()) {
    for (const auto& [field, messages] : errors->entries()) {
      for (const std::string& m : messages) {
        if (!form.text_error.empty()) form.text_error += " ";
        form.text_error += field == kTextField ? m : m + "（" + field + "）";
      }
    }
  } else if (refusal.client_message()) {
    form.text_error = Message(refusal.client_message()->msg, refusal.client_message()->arg);
  } else {
    form.text_error = Message(Msg::kBadEncoding);
  }
  return HtmlPage(HttpStatusFor(refusal), RenderInputPage(form));
}

// Page choices from the query, else the article's own.
void QueryChoices(const Request& req, Article* article) {
  if (const std::string* r = req.query.Get("romanization")) ParseRomanization(*r, &article->romanization);
  if (const std::string* t = req.query.Get("tones")) ParseToneStyle(*t, &article->tones);
}

}  // namespace

Status LoadPronunciationSettings(const Config& config, PronunciationSettings* out) {
  long max_chars = 0, keep_days = 0;
  Status s = config.GetInt("pronunciation.max_chars", &max_chars);
  if (s.ok()) s = config.GetInt("pronunciation.keep_days", &keep_days);
  if (s.ok()) s = config.GetString("pronunciation.lexicon", &out->lexicon_path);
  if (!s.ok()) return s;
  out->max_chars = static_cast<size_t>(max_chars);
  out->keep_days = static_cast<int>(keep_days);
  return Status::Ok();
}

Status ReadAnnotationRequest(const Json::Value& body, size_t max_chars, AnnotationRequest* out) {
  FieldErrors errors;
  const Json::Value& text = body[kTextField];
  if (!body.isMember(kTextField)) {
    errors.Add(kTextField, Msg::kFieldRequired);
  } else if (text.isNull()) {
    errors.Add(kTextField, Msg::kFieldNull);
  } else if (!text.isString()) {  // a number is not a text to read aloud
    errors.Add(kTextField, Msg::kNotAString);
  } else {
    out->text = text.asString();
    if (!IsValidUtf8(out->text)) {
      errors.Add(kTextField, Msg::kTextNotUtf8);
    } else if (HasNul(out->text)) {
      errors.Add(kTextField, Msg::kTextHasNul);
    } else if (out->text.find_first_not_of(" \t\r\n") == std::string::npos) {
      errors.Add(kTextField, Msg::kFieldBlank);
    }
  }
  ReadChoice(body, "romanization", ParseRomanization, &errors, &out->romanization);
  ReadChoice(body, "tones", ParseToneStyle, &errors, &out->tones);
  if (!errors.empty()) return Status::Invalid(std::move(errors));
  if (Utf8Length(out->text) > max_chars) {
    return Status::TooLarge("text over pronunciation.max_chars").Tell(Msg::kTextTooLong, std::to_string(max_chars));
  }
  return Status::Ok();
}

std::string RenderAnnotationJson(const AnnotationRequest& request, const Annotation& annotation) {
  JsonWriter w;
  w.BeginObject()
      .Key("text").String(request.text)
      .Key("romanization").String(RomanizationName(request.romanization))
      .Key("tones").String(ToneStyleName(request.tones))
      .Key("chars").BeginArray();
  for (const AnnotatedChar& c : annotation.chars) {
    w.BeginObject().Key("char").String(c.text).Key("reading");
    if (c.reading.empty()) {
      w.Null();
    } else {
      w.String(Rendered(c.reading, request.romanization, request.tones));
    }
    w.EndObject();
  }
  w.EndArray().Key("words").BeginArray();
  for (const AnnotatedWord& word : annotation.words) {
    std::string text;
    for (size_t k = word.start; k < word.end && k < annotation.chars.size(); ++k) text += annotation.chars[k].text;
    w.BeginObject()
        .Key("start").Int(static_cast<int64_t>(word.start))
        .Key("end").Int(static_cast<int64_t>(word.end))
        .Key("text").String(text)
        .Key("reading");
    if (word.reading.empty()) {
      w.Null();
    } else {
      w.String(Rendered(word.reading, request.romanization, request.tones));
    }
    w.Key("source");
    if (word.source == Source::kNone) {
      w.Null();
    } else {
      w.String(SourceName(word.source));
    }
    w.EndObject();
  }
  w.EndArray().Key("unknown").Int(static_cast<int64_t>(annotation.unknown)).EndObject();
  return w.Take();
}

// ---- Articles ---------------------------------------------------------------

std::string NewArticleId() {
  unsigned char bytes[kArticleIdBytes];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return "";  // no randomness: the caller refuses to store
    got += static_cast<size_t>(n);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(2 * sizeof bytes);
  for (unsigned char b : bytes) {
    id += kHex[b >> 4];
    id += kHex[b & 0xF];
  }
  return id;
}

bool IsArticleId(std::string_view id) {
  if (id.size() != 2 * kArticleIdBytes) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status MySqlArticleStore::Save(const Article& article, int keep_days) {
  Db db(conns_);
  return db.Execute(
      "INSERT INTO tb_pronunciation_article (articleid, content, romanization, tones, expires_at)"
      " VALUES (?, ?, ?, ?, NOW(6) + INTERVAL ? DAY)",
      {Param(article.id), Param(article.text), Param(std::string(RomanizationName(article.romanization))),
       Param(std::string(ToneStyleName(article.tones))), Param(keep_days)});
}

Status MySqlArticleStore::Find(const std::string& id, Article* out) {
  Db db(conns_);
  Rows rows;
  // The 303 that names a new article is followed at once: a replica must
  // have caught up with it first (db.h, "Replica lag").
  FreshReads fresh(conns_);
  Status s = db.Query(
      "SELECT content, romanization, tones FROM tb_pronunciation_article WHERE articleid = ? AND expires_at > NOW(6)",
      {Param(id)}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("article " + id);
  out->id = id;
  out->text = rows[0].Str(0);
  ParseRomanization(rows[0].Str(1), &out->romanization);
  ParseToneStyle(rows[0].Str(2), &out->tones);
  return Status::Ok();
}

// ---- Handlers ---------------------------------------------------------------

Response AnnotateText(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  Status s = ParseBody(req, &body);
  AnnotationRequest request;
  if (s.ok()) s = ReadAnnotationRequest(body, ctx.settings->max_chars, &request);
  if (!s.ok()) return LoggedError(s, req);
  Annotation annotation;
  Annotate(*ctx.lexicon, request.text, &annotation);
  return Response::Json(200, RenderAnnotationJson(request, annotation));
}

Response ShowInputForm(Context& ctx, const Request& req, const PathParams&) {
  InputForm form;
  form.max_chars = ctx.settings->max_chars;
  if (const std::string* r = req.query.Get("romanization")) ParseRomanization(*r, &form.romanization);
  if (const std::string* t = req.query.Get("tones")) ParseToneStyle(*t, &form.tones);
  return HtmlPage(200, RenderInputPage(form));
}

Response SubmitArticle(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  Status s = ParseBody(req, &body);
  if (!s.ok()) return FormRefused(ctx, s, Json::Value(Json::objectValue));
  AnnotationRequest request;
  s = ReadAnnotationRequest(body, ctx.settings->max_chars, &request);
  if (!s.ok()) return FormRefused(ctx, s, body);
  Article article;
  article.id = NewArticleId();
  if (article.id.empty()) return LoggedError(Status::Unavailable("getrandom failed"), req);
  article.text = std::move(request.text);
  article.romanization = request.romanization;
  article.tones = request.tones;
  s = ctx.store->Save(article, ctx.settings->keep_days);
  if (!s.ok()) return LoggedError(s, req);
  Response r;
  r.status = 303;
  r.content_type.clear();
  r.SetHeader("Location", std::string(kResultPath) + "?id=" + article.id);
  return r;
}

Response ShowArticle(Context& ctx, const Request& req, const PathParams&) {
  const std::string* id = req.query.Get("id");
  Article article;
  Status s = id != nullptr && IsArticleId(*id) ? ctx.store->Find(*id, &article) : Status::NotFound("article id");
  if (s.IsNotFound()) return HtmlPage(404, RenderNotFoundPage());
  if (!s.ok()) return LoggedError(s, req);
  QueryChoices(req, &article);
  Annotation annotation;
  Annotate(*ctx.lexicon, article.text, &annotation);
  ResultPage page;
  page.id = article.id;
  page.text = article.text;
  page.annotation = &annotation;
  page.romanization = article.romanization;
  page.tones = article.tones;
  const Lexicon* lexicon = ctx.lexicon;
  page.char_readings = [lexicon](char32_t cp) { return lexicon->CharReadings(cp); };
  return HtmlPage(200, RenderResultPage(page));
}

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"POST", "/api/pronunciations/", AnnotateText},
      {"GET", kInputPath, ShowInputForm},
      {"POST", kInputPath, SubmitArticle},
      {"GET", kResultPath, ShowArticle},
  });
  return router;
}

namespace {

// One per process, opened before any thread serves (check_settings).
struct Process {
  PronunciationSettings settings;
  std::unique_ptr<Lexicon> lexicon;
};
Process& TheProcess() {
  static Process process;
  return process;
}

class ThreadHandler : public RequestHandler {
 public:
  explicit ThreadHandler(ThreadServices* services)
      : store_(services->db()), ctx_{TheProcess().lexicon.get(), &TheProcess().settings, &store_, services} {}
  Response Handle(Request& req) override { return Routes().Dispatch(ctx_, req); }

 private:
  MySqlArticleStore store_;
  Context ctx_;
};

}  // namespace

GroupDefinition Group() {
  GroupDefinition g;
  g.name = "pronunciation";
  g.check_settings = [](const AppSettings& app) {
    Process& p = TheProcess();
    Status s = LoadPronunciationSettings(*app.config, &p.settings);
    if (!s.ok()) return s;
    auto started = std::chrono::steady_clock::now();
    s = Lexicon::Open(p.settings.lexicon_path, &p.lexicon);
    if (!s.ok()) return Status::InvalidArgument("pronunciation.lexicon: " + s.message());
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    LogInfo("pronunciation: lexicon " + p.settings.lexicon_path + " mapped in " + std::to_string(us.count()) +
            " us: " + std::to_string(p.lexicon->EntryCount()) + " entries, " + std::to_string(p.lexicon->FileBytes()) +
            " bytes");
    return Status::Ok();
  };
  g.make_handler = [](ThreadServices* services) -> std::unique_ptr<RequestHandler> {
    return std::make_unique<ThreadHandler>(services);
  };
  g.routes = [] { return Routes().Table(); };
  return g;
}

}  // namespace zf::pronunciation
