#include "agents.h"

#include <ctime>
#include <functional>
#include <initializer_list>
#include <optional>

#include "resource/audit.h"
#include "http/body.h"
#include "resource/handler_kit.h"
#include "base/json_writer.h"
#include "resource/list_query.h"
#include "base/log.h"
#include "http/pagination.h"

namespace zf::agents {

namespace {

const char* kResource = "agents";
// The detail lists estates: an estate written through its own group must
// show here at once as well.
const char* kEstatesResource = "estates";

// The contract names no ordering fields for agents, so `ordering` in the
// request is ignored; the key breaks ties (section 2).
const char* kListOrder = " ORDER BY servstar DESC, agentid ASC";

struct Agent {
  int64_t id = 0;
  std::string name;
  std::string tel;
  int64_t servstar = 0;
  int64_t realstar = 0;
  int64_t profstar = 0;
  bool certificated = false;
};

// The fields a write's body gave; absent ones are nullopt.
struct AgentFields {
  std::optional<std::string> name;
  std::optional<std::string> tel;
  std::optional<int64_t> servstar;
  std::optional<int64_t> realstar;
  std::optional<int64_t> profstar;
  std::optional<bool> certificated;
};



Response NotFound() { return ErrorResponse(Status::NotFound("agent")); }


// The fields after the id (and, in the detail, after the estates).
void WriteAgentFields(JsonWriter* w, const Agent& a) {
  w->Key("name").String(a.name)
      .Key("tel").String(a.tel)
      .Key("servstar").Int(a.servstar)
      .Key("realstar").Int(a.realstar)
      .Key("profstar").Int(a.profstar)
      .Key("certificated").Bool(a.certificated);
}

// The shape writes answer and the audit trail records.
std::string AgentJson(const Agent& a) {
  JsonWriter w;
  w.BeginObject().Key("agentid").Int(a.id);
  WriteAgentFields(&w, a);
  w.EndObject();
  return w.Take();
}

std::string LinkJson(int64_t link_id, int64_t agent_id, int64_t estate_id) {
  JsonWriter w;
  w.BeginObject()
      .Key("agent_estate_id").Int(link_id)
      .Key("agentid").Int(agent_id)
      .Key("estateid").Int(estate_id)
      .EndObject();
  return w.Take();
}

Status FindAgent(Db& db, int64_t id, bool for_update, Agent* out) {
  Rows rows;
  Status s = db.Query(std::string("SELECT name, tel, servstar, realstar, profstar, certificated FROM tb_agent "
                                  "WHERE agentid = ?") + (for_update ? " FOR UPDATE" : ""),
                      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound("agent");
  const Row& r = rows[0];
  out->id = id;
  out->name = r.Str(0);
  out->tel = r.Str(1);
  out->servstar = r.Int(2);
  out->realstar = r.Int(3);
  out->profstar = r.Int(4);
  out->certificated = r.Bool(5);
  return Status::Ok();
}

// The row id of a path, or false (answered 404, as Django's int converter).
bool AgentId(const PathParams& params, int64_t* id) { return params.GetId("id", id) && *id <= kInt32Max; }

// ---- Reads ----------------------------------------------------------------------

Response ListAgents(Context& ctx, const Request& req, const PathParams&) {
  FieldErrors errors;
  std::optional<std::string> name = TextFilter(req.query, "name");
  std::optional<double> min_servstar = NumberFilter(req.query, "servstar", &errors);
  if (!errors.empty()) return errors.ToResponse();  // before any page check
  PageRequest page;
  if (!ParsePage(req.query, &page).ok()) return Response::Detail(404, Message(Msg::kInvalidPage));

  std::string where;
  std::vector<Param> params;
  if (name) {
    // Django's startswith on MySQL: a case-sensitive LIKE, wildcards escaped.
    where += " WHERE name LIKE BINARY ? ESCAPE '\\\\'";
    params.emplace_back(LikePattern(*name, false, true));
  }
  if (min_servstar) {
    where += where.empty() ? " WHERE " : " AND ";
    where += "servstar >= ?";
    params.emplace_back(*min_servstar);
  }

  // Links in the body are absolute: the variant is the whole request URL.
  std::string variant = "list:" + req.scheme + "://" + req.host + req.raw_path + "?" + req.raw_query;
  Status page_status;
  Response r = CachedGet(ctx.services, req, {kResource}, variant, kListTtl, [&](std::string* out) {
    Db db(ctx.services->db());
    Rows rows;
    Status s = db.Query("SELECT COUNT(*) FROM tb_agent" + where, params, &rows);
    if (!s.ok()) return s;
    int64_t count = rows[0].Int(0);
    page_status = ResolvePage(count, &page);
    if (!page_status.ok()) return page_status;
    std::vector<Param> page_params = params;
    page_params.emplace_back(page.size);
    page_params.emplace_back(static_cast<long long>(PageOffset(page)));
    s = db.Query("SELECT agentid, name, tel, servstar FROM tb_agent" + where + kListOrder + " LIMIT ? OFFSET ?",
                 page_params, &rows);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginArray();
    for (const Row& row : rows) {
      w.BeginObject()
          .Key("agentid").Int(row.Int(0))
          .Key("name").String(row.Str(1))
          .Key("tel").String(row.Str(2))
          .Key("servstar").Int(row.Int(3))
          .EndObject();
    }
    w.EndArray();
    *out = RenderPage(req, page, count, w.str());
    return Status::Ok();
  });
  if (!page_status.ok()) return Response::Detail(404, Message(Msg::kInvalidPage));
  return r;
}

Response GetAgent(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!AgentId(params, &id)) return NotFound();
  return CachedGet(ctx.services, req, {kResource, kEstatesResource}, "detail:" + std::to_string(id), kDetailTtl,
                   [&](std::string* out) {
    Db db(ctx.services->db());
    Agent a;
    Status s = FindAgent(db, id, false, &a);
    if (!s.ok()) return s;
    Rows estates;
    s = db.Query("SELECT e.estateid, e.name FROM tb_agent_estate ae JOIN tb_estate e ON e.estateid = ae.estateid "
                 "WHERE ae.agentid = ? ORDER BY e.hot DESC, e.estateid ASC LIMIT ?",
                 {Param(static_cast<long long>(id)), Param(kDetailEstates)}, &estates);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginObject().Key("agentid").Int(a.id).Key("estates").BeginArray();
    for (const Row& e : estates) {
      w.BeginObject().Key("estateid").Int(e.Int(0)).Key("name").String(e.Str(1)).EndObject();
    }
    w.EndArray();
    WriteAgentFields(&w, a);
    w.EndObject();
    *out = w.Take();
    return Status::Ok();
  });
}

// ---- Writes ---------------------------------------------------------------------

// The body's fields in the model's order, so errors come in the order DRF
// reports them. `agentid` is read-only and ignored, as DRF does.
void ReadAgentFields(const Json::Value& body, bool names_required, FieldErrors* errors, AgentFields* out) {
  std::string text;
  if (ReadString(body, "name", names_required, 255, errors, &text)) out->name = text;
  if (ReadString(body, "tel", names_required, 20, errors, &text)) out->tel = text;
  int64_t n = 0;
  if (ReadInt(body, "servstar", false, kInt32Min, kInt32Max, errors, &n)) out->servstar = n;
  if (ReadInt(body, "realstar", false, kInt32Min, kInt32Max, errors, &n)) out->realstar = n;
  if (ReadInt(body, "profstar", false, kInt32Min, kInt32Max, errors, &n)) out->profstar = n;
  bool flag = false;
  if (ReadBool(body, "certificated", false, errors, &flag)) out->certificated = flag;
}

void Apply(const AgentFields& f, Agent* a) {
  if (f.name) a->name = *f.name;
  if (f.tel) a->tel = *f.tel;
  if (f.servstar) a->servstar = *f.servstar;
  if (f.realstar) a->realstar = *f.realstar;
  if (f.profstar) a->profstar = *f.profstar;
  if (f.certificated) a->certificated = *f.certificated;
}

// DRF looks the row up before it reads the body: a missing agent is 404
// whatever the body holds. Called only when the body was refused, so a
// valid write costs no extra query.
Response RefusedBody(Context& ctx, const Request& req, int64_t id, Response refusal) {
  Db db(ctx.services->db());
  Agent ignored;
  Status s = FindAgent(db, id, false, &ignored);
  if (s.IsNotFound()) return NotFound();
  if (!s.ok()) return LoggedError(s, req);
  return refusal;
}

Response CreateAgent(Context& ctx, const Request& req, const PathParams&) {
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return *bad;
  FieldErrors errors;
  AgentFields fields;
  ReadAgentFields(body, true, &errors, &fields);
  if (!errors.empty()) return errors.ToResponse();
  Agent a;  // stars 0, not certificated, unless given
  Apply(fields, &a);
  Db db(ctx.services->db());
  std::string after;
  Status s = db.Transaction([&](Db& tx) {
    uint64_t id = 0;
    Status st = tx.Execute(
        "INSERT INTO tb_agent (name, tel, servstar, realstar, profstar, certificated) VALUES (?, ?, ?, ?, ?, ?)",
        {Param(a.name), Param(a.tel), Param(static_cast<long long>(a.servstar)),
         Param(static_cast<long long>(a.realstar)), Param(static_cast<long long>(a.profstar)),
         Param(a.certificated ? 1 : 0)},
        nullptr, &id);
    if (!st.ok()) return st;
    a.id = static_cast<int64_t>(id);
    after = AgentJson(a);
    return WriteAudit(tx, req, "tb_agent", std::to_string(id), std::nullopt, after);
  });
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), kResource, req.request_id);
  return Response::Json(201, after);
}

