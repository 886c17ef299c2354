#include "estates.h"

#include <ctime>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "resource/audit.h"
#include "http/body.h"
#include "resource/handler_kit.h"
#include "base/json_writer.h"
#include "resource/list_query.h"
#include "base/log.h"
#include "http/pagination.h"

namespace zf::estates {

namespace {

// Also part of the cache keys of other groups' answers that embed an estate
// (an agent's detail): one bump here makes those fresh too.
const char* kResource = "estates";

const std::vector<OrderingField> kOrdering = {
    {"district", "distid"},
    {"hot", "hot"},
    {"name", "name"},
};

// One row of tb_estate. hot and intro are nullable columns (with defaults):
// NULL is answered as null rather than invented.
struct Estate {
  int64_t estateid = 0;
  int64_t distid = 0;
  std::string district_name;  // filled by the detail read only
  std::string name;
  std::optional<int64_t> hot;
  std::optional<std::string> intro;
};



void BumpAfterWrite(Context& ctx, const Request& req) {
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), kResource, req.request_id);
}


void WriteOptionalInt(JsonWriter& w, const std::optional<int64_t>& v) {
  if (v) {
    w.Int(*v);
  } else {
    w.Null();
  }
}

void WriteOptionalString(JsonWriter& w, const std::optional<std::string>& v) {
  if (v) {
    w.String(*v);
  } else {
    w.Null();
  }
}

// The shape writes answer and the audit trail records.
std::string WriteJson(const Estate& e) {
  JsonWriter w;
  w.BeginObject().Key("estateid").Int(e.estateid).Key("name").String(e.name).Key("hot");
  WriteOptionalInt(w, e.hot);
  w.Key("intro");
  WriteOptionalString(w, e.intro);
  w.Key("district").Int(e.distid).EndObject();
  return w.Take();
}

std::string DetailJson(const Estate& e) {
  JsonWriter w;
  w.BeginObject().Key("estateid").Int(e.estateid);
  w.Key("district").BeginObject().Key("distid").Int(e.distid).Key("name").String(e.district_name).EndObject();
  w.Key("name").String(e.name).Key("hot");
  WriteOptionalInt(w, e.hot);
  w.Key("intro");
  WriteOptionalString(w, e.intro);
  w.EndObject();
  return w.Take();
}

// Columns: estateid, distid, name, hot, intro [, district name].
Estate EstateFromRow(const Row& r) {
  Estate e;
  e.estateid = r.Int(0);
  e.distid = r.Int(1);
  e.name = r.Str(2);
  if (!r.IsNull(3)) e.hot = r.Int(3);
  if (!r.IsNull(4)) e.intro = r.Str(4);
  if (r.size() > 5) e.district_name = r.Str(5);
  return e;
}

Status FindEstate(Db& db, int64_t id, bool for_update, Estate* out) {
  Rows rows;
  Status s = db.Query(std::string("SELECT estateid, distid, name, hot, intro FROM tb_estate WHERE estateid = ?") +
                          (for_update ? " FOR UPDATE" : ""),
                      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("estate");
  *out = EstateFromRow(rows[0]);
  return Status::Ok();
}

bool ReadPathId(const PathParams& params, int64_t* id) {
  return params.GetId("id", id) && *id <= kInt32Max;
}

// ---- Reads ----------------------------------------------------------------------

Response ListEstates(Context& ctx, const Request& req, const PathParams&) {
  // Filters first: a number filter that is not a number answers 400 before
  // any page check, as django-filter runs before the paginator.
  FieldErrors errors;
  std::optional<double> dist = NumberFilter(req.query, "dist", &errors);
  std::optional<double> min_hot = NumberFilter(req.query, "minhot", &errors);
  std::optional<double> max_hot = NumberFilter(req.query, "maxhot", &errors);
  if (!errors.empty()) return errors.ToResponse();
  std::optional<std::string> name = TextFilter(req.query, "name");

  PageRequest page;
  if (!ParsePage(req.query, &page).ok()) return Response::Detail(404, Message(Msg::kInvalidPage));

  std::string where = " WHERE 1 = 1";
  std::vector<Param> params;
  if (name) {
    // Django's startswith on MySQL: case-sensitive, wildcards in the value literal.
    where += " AND name LIKE BINARY ? ESCAPE '\\\\'";
    params.emplace_back(LikePattern(*name, false, true));
  }
  if (dist) {
    where += " AND distid = ?";
    params.emplace_back(*dist);
  }
  if (min_hot) {
    where += " AND hot >= ?";
    params.emplace_back(*min_hot);
  }
  if (max_hot) {
    where += " AND hot <= ?";
    params.emplace_back(*max_hot);
  }
  std::string order_by = OrderByClause(req.query, kOrdering, "-hot", "estateid");

  // Links in the body are absolute: the variant is the whole request URL.
  std::string variant = req.scheme + "://" + req.host + req.raw_path + "?" + req.raw_query;
  Status page_status;
  Response r = CachedGet(ctx.services, req, {kResource}, "list:" + variant, kEstatesTtl, [&](std::string* out) {
    Db db(ctx.services->db());
    Rows rows;
    Status s = db.Query("SELECT COUNT(*) FROM tb_estate" + where, params, &rows);
    if (!s.ok()) return s;
    int64_t count = rows[0].Int(0);
    page_status = ResolvePage(count, &page);
    if (!page_status.ok()) return page_status;
    std::vector<Param> page_params = params;
    page_params.emplace_back(page.size);
    page_params.emplace_back(static_cast<long long>(PageOffset(page)));
    s = db.Query("SELECT estateid, name FROM tb_estate" + where + order_by + " LIMIT ? OFFSET ?", page_params, &rows);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginArray();
    for (const Row& row : rows) {
      w.BeginObject().Key("estateid").Int(row.Int(0)).Key("name").String(row.Str(1)).EndObject();
    }
    w.EndArray();
    *out = RenderPage(req, page, count, w.str());
    return Status::Ok();
  });
  if (!page_status.ok()) return Response::Detail(404, Message(Msg::kInvalidPage));
  return r;
}

Response GetEstate(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!ReadPathId(params, &id)) return ErrorResponse(Status::NotFound("estate"));
  return CachedGet(ctx.services, req, {kResource}, "detail:" + std::to_string(id), kEstatesTtl, [&](std::string* out) {
    Db db(ctx.services->db());
    Rows rows;
    Status s = db.Query(
        "SELECT e.estateid, e.distid, e.name, e.hot, e.intro, d.name FROM tb_estate e "
        "JOIN tb_district d ON d.distid = e.distid WHERE e.estateid = ?",
        {Param(static_cast<long long>(id))}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) return Status::NotFound("estate");
    *out = DetailJson(EstateFromRow(rows[0]));
    return Status::Ok();
  });
}

