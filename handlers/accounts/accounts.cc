#include "accounts.h"

#include <sodium.h>

#include <cstdio>
#include <ctime>
#include <regex>

#include "http/body.h"
#include "jobs/jobs.h"
#include "resource/handler_kit.h"
#include "resource/list_query.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "http/pagination.h"
#include "auth/password.h"
#include "auth/throttle.h"

namespace zf::accounts {

namespace {

// Answers whose HTTP status is 200 whatever happened, as the old site's.
Response Coded(int code, Msg message) { return ErrorResponse(Status::Refused(code, message)); }


std::string StringField(const Json::Value& body, const char* name) {
  const Json::Value& v = body[name];
  return v.isString() ? v.asString() : "";
}

const char* kUserColumns =
    "u.userid, u.username, u.realname, u.sex, u.tel, u.email, u.regdate, u.point, u.lastvisit";

void WriteUser(JsonWriter* w, const Row& r, const std::string& tz) {
  w->BeginObject().Key("userid").Int(r.Int(0)).Key("username").String(r.Str(1)).Key("realname").String(r.Str(2));
  w->Key("sex");
  r.IsNull(3) ? w->Null() : w->Bool(r.Bool(3));
  w->Key("tel").String(r.Str(4)).Key("email");
  r.IsNull(5) ? w->Null() : w->String(r.Str(5));
  w->Key("regdate");
  r.IsNull(6) ? w->Null() : w->String(RenderDateTime(r.Str(6), tz));
  w->Key("point");
  r.IsNull(7) ? w->Null() : w->Int(r.Int(7));
  w->Key("lastvisit");
  r.IsNull(8) ? w->Null() : w->String(RenderDateTime(r.Str(8), tz));
  w->EndObject();
}

Status LoadUser(Db& db, int64_t userid, Rows* rows) {
  return db.Query(std::string("SELECT ") + kUserColumns + " FROM tb_user u WHERE u.userid = ?",
                  {Param(static_cast<long long>(userid))}, rows);
}

std::string FirstCharacters(const std::string& s, size_t n) {
  size_t count = 0, i = 0;
  while (i < s.size() && count < n) {
    size_t len = Utf8SequenceLength(std::string_view(s).substr(i));
    if (len == 0) break;
    i += len;
    ++count;
  }
  return s.substr(0, i);
}

// ---- Login --------------------------------------------------------------------

// Creates or refreshes the local user of a directory account, and sets its
// roles from the directory groups, in one transaction.
Status Provision(Context& ctx, Db& db, const LdapUser& u, int64_t* userid) {
  Status s = db.Transaction([&](Db& tx) {
    Rows rows;
    Status st = tx.Query("SELECT userid FROM tb_user_directory WHERE dn = ? FOR UPDATE", {Param(u.dn)}, &rows);
    if (!st.ok()) return st;
    if (!rows.empty()) {
      *userid = rows[0].Int(0);
    } else {
      // Phone and e-mail are unique locally: take the directory's when free.
      std::string tel = u.mobile, email = u.mail;
      st = tx.Query("SELECT tel, email FROM tb_user WHERE tel = ? OR email = ?", {Param(tel), Param(email)}, &rows);
      if (!st.ok()) return st;
      for (const Row& r : rows) {
        if (r.Str(0) == tel) tel.clear();
        if (!r.IsNull(1) && r.Str(1) == email) email.clear();
      }
      if (tel.empty() || tel.size() > 20) tel = FirstCharacters("dir-" + u.uid, 20);
      std::string realname = FirstCharacters(u.cn.empty() ? u.uid : u.cn, 20);
      uint64_t id = 0;
      st = tx.Execute(
          "INSERT INTO tb_user (username, password, realname, sex, tel, email, regdate, point, lastvisit) "
          "VALUES (?, '!directory', ?, 1, ?, ?, NOW(), 0, NULL)",
          {Param(u.uid), Param(realname), Param(tel), email.empty() ? Param::Null() : Param(email)}, nullptr, &id);
      if (!st.ok()) return st;
      *userid = static_cast<int64_t>(id);
      st = tx.Execute("INSERT INTO tb_user_directory (userid, dn) VALUES (?, ?)",
                      {Param(static_cast<long long>(id)), Param(u.dn)});
      if (!st.ok()) return st;
    }
    st = tx.Execute("DELETE FROM tb_user_role WHERE userid = ?", {Param(static_cast<long long>(*userid))});
    if (!st.ok()) return st;
    std::set<int> roles;
    for (const std::string& g : u.groups) {
      auto it = ctx.settings->group_roles.find(g);
      if (it != ctx.settings->group_roles.end()) roles.insert(it->second);
    }
    if (roles.empty()) roles.insert(1);  // 普通用户, as a registered user
    for (int role : roles) {
      st = tx.Execute("INSERT INTO tb_user_role (userid, roleid) VALUES (?, ?)",
                      {Param(static_cast<long long>(*userid)), Param(role)});
      if (!st.ok()) return st;
    }
    return Status::Ok();
  });
  if (s.ok()) ctx.services->privileges()->Forget(*userid);
  return s;
}

Response Login(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  if (Status bad = ParseBody(req, &body); !bad.ok()) return ErrorResponse(bad);
  std::string name = StringField(body, "username");
  std::string password = StringField(body, "password");
  std::string kind = LoginKind(name);
  if (kind.empty() || Utf8Length(password) < 6) return Coded(200003, Msg::kLoginMalformed);
  // After failed logins for this name or address a captcha is needed, and
  // checked before any password is hashed (login_guard.h).
  const std::string address = ClientAddress(req, ctx.services->process()->throttle());
  LoginGuard guard(ctx.settings->login, ctx.services->memcached(), ctx.services->cache_prefix());
  bool captcha_passed = false;
  if (guard.NeedsCaptcha(name, address)) {
    // The id from the body, else from the cookie the PNG answer set.
    std::string captcha_id = StringField(body, "captcha_id");
    if (captcha_id.empty()) captcha_id = req.Cookie("captcha_id");
    if (!guard.ConsumeCaptcha(captcha_id, StringField(body, "captcha"))) {
      return Coded(200004, Msg::kCaptchaWrong);
    }
    captcha_passed = true;
  }
  if (!guard.CountAttempt(name) && !captcha_passed) return Coded(200004, Msg::kCaptchaWrong);
  auto wrong = [&] {
    guard.CountFailure(address);
    return Coded(200002, Msg::kLoginWrong);
  };
  auto busy = [&] { return ErrorResponse(Status::Busy(Msg::kPasswordsBusy, kPasswordBusyRetryS)); };

  Db db(ctx.services->db());
  Rows rows;
  // The name's form says its column (a phone only tel, an e-mail only email),
  // so a user name that looks like someone's phone never answers for it.
  Status s = db.Query(
      "SELECT u.userid, u.password, d.userid IS NOT NULL FROM tb_user u "
      "LEFT JOIN tb_user_directory d ON d.userid = u.userid WHERE u." + kind + " = ?",
      {Param(name)}, &rows);
  if (!s.ok()) return LoggedError(s, req);
  int64_t userid = 0;
  if (!rows.empty() && !rows[0].Bool(2)) {
    userid = rows[0].Int(0);
    PasswordMatch match = VerifyPassword(password, rows[0].Str(1));
    if (match == PasswordMatch::kBusy) return busy();
    if (match == PasswordMatch::kNo) {
      // As long as an argon2id check.
      if (IsLegacyMd5(rows[0].Str(1)) && !SpendPasswordTime(password)) return busy();
      return wrong();
    }
    if (match == PasswordMatch::kYesRehash) {
      std::string hashed;
      s = HashPassword(password, &hashed);
      if (s.ok()) {
        s = db.Execute("UPDATE tb_user SET password = ? WHERE userid = ? AND password = ?",
                       {Param(hashed), Param(static_cast<long long>(userid)), Param(rows[0].Str(1))});
      }
      if (s.IsUnavailable() && s.retry_after_seconds() > 0) return ErrorResponse(s);  // the hash queue is full
      if (!s.ok()) return LoggedError(s, req);
    }
  } else {
    // No such user: as long as a wrong password of a known one.
    if (ctx.directory == nullptr || kind != "username") {
      if (!SpendPasswordTime(password)) return busy();
      return wrong();
    }
    LdapUser user;
    s = ctx.directory->Authenticate(name, password, &user);
    if (s.IsUnavailable() || s.code() == Status::Code::kInternal) {
      LogError(req.request_id, "directory: " + s.ToString());
      return ErrorResponse(Status::Unavailable("directory down"));
    }
    if (!s.ok()) {
      if (!SpendPasswordTime(password)) return busy();
      return wrong();
    }
    if (!IsUsername(user.uid)) {
      LogError(req.request_id, "directory entry " + user.dn + " has no usable uid");
      return wrong();
    }
    s = Provision(ctx, db, user, &userid);
    if (!s.ok()) return LoggedError(s, req);
  }

  guard.Succeeded(name);
  s = db.Transaction([&](Db& tx) {
    // The first login of a day earns 2 points.
    Status st = tx.Execute(
        "UPDATE tb_user SET point = IFNULL(point, 0) + 2, lastvisit = NOW() "
        "WHERE userid = ? AND (lastvisit IS NULL OR DATE(lastvisit) < CURDATE())",
        {Param(static_cast<long long>(userid))});
    if (!st.ok()) return st;
    return tx.Execute("INSERT INTO tb_login_log (userid, ipaddr, logdate, devcode) VALUES (?, ?, NOW(), '')",
                      {Param(static_cast<long long>(userid)), Param(address)});
  });
  if (!s.ok()) return LoggedError(s, req);
  s = db.Query("SELECT username, realname FROM tb_user WHERE userid = ?", {Param(static_cast<long long>(userid))},
               &rows);
  if (!s.ok() || rows.empty()) return LoggedError(s.ok() ? Status::Internal("user vanished") : s, req);

  std::string token;
  s = ctx.services->process()->tokens().Issue(userid, time(nullptr), &token, nullptr);
  if (!s.ok()) return LoggedError(s, req);
  JsonWriter w;
  w.BeginObject().Key("code").Int(200001).Key("message").String(Message(Msg::kLoginDone)).Key("token").String(token);
  w.Key("username").String(rows[0].Str(0)).Key("realname").String(rows[0].Str(1)).EndObject();
  return Response::Json(200, w.Take());
}

Response Logout(Context& ctx, const Request& req, const PathParams& params) {
  const std::string& token = *params.Get("token");
  int64_t owner = 0;
  time_t expires = 0;
  time_t now = time(nullptr);
  if (!ctx.services->process()->tokens().Verify(token, now, &owner, &expires).ok()) {
    return ErrorResponse(Status::Unauthenticated("token refused"));
  }
  if (owner != req.userid) return ErrorResponse(Status::PermissionDenied("not the token's owner"));
  Db db(ctx.services->db());
  Status s = RevokeToken(db, ctx.services->memcached(), ctx.services->process()->revocations(),
                         ctx.services->cache_prefix(), token, owner, expires, now,
                         ctx.services->process()->revocation_sync_ms());
  if (!s.ok()) return LoggedError(s, req);
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}


// ---- Captcha --------------------------------------------------------------------

// The PNG itself, its id in the Captcha-Id header and in a cookie the login
// reads (so an <img src="/captcha/"> is all a page needs); the JSON of the
// first version for a client that asks for it with Accept: application/json.
Response NewCaptcha(Context& ctx, const Request& req, const PathParams&) {
  LoginGuard guard(ctx.settings->login, ctx.services->memcached(), ctx.services->cache_prefix());
  std::string id, png;
  Status s = guard.NewCaptcha(&id, &png);
  if (!s.ok()) return LoggedError(s, req);
  const std::string* accept = req.Header("accept");
  Response r;
  if (accept != nullptr && accept->find("application/json") != std::string::npos) {
    std::string image(sodium_base64_ENCODED_LEN(png.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
    sodium_bin2base64(image.data(), image.size(), reinterpret_cast<const unsigned char*>(png.data()), png.size(),
                      sodium_base64_VARIANT_ORIGINAL);
    image.resize(image.size() - 1);  // the terminating NUL
    JsonWriter w;
    w.BeginObject().Key("captcha_id").String(id).Key("image").String("data:image/png;base64," + image).EndObject();
    r = Response::Json(200, w.Take());
  } else {
    r.status = 200;
    r.content_type = "image/png";
    r.body = std::move(png);
    r.SetHeader("Captcha-Id", id);
    r.SetHeader("Set-Cookie", "captcha_id=" + id + "; Path=/api/tokens/; Max-Age=" +
                                  std::to_string(ctx.settings->login.captcha_ttl_s) + "; HttpOnly; SameSite=Strict");
  }
  r.SetHeader("Cache-Control", "no-store");  // a new one each call
  return r;
}
// ---- SMS codes and registration ---------------------------------------------

Response SendCode(Context& ctx, const Request& req, const PathParams& params) {
  const std::string& tel = *params.Get("tel");
  if (!IsPhone(tel)) return Coded(100003, Msg::kSmsBadPhone);
  char code[8];
  snprintf(code, sizeof code, "%06u", randombytes_uniform(1000000));
  bool too_soon = false;
  Db db(ctx.services->db());
  Status s = db.Transaction([&](Db& tx) {
    // One statement decides, so concurrent requests for one phone cannot
    // deadlock: a code younger than the resend interval is kept as it is.
    const int resend = ctx.settings->code_resend_s;
    Status st = tx.Execute(
        "INSERT INTO tb_sms_code (tel, code, sent_at, expires_at) VALUES (?, ?, NOW(), NOW() + INTERVAL ? SECOND) "
        "ON DUPLICATE KEY UPDATE "
        "code = IF(sent_at > NOW() - INTERVAL ? SECOND, code, VALUES(code)), "
        "expires_at = IF(sent_at > NOW() - INTERVAL ? SECOND, expires_at, VALUES(expires_at)), "
        "sent_at = IF(sent_at > NOW() - INTERVAL ? SECOND, sent_at, VALUES(sent_at))",
        {Param(tel), Param(std::string(code)), Param(ctx.settings->code_ttl_s), Param(resend), Param(resend),
         Param(resend)});
    if (!st.ok()) return st;
    Rows rows;
    st = tx.Query("SELECT code = ? FROM tb_sms_code WHERE tel = ?", {Param(std::string(code)), Param(tel)}, &rows);
    if (!st.ok()) return st;
    if (rows.empty() || !rows[0].Bool(0)) {
      too_soon = true;
      return Status::Ok();
    }
    // Sent by the worker, never inside the request; queued in this transaction
    // so a stored code always has its message on the way.
    JsonWriter payload;
    payload.BeginObject().Key("tel").String(tel).Key("message");
    payload.String(Message(Msg::kSmsText, code)).EndObject();
    return EnqueueJob(tx, "sms.send", payload.str());
  });
  if (!s.ok()) return LoggedError(s, req);
  if (too_soon) return Coded(100002, Msg::kSmsTooSoon);
  return Coded(100001, Msg::kSmsSent);
}

Response Register(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  if (Status bad = ParseBody(req, &body); !bad.ok()) return ErrorResponse(bad);
  FieldErrors errors;
  std::string username, password, realname, tel, email, code;
  if (ReadString(body, "username", true, 20, &errors, &username)) {
    // A name a login would read as a phone or an e-mail would let its owner
    // squat on someone else's login (LoginKind reads those first).
    if (LoginKind(username) == "tel" || LoginKind(username) == "email") {
      errors.Add("username", Msg::kUsernameLikeLogin);
    } else if (!IsUsername(username)) {
      errors.Add("username", Msg::kPatternMismatch);
    }
  }
  if (ReadString(body, "password", true, 0, &errors, &password, /*trim=*/false) && Utf8Length(password) < 6) {
    errors.Add("password", Msg::kStringTooShort, "6");
  }
  if (ReadString(body, "realname", true, 20, &errors, &realname) && !IsHanName(realname)) errors.Add("realname", Msg::kPatternMismatch);
  if (ReadString(body, "tel", true, 20, &errors, &tel) && !IsPhone(tel)) errors.Add("tel", Msg::kPatternMismatch);
  if (ReadString(body, "email", true, 255, &errors, &email) && !IsEmail(email)) errors.Add("email", Msg::kInvalidEmail);
  // Staff holding the privilege POST /api/users/ create accounts without a
  // code; everyone else proves the phone with the SMS code sent to it.
  bool staff = false;
  if (req.userid != 0) {
    Status st = ctx.services->HasPrivilege(req.userid, req, &staff);
    if (!st.ok()) return LoggedError(st, req);
  }
  if (!staff && ReadString(body, "code", true, 6, &errors, &code) && Utf8Length(code) < 6) {
    errors.Add("code", Msg::kStringTooShort, "6");
  }
  if (!errors.empty()) return ErrorResponse(Status::Invalid(errors));

  std::string hashed;
  Status s = HashPassword(password, &hashed);
  if (!s.ok()) return LoggedError(s, req);
  std::optional<Msg> refusal;
  uint64_t userid = 0;
  Db db(ctx.services->db());
  s = db.Transaction([&](Db& tx) {
    Rows rows;
    Status st;
    if (!staff) {
      st = tx.Query("SELECT 1 FROM tb_sms_code WHERE tel = ? AND code = ? AND expires_at > NOW() FOR UPDATE",
                    {Param(tel), Param(code)}, &rows);
      if (!st.ok()) return st;
      if (rows.empty()) {
        refusal = Msg::kSmsCodeWrong;
        return Status::Ok();
      }
    }
    st = tx.Query("SELECT 1 FROM tb_user WHERE username = ? OR tel = ? OR email = ? LIMIT 1",
                  {Param(username), Param(tel), Param(email)}, &rows);
    if (!st.ok()) return st;
    if (!rows.empty()) {
      refusal = Msg::kAccountTaken;
      return Status::Ok();
    }
    // A directory account not provisioned yet is taken too: a local user of
    // its name would answer its logins (asked only once the code is right,
    // so the answer tells no one without the phone which staff names exist).
    if (ctx.directory != nullptr) {
      st = ctx.directory->Find(username);
      if (st.ok()) {
        refusal = Msg::kAccountTaken;
        return Status::Ok();
      }
      if (st.code() != Status::Code::kNotFound) {
        LogError(req.request_id, "directory: " + st.ToString());
        return Status::Unavailable("directory down");
      }
    }
    st = tx.Execute(
        "INSERT INTO tb_user (username, password, realname, sex, tel, email, regdate, point, lastvisit) "
        "VALUES (?, ?, ?, 1, ?, ?, NOW(), 0, NOW())",
        {Param(username), Param(hashed), Param(realname), Param(tel), Param(email)}, nullptr, &userid);
    if (st.code() == Status::Code::kConflict) {  // lost a race for the same name
      refusal = Msg::kAccountTaken;
      return Status::Conflict("taken");
    }
    if (!st.ok()) return st;
    st = tx.Execute("INSERT INTO tb_user_role (userid, roleid) VALUES (?, 1)", {Param(static_cast<long long>(userid))});
    if (!st.ok()) return st;
    // A code is good for one registration.
    return staff ? Status::Ok() : tx.Execute("DELETE FROM tb_sms_code WHERE tel = ?", {Param(tel)});
  });
  if (refusal) return ErrorResponse(Status::InvalidField("non_field_errors", *refusal));
  if (!s.ok()) return LoggedError(s, req);
  Rows rows;
  s = LoadUser(db, static_cast<int64_t>(userid), &rows);
  if (!s.ok() || rows.empty()) return LoggedError(s.ok() ? Status::Internal("new user vanished") : s, req);
  JsonWriter w;
  WriteUser(&w, rows[0], ctx.settings->time_zone);
  return Response::Json(201, w.Take());
}

// ---- Users --------------------------------------------------------------------

// `username`: the names starting with it (case-sensitive, as the other
// lists' prefix filters).
Response ListUsers(Context& ctx, const Request& req, const PathParams&) {
  PageRequest page;
  Status s = ParsePage(req.query, &page);
  if (!s.ok()) return ErrorResponse(Status::InvalidPage());
  std::string where;
  std::vector<Param> params;
  const std::string* prefix = req.query.Get("username");
  if (prefix != nullptr && !prefix->empty()) {
    where = " WHERE u.username LIKE BINARY ? ESCAPE '\\\\'";
    params.push_back(Param(LikePattern(*prefix, false, true)));
  }
  Db db(ctx.services->db());
  Rows rows;
  s = db.Query("SELECT COUNT(*) FROM tb_user u" + where, params, &rows);
  if (!s.ok()) return LoggedError(s, req);
  int64_t count = rows.empty() ? 0 : rows[0].Int(0);
  if (!ResolvePage(count, &page).ok()) return ErrorResponse(Status::InvalidPage());
  params.push_back(Param(page.size));
  params.push_back(Param(static_cast<long long>(PageOffset(page))));
  s = db.Query(std::string("SELECT ") + kUserColumns + " FROM tb_user u" + where + " ORDER BY u.userid LIMIT ? OFFSET ?",
               params, &rows);
  if (!s.ok()) return LoggedError(s, req);
  JsonWriter w;
  w.BeginArray();
  for (const Row& r : rows) WriteUser(&w, r, ctx.settings->time_zone);
  w.EndArray();
  return Response::Json(200, RenderPage(req, page, count, w.str()));
}

// Oneself, or a user holding the privilege for this method and path.
std::optional<Response> MaySee(Context& ctx, const Request& req, int64_t id) {
  if (req.userid == id) return std::nullopt;
  bool allowed = false;
  Status s = ctx.services->HasPrivilege(req.userid, req, &allowed);
  if (!s.ok()) return LoggedError(s, req);
  if (!allowed) return ErrorResponse(Status::PermissionDenied("no privilege"));
  return std::nullopt;
}

Response GetUser(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id)) return ErrorResponse(Status::NotFound("user"));
  if (std::optional<Response> refused = MaySee(ctx, req, id)) return *refused;
  Db db(ctx.services->db());
  Rows rows;
  Status s = LoadUser(db, id, &rows);
  if (!s.ok()) return LoggedError(s, req);
  if (rows.empty()) return ErrorResponse(Status::NotFound("user"));
  JsonWriter w;
  WriteUser(&w, rows[0], ctx.settings->time_zone);
  return Response::Json(200, w.Take());
}

Response UpdateUser(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id)) return ErrorResponse(Status::NotFound("user"));
  if (std::optional<Response> refused = MaySee(ctx, req, id)) return *refused;
  Json::Value body;
  if (Status bad = ParseBody(req, &body); !bad.ok()) return ErrorResponse(bad);
  FieldErrors errors;
  std::string realname, tel, email;
  if (ReadString(body, "realname", true, 20, &errors, &realname) && !IsHanName(realname)) errors.Add("realname", Msg::kPatternMismatch);
  if (ReadString(body, "tel", true, 20, &errors, &tel) && !IsPhone(tel)) errors.Add("tel", Msg::kPatternMismatch);
  bool has_email = ReadString(body, "email", false, 255, &errors, &email);
  if (has_email && !IsEmail(email)) errors.Add("email", Msg::kInvalidEmail);
  std::optional<bool> sex;
  bool sex_value = false;
  if (ReadBool(body, "sex", false, &errors, &sex_value)) sex = sex_value;
  if (!errors.empty()) return ErrorResponse(Status::Invalid(errors));
  Db db(ctx.services->db());
  Rows rows;
  Status s = db.Query("SELECT tel, email FROM tb_user WHERE (tel = ? OR email = ?) AND userid <> ?",
                      {Param(tel), Param(email), Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return LoggedError(s, req);
  for (const Row& r : rows) {
    if (r.Str(0) == tel) errors.Add("tel", Msg::kNotUnique);
    if (has_email && !r.IsNull(1) && r.Str(1) == email) errors.Add("email", Msg::kNotUnique);
  }
  if (!errors.empty()) return ErrorResponse(Status::Invalid(errors));
  // A new phone is proven as at registration, by the SMS code sent to it
  // (`code`, used up): the user holding an agent's phone acts for that agent
  // (resource/resource.h, OwnerRule), so a phone is never just typed in.
  s = db.Query("SELECT tel FROM tb_user WHERE userid = ?", {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return LoggedError(s, req);
  if (!rows.empty() && rows[0].Str(0) != tel) {
    uint64_t used = 0;
    s = db.Execute("DELETE FROM tb_sms_code WHERE tel = ? AND code = ? AND expires_at > NOW()",
                   {Param(tel), Param(StringField(body, "code"))}, &used);
    if (!s.ok()) return LoggedError(s, req);
    if (used == 0) return ErrorResponse(Status::InvalidField("non_field_errors", Msg::kSmsCodeWrong));
  }
  uint64_t affected = 0;
  s = db.Execute(
      "UPDATE tb_user SET realname = ?, tel = ?, email = IF(?, ?, email), sex = IF(?, ?, sex) WHERE userid = ?",
      {Param(realname), Param(tel), Param(has_email ? 1 : 0), Param(email), Param(sex ? 1 : 0),
       Param(sex.value_or(false) ? 1 : 0), Param(static_cast<long long>(id))},
      &affected);
  if (s.code() == Status::Code::kConflict) {
    errors.Add("tel", Msg::kNotUnique);
    return ErrorResponse(Status::Invalid(errors));
  }
  if (!s.ok()) return LoggedError(s, req);
  s = LoadUser(db, id, &rows);
  if (!s.ok()) return LoggedError(s, req);
  if (rows.empty()) return ErrorResponse(Status::NotFound("user"));
  JsonWriter w;
  WriteUser(&w, rows[0], ctx.settings->time_zone);
  return Response::Json(200, w.Take());
}

// A user's roles and privileges (method + URL prefix, as admission checks
// them), so pages show only the links the role may use.
Response GetPrivileges(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id)) return ErrorResponse(Status::NotFound("user"));
  if (std::optional<Response> refused = MaySee(ctx, req, id)) return *refused;
  Db db(ctx.services->db());
  Rows user, roles, privileges;
  Param uid(static_cast<long long>(id));
  Status s = db.Query("SELECT 1 FROM tb_user WHERE userid = ?", {uid}, &user);
  if (s.ok()) {
    s = db.Query("SELECT r.roleid, r.rolename FROM tb_user_role ur JOIN tb_role r ON r.roleid = ur.roleid "
                 "WHERE ur.userid = ? ORDER BY r.roleid",
                 {uid}, &roles);
  }
  if (s.ok()) {
    s = db.Query("SELECT DISTINCT p.method, p.url FROM tb_user_role ur "
                 "JOIN tb_role_privilege rp ON rp.roleid = ur.roleid JOIN tb_privilege p ON p.privid = rp.privid "
                 "WHERE ur.userid = ? ORDER BY p.url, p.method",
                 {uid}, &privileges);
  }
  if (!s.ok()) return LoggedError(s, req);
  if (user.empty()) return ErrorResponse(Status::NotFound("user"));
  JsonWriter w;
  w.BeginObject().Key("userid").Int(id).Key("roles").BeginArray();
  for (const Row& r : roles) w.BeginObject().Key("roleid").Int(r.Int(0)).Key("rolename").String(r.Str(1)).EndObject();
  w.EndArray().Key("privileges").BeginArray();
  for (const Row& r : privileges) w.BeginObject().Key("method").String(r.Str(0)).Key("url").String(r.Str(1)).EndObject();
  w.EndArray().EndObject();
  Response r = Response::Json(200, w.Take());
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// The listings a user published, newest first: the "my listings" page.
Response ListUserListings(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id)) return ErrorResponse(Status::NotFound("user"));
  if (std::optional<Response> refused = MaySee(ctx, req, id)) return *refused;
  PageRequest page;
  if (!ParsePage(req.query, &page).ok()) return ErrorResponse(Status::InvalidPage());
  Db db(ctx.services->db());
  Rows rows;
  Param uid(static_cast<long long>(id));
  Status s = db.Query("SELECT COUNT(*) FROM tb_house_info WHERE userid = ?", {uid}, &rows);
  if (!s.ok()) return LoggedError(s, req);
  int64_t count = rows.empty() ? 0 : rows[0].Int(0);
  if (!ResolvePage(count, &page).ok()) return ErrorResponse(Status::InvalidPage());
  s = db.Query(
      "SELECT h.houseid, h.title, h.area, h.price, h.priceunit, h.mainphoto, h.pubdate, h.street, d.distid, d.name "
      "FROM tb_house_info h LEFT JOIN tb_district d ON d.distid = h.distid3 "
      "WHERE h.userid = ? ORDER BY h.pubdate DESC, h.houseid DESC LIMIT ? OFFSET ?",
      {uid, Param(page.size), Param(static_cast<long long>(PageOffset(page)))}, &rows);
  if (!s.ok()) return LoggedError(s, req);
  JsonWriter w;
  w.BeginArray();
  for (const Row& r : rows) {
    w.BeginObject().Key("houseid").Int(r.Int(0)).Key("title").String(r.Str(1));
    w.Key("area").Int(r.Int(2)).Key("price").Int(r.Int(3)).Key("priceunit").String(r.Str(4));
    w.Key("mainphoto");
    r.IsNull(5) || r.Str(5).empty() ? w.Null() : w.String("/media/images/" + r.Str(5));
    w.Key("pubdate");
    r.IsNull(6) ? w.Null() : w.String(r.Str(6));
    w.Key("street").String(r.Str(7)).Key("district");
    if (r.IsNull(8)) {
      w.Null();
    } else {
      w.BeginObject().Key("distid").Int(r.Int(8)).Key("name").String(r.Str(9)).EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  Response r = Response::Json(200, RenderPage(req, page, count, w.str()));
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

// Staff remove an account (never their own): its roles, login log, records
// and directory link go with it; a user who still has listings stays (400).
Response DeleteUser(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id)) return ErrorResponse(Status::NotFound("user"));
  if (id == req.userid) return ErrorResponse(Status::PermissionDenied("own account").Tell(Msg::kCannotDeleteSelf));
  Db db(ctx.services->db());
  bool found = false;
  Param uid(static_cast<long long>(id));
  Status s = db.Transaction([&](Db& tx) {
    Rows rows;
    Status st = tx.Query("SELECT 1 FROM tb_user WHERE userid = ? FOR UPDATE", {uid}, &rows);
    if (!st.ok() || rows.empty()) return st;
    found = true;
    for (const char* table : {"tb_user_role", "tb_login_log", "tb_record", "tb_user_directory"}) {
      st = tx.Execute(std::string("DELETE FROM ") + table + " WHERE userid = ?", {uid});
      if (!st.ok()) return st;
    }
    st = tx.Execute("DELETE FROM tb_user WHERE userid = ?", {uid});
    if (st.code() == Status::Code::kInvalidArgument) return Status::StillReferenced(st.message());
    return st;
  });
  if (!s.ok()) return LoggedError(s, req);
  if (!found) return ErrorResponse(Status::NotFound("user"));
  ctx.services->privileges()->Forget(id);
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace

// ---- Validation -----------------------------------------------------------------

bool IsUsername(const std::string& s) {
  static const std::regex re("^[a-zA-Z0-9_\\-\\.]{6,20}$");
  return std::regex_match(s, re);
}

bool IsPhone(const std::string& s) {
  static const std::regex re("^1[3-9][0-9]{9}$");
  return std::regex_match(s, re);
}

bool IsEmail(const std::string& s) {
  // Django's EmailValidator, simplified: a dot-atom local part, a domain of
  // labels with a letter TLD. ASCII only.
  static const std::regex re(
      "^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
      "([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$");
  return s.size() <= 254 && std::regex_match(s, re);
}

bool IsHanName(const std::string& s) {
  size_t count = 0, i = 0;
  while (i < s.size()) {
    size_t len = Utf8SequenceLength(std::string_view(s).substr(i));
    if (len != 3) return false;
    unsigned cp = ((static_cast<unsigned char>(s[i]) & 0x0F) << 12) |
                  ((static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) | (static_cast<unsigned char>(s[i + 2]) & 0x3F);
    if (cp < 0x4E00 || cp > 0x9FA5) return false;
    i += 3;
    ++count;
  }
  return count >= 2 && count <= 20;
}

std::string LoginKind(const std::string& name) {
  // A phone number also fits the user-name pattern: phone first.
  if (IsPhone(name)) return "tel";
  if (IsUsername(name)) return "username";
  if (IsEmail(name)) return "email";
  return "";
}

std::string RenderDateTime(const std::string& db_value, const std::string& time_zone) {
  if (db_value.size() < 19) return db_value;
  std::string out = db_value.substr(0, 10) + "T" + db_value.substr(11, 8);
  if (db_value.size() > 20 && db_value[19] == '.') {
    std::string frac = db_value.substr(20);
    frac.resize(6, '0');
    if (frac.find_first_not_of('0') != std::string::npos) out += "." + frac;  // only when non-zero, as DRF
  }
  return out + time_zone;
}

Status LoadAccountSettings(const Config& config, AccountSettings* out) {
  AccountSettings s;
  Status st = config.GetBool("ldap.enabled", &s.ldap_enabled);
  if (!st.ok()) return st;
  if (s.ldap_enabled) {
    LdapSettings& l = s.ldap;
    st = config.GetString("ldap.uri", &l.uri);
    if (st.ok()) l.bind_dn = config.GetString("ldap.bind_dn");
    if (st.ok()) st = config.GetSecret("ldap.bind_password_env", &l.bind_password);  // empty name: none
    if (st.ok()) st = config.GetString("ldap.user_base", &l.user_base);
    if (st.ok()) st = config.GetString("ldap.user_filter", &l.user_filter);
    if (st.ok()) st = config.GetString("ldap.group_base", &l.group_base);
    if (st.ok()) st = config.GetString("ldap.group_filter", &l.group_filter);
    long timeout = 0;
    if (st.ok()) st = config.GetInt("ldap.timeout_ms", &timeout);
    if (!st.ok()) return st;
    l.timeout_ms = static_cast<int>(timeout);
    st = ValidateLdapSettings(l);
    if (!st.ok()) return Status::InvalidArgument("settings " + config.source() + ": ldap.*: " + st.message());
    for (const std::string& item : config.GetList("ldap.group_roles")) {
      size_t colon = item.rfind(':');
      int role = colon == std::string::npos ? 0 : std::atoi(item.c_str() + colon + 1);
      if (colon == std::string::npos || colon == 0 || role <= 0) {
        return Status::InvalidArgument("settings " + config.source() +
                                       ": key \"ldap.group_roles\": expected group:roleid items, got \"" + item + "\"");
      }
      s.group_roles[item.substr(0, colon)] = role;
    }
  }
  long v = 0;
  st = config.GetInt("sms.code_ttl_s", &v);
  if (!st.ok()) return st;
  s.code_ttl_s = static_cast<int>(v);
  st = config.GetInt("sms.code_resend_s", &v);
  if (!st.ok()) return st;
  s.code_resend_s = static_cast<int>(v);
  s.time_zone = config.GetString("app.time_zone");
  st = LoadLoginGuardSettings(config, &s.login);
  if (!st.ok()) return st;
  *out = std::move(s);
  return Status::Ok();
}

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"POST", "/api/tokens/", Login, Access::kPublic},
      {"DELETE", "/api/tokens/{token}/", Logout, Access::kSignedIn},
      {"GET", "/captcha/", NewCaptcha, Access::kPublic},
      {"GET", "/api/mobile/{tel}/", SendCode, Access::kPublic},
      {"POST", "/api/users/", Register, Access::kPublic},
      {"GET", "/api/users/", ListUsers, Access::kPrivileged},
      {"GET", "/api/users/{id}/", GetUser, Access::kSignedIn},
      {"PUT", "/api/users/{id}/", UpdateUser, Access::kSignedIn},
      {"DELETE", "/api/users/{id}/", DeleteUser, Access::kPrivileged},
      {"GET", "/api/users/{id}/privileges/", GetPrivileges, Access::kSignedIn},
      {"GET", "/api/users/{id}/houseinfos/", ListUserListings, Access::kSignedIn},
  });
  return router;
}

namespace {

AccountSettings g_settings;
std::unique_ptr<LdapClient> g_directory;

}  // namespace

GroupDefinition Group() {
  return RoutedGroup<Context>(
      "accounts", Routes,
      [](ThreadServices* services) { return Context{&g_settings, g_directory.get(), services}; },
      [](const AppSettings& settings) {
        Status s = LoadAccountSettings(*settings.config, &g_settings);
        if (s.ok()) s = InitPasswords(*settings.config);
        if (s.ok() && g_settings.ldap_enabled) g_directory = std::make_unique<LdapClient>(g_settings.ldap);
        return s;
      });
}

}  // namespace zf::accounts