Response UpdateAgent(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!AgentId(params, &id)) return NotFound();
  Json::Value body;
  if (std::optional<Response> bad = ParseBody(req, &body)) return RefusedBody(ctx, req, id, *bad);
  FieldErrors errors;
  AgentFields fields;
  // PUT needs the required fields; the others keep their values when absent,
  // as a DRF update sets only what it validated. PATCH needs nothing.
  ReadAgentFields(body, req.method != "PATCH", &errors, &fields);
  if (!errors.empty()) return RefusedBody(ctx, req, id, errors.ToResponse());
  Db db(ctx.services->db());
  std::string after;
  Status s = db.Transaction([&](Db& tx) {
    Agent a;
    Status st = FindAgent(tx, id, true, &a);
    if (!st.ok()) return st;
    std::string before = AgentJson(a);
    Apply(fields, &a);
    st = tx.Execute(
        "UPDATE tb_agent SET name = ?, tel = ?, servstar = ?, realstar = ?, profstar = ?, certificated = ? "
        "WHERE agentid = ?",
        {Param(a.name), Param(a.tel), Param(static_cast<long long>(a.servstar)),
         Param(static_cast<long long>(a.realstar)), Param(static_cast<long long>(a.profstar)),
         Param(a.certificated ? 1 : 0), Param(static_cast<long long>(id))});
    if (!st.ok()) return st;
    after = AgentJson(a);
    return WriteAudit(tx, req, "tb_agent", std::to_string(id), before, after);
  });
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), kResource, req.request_id);
  return Response::Json(200, after);
}

