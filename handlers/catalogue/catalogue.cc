#include "catalogue.h"

#include <ctime>
#include <functional>

#include "resource/audit.h"
#include "http/body.h"
#include "resource/handler_kit.h"
#include "base/json_writer.h"
#include "base/log.h"
#include "http/pagination.h"

namespace zf::catalogue {

namespace {




std::string HouseTypeJson(int64_t id, const std::string& name) {
  JsonWriter w;
  w.BeginObject().Key("typeid").Int(id).Key("name").String(name).EndObject();
  return w.Take();
}

std::string TagJson(int64_t id, const std::string& content) {
  JsonWriter w;
  w.BeginObject().Key("tagid").Int(id).Key("content").String(content).EndObject();
  return w.Take();
}

// ---- House types --------------------------------------------------------------

Response ListHouseTypes(Context& ctx, const Request& req, const PathParams&) {
  return CachedGet(ctx.services, req, {"housetypes"}, "list", kHouseTypesTtl, [&](std::string* out) {
    Db db(ctx.services->db());
    Rows rows;
    Status s = db.Query("SELECT typeid, name FROM tb_house_type ORDER BY typeid", {}, &rows);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginArray();
    for (const Row& r : rows) w.Raw(HouseTypeJson(r.Int(0), r.Str(1)));
    w.EndArray();
    *out = w.Take();
    return Status::Ok();
  });
}

Status FindHouseType(Db& db, int64_t id, bool for_update, std::string* name) {
  Rows rows;
  Status s = db.Query(std::string("SELECT name FROM tb_house_type WHERE typeid = ?") + (for_update ? " FOR UPDATE" : ""),
                      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("house type");
  *name = rows[0].Str(0);
  return Status::Ok();
}

Response GetHouseType(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id) || id > kInt32Max) return ErrorResponse(Status::NotFound("house type"));
  return CachedGet(ctx.services, req, {"housetypes"}, "detail:" + std::to_string(id), kHouseTypesTtl, [&](std::string* out) {
    Db db(ctx.services->db());
    std::string name;
    Status s = FindHouseType(db, id, false, &name);
    if (s.ok()) *out = HouseTypeJson(id, name);
    return s;
  });
}

Response CreateHouseType(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  FieldErrors errors;
  int64_t id = 0;
  std::string name;
  ReadInt(body, "typeid", true, kInt32Min, kInt32Max, &errors, &id);
  ReadString(body, "name", true, 255, &errors, &name);
  if (!errors.empty()) return errors.ToResponse();
  Db db(ctx.services->db());
  std::string after = HouseTypeJson(id, name);
  Status s = db.Transaction([&](Db& tx) {
    Status st = tx.Execute("INSERT INTO tb_house_type (typeid, name) VALUES (?, ?)",
                           {Param(static_cast<long long>(id)), Param(name)});
    if (!st.ok()) return st;
    return WriteAudit(tx, req, "tb_house_type", std::to_string(id), std::nullopt, after);
  });
  if (s.code() == Status::Code::kConflict) {
    errors.Add("typeid", Message(Msg::kNotUnique));
    return errors.ToResponse();
  }
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), "housetypes", req.request_id);
  return Response::Json(201, after);
}

Response UpdateHouseType(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id) || id > kInt32Max) return ErrorResponse(Status::NotFound("house type"));
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  bool partial = req.method == "PATCH";
  FieldErrors errors;
  std::string name;
  bool has_name = ReadString(body, "name", !partial, 255, &errors, &name);
  int64_t ignored = 0;
  // typeid names the row; in a body it is validated as DRF would, not moved.
  ReadInt(body, "typeid", false, kInt32Min, kInt32Max, &errors, &ignored);
  if (!errors.empty()) return errors.ToResponse();
  Db db(ctx.services->db());
  std::string after;
  Status s = db.Transaction([&](Db& tx) {
    std::string before_name;
    Status st = FindHouseType(tx, id, true, &before_name);
    if (!st.ok()) return st;
    if (!has_name) name = before_name;
    st = tx.Execute("UPDATE tb_house_type SET name = ? WHERE typeid = ?", {Param(name), Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    after = HouseTypeJson(id, name);
    return WriteAudit(tx, req, "tb_house_type", std::to_string(id), HouseTypeJson(id, before_name), after);
  });
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), "housetypes", req.request_id);
  return Response::Json(200, after);
}

Response DeleteHouseType(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id) || id > kInt32Max) return ErrorResponse(Status::NotFound("house type"));
  Db db(ctx.services->db());
  Status s = db.Transaction([&](Db& tx) {
    std::string name;
    Status st = FindHouseType(tx, id, true, &name);
    if (!st.ok()) return st;
    st = tx.Execute("DELETE FROM tb_house_type WHERE typeid = ?", {Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    return WriteAudit(tx, req, "tb_house_type", std::to_string(id), HouseTypeJson(id, name), std::nullopt);
  });
  if (s.code() == Status::Code::kInvalidArgument) return Response::Detail(400, Message(Msg::kStillReferenced));  // a foreign key
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), "housetypes", req.request_id);
  return NoContent();
}

// ---- Tags -----------------------------------------------------------------------