// ---- Writes ---------------------------------------------------------------------

// The fields a write body gave, validated. Absent fields stay unset: a
// create fills the model's defaults, an update keeps the row's values (as a
// DRF serializer leaves fields it was not given).
struct EstateInput {
  std::optional<std::string> name;
  std::optional<int64_t> distid;
  std::string district_as_given;  // for the message when no such district
  std::optional<int64_t> hot;
  std::optional<std::string> intro;
};

// A CharField with blank allowed (the model's default is ""): "" and blanks
// are "", anything else as ReadString reads it.
bool ReadBlankableString(const Json::Value& body, const std::string& field, size_t max_length, FieldErrors* errors,
                         std::string* out) {
  if (body.isMember(field) && body[field].isString() &&
      body[field].asString().find_first_not_of(" \t\n\r\f\v") == std::string::npos) {
    out->clear();
    return true;
  }
  return ReadString(body, field, false, max_length, errors, out);
}

// The district as the client wrote it, for 无效主键 “…”: strings as sent,
// numbers as Python prints them (jsoncpp writes an integral float as 7.0, as Python does).
std::string AsGiven(const Json::Value& v) { return v.asString(); }

// Validates a write body in the serializer's field order (name, hot, intro,
// district). The district must exist: checked here, with the other field
// errors, and again by the foreign key when the row is written.
Status ReadInput(Db& db, const Json::Value& body, bool partial, FieldErrors* errors, EstateInput* in) {
  std::string name;
  if (ReadString(body, "name", !partial, 255, errors, &name)) in->name = name;
  int64_t hot = 0;
  if (ReadInt(body, "hot", false, kInt32Min, kInt32Max, errors, &hot)) in->hot = hot;
  std::string intro;
  if (ReadBlankableString(body, "intro", 511, errors, &intro)) in->intro = intro;
  int64_t distid = 0;
  if (ReadInt(body, "district", !partial, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
              errors, &distid)) {
    in->district_as_given = AsGiven(body["district"]);
    bool exists = false;
    if (distid >= kInt32Min && distid <= kInt32Max) {
      Rows rows;
      Status s = db.Query("SELECT 1 FROM tb_district WHERE distid = ?", {Param(static_cast<long long>(distid))}, &rows);
      if (!s.ok()) return s;
      exists = !rows.empty();
    }
    if (exists) {
      in->distid = distid;
    } else {
      errors->Add("district", Message(Msg::kNoSuchPrimaryKey, in->district_as_given));
    }
  }
  return Status::Ok();
}

Response NoSuchDistrict(const EstateInput& in) {
  FieldErrors errors;
  errors.Add("district", Message(Msg::kNoSuchPrimaryKey, in.district_as_given));
  return errors.ToResponse();
}

