#include "agents.h"

#include "resource/audit.h"
#include "resource/handler_kit.h"
#include "resource/resource.h"

namespace zf::agents {

namespace {

constexpr int kListTtl = 120;
constexpr int kDetailTtl = 300;
// At most this many estates in an agent's detail.
constexpr int kDetailEstates = 5;

// The agent's estate links go with it (each audited, so they can be put
// back by hand): they describe the agent, and keeping them would make every
// agent that serves an estate undeletable. Listings are another matter: an
// agent they name stays, and the whole transaction rolls back.
Status DeleteLinks(Db& tx, const Request& req, int64_t id) {
  Rows links;
  Status s = tx.Query("SELECT agent_estate_id, estateid FROM tb_agent_estate WHERE agentid = ? FOR UPDATE",
                      {Param(static_cast<long long>(id))}, &links);
  if (!s.ok() || links.empty()) return s;
  s = tx.Execute("DELETE FROM tb_agent_estate WHERE agentid = ?", {Param(static_cast<long long>(id))});
  for (const Row& link : links) {
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginObject().Key("agent_estate_id").Int(link.Int(0)).Key("agentid").Int(id).Key("estateid").Int(link.Int(1));
    s = WriteAudit(tx, req, "tb_agent_estate", link.Str(0), w.EndObject().Take(), std::nullopt);
  }
  return s;
}

extern const Resource kAgents;

// The detail: the agent's fields with its best estates after the id.
Status Detail(Db& db, int64_t id, std::string* out) {
  Record a;
  Status s = FindRecord(db, kAgents, id, false, &a);
  if (!s.ok()) return s;
  Rows estates;
  s = db.Query("SELECT e.estateid, e.name FROM tb_agent_estate ae JOIN tb_estate e ON e.estateid = ae.estateid "
               "WHERE ae.agentid = ? ORDER BY e.hot DESC, e.estateid ASC LIMIT ?",
               {Param(static_cast<long long>(id)), Param(kDetailEstates)}, &estates);
  if (!s.ok()) return s;
  JsonWriter w;
  w.BeginObject().Key("agentid").Int(id).Key("estates").BeginArray();
  for (const Row& e : estates) w.BeginObject().Key("estateid").Int(e.Int(0)).Key("name").String(e.Str(1)).EndObject();
  w.EndArray();
  for (size_t i = 1; i < kAgents.fields.size(); ++i) {
    w.Key(kAgents.fields[i].name);
    WriteValue(&w, kAgents.fields[i].type, a[i]);
  }
  *out = w.EndObject().Take();
  return Status::Ok();
}

const Resource kAgents = {
    .name = "agents", .table = "tb_agent", .noun = "agent",
    .collection = "/api/agents/", .item = "/api/agents/{id}/",
    .fields = {Int("agentid", kPrimaryKey), Text("name", 255, kRequired), Text("tel", 20, kRequired),
               Int("servstar"), Int("realstar"), Int("profstar"), Bool("certificated")},
    // The detail lists estates: an estate written through its own group
    // shows here at once as well.
    .shown = {"agents", "estates"},
    // The contract names no ordering fields for agents: `ordering` is ignored.
    .list = {.shows = {"agentid", "name", "tel", "servstar"},
             .filters = {{"name", "name", Filter::kPrefix}, {"servstar", "servstar", Filter::kNumber, ">="}},
             .fixed_order = " ORDER BY servstar DESC, agentid ASC",
             .ttl = kListTtl},
    .detail_ttl = kDetailTtl,
    .hooks = {.detail = Detail, .before_delete = DeleteLinks},
};

}  // namespace

GroupDefinition Group() { return ResourceGroup<kAgents>("agents"); }

}  // namespace zf::agents