Response ListTags(Context& ctx, const Request& req, const PathParams&) {
  PageRequest page;
  if (!ParsePage(req.query, &page).ok()) return Response::Detail(404, Message(Msg::kInvalidPage));
  // Links in the body are absolute: the variant is the whole request URL.
  std::string variant = req.scheme + "://" + req.host + req.raw_path + "?" + req.raw_query;
  Status page_status;
  Response r = CachedGet(ctx.services, req, {"tags"}, variant, kTagsListTtl, [&](std::string* out) {
    Db db(ctx.services->db());
    Rows rows;
    Status s = db.Query("SELECT COUNT(*) FROM tb_tag", {}, &rows);
    if (!s.ok()) return s;
    int64_t count = rows[0].Int(0);
    page_status = ResolvePage(count, &page);
    if (!page_status.ok()) return page_status;
    s = db.Query("SELECT tagid, content FROM tb_tag ORDER BY tagid LIMIT ? OFFSET ?",
                 {Param(page.size), Param(static_cast<long long>(PageOffset(page)))}, &rows);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginArray();
    for (const Row& row : rows) w.Raw(TagJson(row.Int(0), row.Str(1)));
    w.EndArray();
    *out = RenderPage(req, page, count, w.str());
    return Status::Ok();
  });
  if (!page_status.ok()) return Response::Detail(404, Message(Msg::kInvalidPage));
  return r;
}

Status FindTag(Db& db, int64_t id, bool for_update, std::string* content) {
  Rows rows;
  Status s = db.Query(std::string("SELECT content FROM tb_tag WHERE tagid = ?") + (for_update ? " FOR UPDATE" : ""),
                      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("tag");
  *content = rows[0].Str(0);
  return Status::Ok();
}

Response GetTag(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id) || id > kInt32Max) return ErrorResponse(Status::NotFound("tag"));
  Db db(ctx.services->db());
  std::string content;
  Status s = FindTag(db, id, false, &content);
  if (!s.ok()) return LoggedError(s, req);
  return Response::Json(200, TagJson(id, content));
}

Response CreateTag(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  FieldErrors errors;
  std::string content;
  ReadString(body, "content", true, 20, &errors, &content);
  if (!errors.empty()) return errors.ToResponse();
  Db db(ctx.services->db());
  std::string after;
  Status s = db.Transaction([&](Db& tx) {
    uint64_t id = 0;
    Status st = tx.Execute("INSERT INTO tb_tag (content) VALUES (?)", {Param(content)}, nullptr, &id);
    if (!st.ok()) return st;
    after = TagJson(static_cast<int64_t>(id), content);
    return WriteAudit(tx, req, "tb_tag", std::to_string(id), std::nullopt, after);
  });
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), "tags", req.request_id);
  return Response::Json(201, after);
}

Response UpdateTag(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id) || id > kInt32Max) return ErrorResponse(Status::NotFound("tag"));
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  FieldErrors errors;
  std::string content;
  bool has_content = ReadString(body, "content", req.method != "PATCH", 20, &errors, &content);
  if (!errors.empty()) return errors.ToResponse();
  Db db(ctx.services->db());
  std::string after;
  Status s = db.Transaction([&](Db& tx) {
    std::string before;
    Status st = FindTag(tx, id, true, &before);
    if (!st.ok()) return st;
    if (!has_content) content = before;
    st = tx.Execute("UPDATE tb_tag SET content = ? WHERE tagid = ?", {Param(content), Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    after = TagJson(id, content);
    return WriteAudit(tx, req, "tb_tag", std::to_string(id), TagJson(id, before), after);
  });
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), "tags", req.request_id);
  return Response::Json(200, after);
}

Response DeleteTag(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!params.GetId("id", &id) || id > kInt32Max) return ErrorResponse(Status::NotFound("tag"));
  Db db(ctx.services->db());
  Status s = db.Transaction([&](Db& tx) {
    std::string content;
    Status st = FindTag(tx, id, true, &content);
    if (!st.ok()) return st;
    st = tx.Execute("DELETE FROM tb_tag WHERE tagid = ?", {Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    return WriteAudit(tx, req, "tb_tag", std::to_string(id), TagJson(id, content), std::nullopt);
  });
  if (s.code() == Status::Code::kInvalidArgument) return Response::Detail(400, Message(Msg::kStillReferenced));
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), "tags", req.request_id);
  return NoContent();
}

}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"GET", "/api/housetypes/", ListHouseTypes, Access::kPublic},
      {"POST", "/api/housetypes/", CreateHouseType, Access::kPrivileged},
      {"GET", "/api/housetypes/{id}/", GetHouseType, Access::kPublic},
      {"PUT", "/api/housetypes/{id}/", UpdateHouseType, Access::kPrivileged},
      {"PATCH", "/api/housetypes/{id}/", UpdateHouseType, Access::kPrivileged},
      {"DELETE", "/api/housetypes/{id}/", DeleteHouseType, Access::kPrivileged},
      {"GET", "/api/tags/", ListTags, Access::kPublic},
      {"POST", "/api/tags/", CreateTag, Access::kPrivileged},
      {"GET", "/api/tags/{id}/", GetTag, Access::kPublic},
      {"PUT", "/api/tags/{id}/", UpdateTag, Access::kPrivileged},
      {"PATCH", "/api/tags/{id}/", UpdateTag, Access::kPrivileged},
      {"DELETE", "/api/tags/{id}/", DeleteTag, Access::kPrivileged},
  });
  return router;
}

GroupDefinition Group() {
  return RoutedGroup<Context>("catalogue", Routes, [](ThreadServices* services) { return Context{services}; });
}

}  // namespace zf::catalogue