// The agent's estate links go with it (each audited, so they can be put
// back by hand): they describe the agent, and keeping them would make every
// agent that serves an estate undeletable. Listings are another matter: an
// agent they name stays, and the whole transaction rolls back.
Response DeleteAgent(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!AgentId(params, &id)) return NotFound();
  Db db(ctx.services->db());
  bool still_used = false;
  Status s = db.Transaction([&](Db& tx) {
    Agent a;
    Status st = FindAgent(tx, id, true, &a);
    if (!st.ok()) return st;
    Rows links;
    st = tx.Query("SELECT agent_estate_id, estateid FROM tb_agent_estate WHERE agentid = ? FOR UPDATE",
                  {Param(static_cast<long long>(id))}, &links);
    if (!st.ok()) return st;
    if (!links.empty()) {
      st = tx.Execute("DELETE FROM tb_agent_estate WHERE agentid = ?", {Param(static_cast<long long>(id))});
      if (!st.ok()) return st;
    }
    st = tx.Execute("DELETE FROM tb_agent WHERE agentid = ?", {Param(static_cast<long long>(id))});
    if (st.code() == Status::Code::kInvalidArgument) still_used = true;  // a listing's foreign key
    if (!st.ok()) return st;
    for (const Row& link : links) {
      st = WriteAudit(tx, req, "tb_agent_estate", link.Str(0), LinkJson(link.Int(0), id, link.Int(1)), std::nullopt);
      if (!st.ok()) return st;
    }
    return WriteAudit(tx, req, "tb_agent", std::to_string(id), AgentJson(a), std::nullopt);
  });
  if (still_used) return Response::Detail(400, Message(Msg::kStillReferenced));
  if (!s.ok()) return LoggedError(s, req);
  BumpGeneration(ctx.services->memcached(), ctx.services->cache_prefix(), kResource, req.request_id);
  return NoContent();
}

}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router({
      {"GET", "/api/agents/", ListAgents, Access::kPublic},
      {"POST", "/api/agents/", CreateAgent, Access::kPrivileged},
      {"GET", "/api/agents/{id}/", GetAgent, Access::kPublic},
      {"PUT", "/api/agents/{id}/", UpdateAgent, Access::kPrivileged},
      {"PATCH", "/api/agents/{id}/", UpdateAgent, Access::kPrivileged},
      {"DELETE", "/api/agents/{id}/", DeleteAgent, Access::kPrivileged},
  });
  return router;
}

GroupDefinition Group() {
  return RoutedGroup<Context>("agents", Routes, [](ThreadServices* services) { return Context{services}; });
}

}  // namespace zf::agents