Response CreateEstate(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  Db db(ctx.services->db());
  FieldErrors errors;
  EstateInput in;
  Status s = ReadInput(db, body, false, &errors, &in);
  if (!s.ok()) return LoggedError(s, req);
  if (!errors.empty()) return errors.ToResponse();
  Estate e;
  e.name = *in.name;
  e.distid = *in.distid;
  e.hot = in.hot.value_or(0);
  e.intro = in.intro.value_or("");
  std::string after;
  s = db.Transaction([&](Db& tx) {
    uint64_t id = 0;
    Status st = tx.Execute("INSERT INTO tb_estate (distid, name, hot, intro) VALUES (?, ?, ?, ?)",
                           {Param(static_cast<long long>(e.distid)), Param(e.name),
                            Param(static_cast<long long>(*e.hot)), Param(*e.intro)},
                           nullptr, &id);
    if (!st.ok()) return st;
    e.estateid = static_cast<int64_t>(id);
    after = WriteJson(e);
    return WriteAudit(tx, req, "tb_estate", std::to_string(id), std::nullopt, after);
  });
  // The district went away between the check and the insert.
  if (s.code() == Status::Code::kInvalidArgument) return NoSuchDistrict(in);
  if (!s.ok()) return LoggedError(s, req);
  BumpAfterWrite(ctx, req);
  return Response::Json(201, after);
}

Response UpdateEstate(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!ReadPathId(params, &id)) return ErrorResponse(Status::NotFound("estate"));
  Db db(ctx.services->db());
  // DRF looks the row up before it reads the body: an unknown id is 404
  // whatever was sent. On the primary, so a row created a moment ago is
  // found even when a replica lags.
  Status s = db.Transaction([&](Db& tx) {
    Estate current;
    return FindEstate(tx, id, false, &current);
  });
  if (!s.ok()) return LoggedError(s, req);
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  FieldErrors errors;
  EstateInput in;
  s = ReadInput(db, body, req.method == "PATCH", &errors, &in);
  if (!s.ok()) return LoggedError(s, req);
  if (!errors.empty()) return errors.ToResponse();
  std::string after;
  s = db.Transaction([&](Db& tx) {
    Estate before;
    Status st = FindEstate(tx, id, true, &before);
    if (!st.ok()) return st;
    Estate e = before;
    if (in.name) e.name = *in.name;
    if (in.distid) e.distid = *in.distid;
    if (in.hot) e.hot = in.hot;
    if (in.intro) e.intro = in.intro;
    st = tx.Execute("UPDATE tb_estate SET distid = ?, name = ?, hot = ?, intro = ? WHERE estateid = ?",
                    {Param(static_cast<long long>(e.distid)), Param(e.name),
                     e.hot ? Param(static_cast<long long>(*e.hot)) : Param::Null(),
                     e.intro ? Param(*e.intro) : Param::Null(), Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    after = WriteJson(e);
    return WriteAudit(tx, req, "tb_estate", std::to_string(id), WriteJson(before), after);
  });
  if (s.code() == Status::Code::kInvalidArgument) return NoSuchDistrict(in);
  if (!s.ok()) return LoggedError(s, req);
  BumpAfterWrite(ctx, req);
  return Response::Json(200, after);
}

Response DeleteEstate(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!ReadPathId(params, &id)) return ErrorResponse(Status::NotFound("estate"));
  Db db(ctx.services->db());
  Status s = db.Transaction([&](Db& tx) {
    Estate before;
    Status st = FindEstate(tx, id, true, &before);
    if (!st.ok()) return st;
    st = tx.Execute("DELETE FROM tb_estate WHERE estateid = ?", {Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    return WriteAudit(tx, req, "tb_estate", std::to_string(id), WriteJson(before), std::nullopt);
  });
  // A foreign key from tb_agent_estate or tb_house_info.
  if (s.code() == Status::Code::kInvalidArgument) return Response::Detail(400, Message(Msg::kStillReferenced));
  if (!s.ok()) return LoggedError(s, req);
  BumpAfterWrite(ctx, req);
  return NoContent();
}

}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"GET", "/api/estates/", ListEstates, Access::kPrivileged},
      {"POST", "/api/estates/", CreateEstate, Access::kPrivileged},
      {"GET", "/api/estates/{id}/", GetEstate, Access::kPrivileged},
      {"PUT", "/api/estates/{id}/", UpdateEstate, Access::kPrivileged},
      {"PATCH", "/api/estates/{id}/", UpdateEstate, Access::kPrivileged},
      {"DELETE", "/api/estates/{id}/", DeleteEstate, Access::kPrivileged},
  });
  return router;
}

GroupDefinition Group() {
  return RoutedGroup<Context>("estates", Routes, [](ThreadServices* services) { return Context{services}; });
}

}  // namespace zf::estates
