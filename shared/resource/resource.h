// Resources: a table served as a REST resource, declared once and served by
// generic list, detail, create, update (PUT, PATCH) and delete handlers.
//
// A Resource names its table and key, its fields (type, length, required,
// blank, null, foreign key and unique rules, in the order DRF validates them
// and answers them), its list (filters, orderings, the columns a list item
// shows), its cache TTLs and the cache generations its pages show. Special
// cases are hooks (a listing's tags, an agent's estate links, a detail that
// joins other tables); everything else is the descriptor.
//
// What the generic handlers guarantee:
//   - a path id that is not a positive 32-bit integer answers 404, as
//     Django's int converter with an INT key;
//   - list filters are checked before the page (400 before 404 无效页面。);
//   - reads are cached under the current generations of `shown` (the
//     resource's own first); with memcached down they read the database;
//   - a write reads its body as DRF's parsers do, validates every field in
//     the descriptor's order, checks foreign keys (with the other fields, or
//     only when they passed: `keys_after_fields`), finds the row FOR UPDATE,
//     writes it, runs the hooks, renders the answer and records the audit
//     row — all in one transaction — and then moves the resource's cache
//     generation (or those its `written_generations` hook names for the row
//     before and after the write), so the next read sees the write;
//   - a refused body on PUT/PATCH/DELETE of a row that does not exist is 404,
//     as DRF looks the row up first (checked only when refused, so a valid
//     write costs no extra query);
//   - a resource with an owner rule (`owned_by`) is changed or deleted only
//     by the row's owner, an agent the row names or a 管理员 (MayChange):
//     after the privilege (admission) and after the 404 of a missing row, as
//     DRF's object permissions run, and before the body's fields are
//     looked at, so a stranger learns nothing about the row from field errors;
//   - a list in a body (`list_body_fields`) longer than
//     RequestLimits::max_list_items answers one field error
//     (该字段不能超过 N 个元素。) before any of its items is read or looked up;
//   - a taken unique value answers 该字段必须唯一。 under its field; a
//     delete that other rows still refer to 400 该对象仍被房源引用，不能删除。;
//     database text never reaches a client.
// Every answer that is not a 2xx leaves through ErrorResponse (http/http.h).
//
// Thread-safety: descriptors are immutable; the handlers run on any thread
// with that thread's services.
#ifndef ZUFANG_SHARED_RESOURCE_RESOURCE_H_
#define ZUFANG_SHARED_RESOURCE_RESOURCE_H_

#include <json/json.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/services.h"
#include "base/field_errors.h"
#include "base/json_writer.h"
#include "base/status.h"
#include "data/db.h"
#include "http/http.h"
#include "http/router.h"
#include "http/pagination.h"
#include "resource/handler_kit.h"
#include "resource/list_query.h"

namespace zf {

enum class FieldType {
  kText,  // CharField over VARCHAR
  kInt,   // IntegerField over INT
  kBool,  // BooleanField over BOOL
  kKey,   // PrimaryKeyRelatedField: an INT referring to ref_table.ref_key
};

// Field rules; combine with |.
enum FieldRule : unsigned {
  kRequired = 1u << 0,     // needed on create and PUT (PATCH never needs a field)
  kBlankable = 1u << 1,    // text: "" and blanks are "" (CharField(allow_blank=True))
  kNullable = 1u << 2,     // null is stored as NULL
  kPrimaryKey = 1u << 3,   // the row's key: answered, never read from bodies…
  kClientKey = 1u << 4,    // …unless the client gives it on create (then checked, never moved)
  kUnique = 1u << 5,       // a duplicate answers 该字段必须唯一。 under this field
  kWideKey = 1u << 6,      // key: any 64-bit integer is looked up (无效主键 past INT), not range-checked
};

struct Field {
  const char* name;    // in bodies and answers
  const char* column;  // in the table
  FieldType type;
  unsigned rules = 0;
  size_t max_length = 0;         // text: characters; 0 = no limit
  const char* ref_table = nullptr;  // kKey
  const char* ref_key = nullptr;
};

// Fields as descriptors list them. Text(name, max_length, rules),
// Int(name, rules), Bool(name), Key(name, column, ref_table, ref_key, rules);
// the column is the name unless given.
inline Field Text(const char* name, size_t max_length, unsigned rules = 0) {
  return {name, name, FieldType::kText, rules, max_length};
}
inline Field Int(const char* name, unsigned rules = 0) { return {name, name, FieldType::kInt, rules}; }
inline Field Bool(const char* name) { return {name, name, FieldType::kBool}; }
inline Field Key(const char* name, const char* column, const char* ref_table, const char* ref_key, unsigned rules = 0) {
  return {name, column, FieldType::kKey, rules, 0, ref_table, ref_key};
}

// {"<id_key>":id,"name":name} under `key` (a row another row names), or null.
void WriteRef(JsonWriter* w, const char* key, const char* id_key, const Row& row, size_t id_column);

// One row: one value per Field, in the descriptor's order.
using Record = std::vector<Param>;

// A list filter of the query string, as django-filter reads it.
struct Filter {
  enum Kind {
    kPrefix,   // startswith (case-sensitive LIKE)
    kNumber,   // NumberFilter: a decimal, 400 输入一个数字。 otherwise
  };
  const char* name;    // in the query string
  const char* column;
  Kind kind;
  const char* op = "=";  // kNumber: =, >=, <=
};

struct ListSpec {
  bool paginated = true;
  std::vector<const char*> shows;         // fields of a list item, by name, in answer order
  std::vector<Filter> filters;
  std::vector<OrderingField> orderings;   // the client's choices; empty: `ordering` is ignored
  const char* default_ordering = "";      // as a client writes it ("-hot")
  const char* fixed_order = nullptr;      // with no orderings: the order (" ORDER BY …")
  int ttl = 0;
};

// What a write's body gave beyond the descriptor's fields (a listing's tags).
struct WriteExtras {
  std::optional<std::vector<int64_t>> ids;
};

struct Resource;

// The role whose users may change every owned row (tb_role 管理员).
constexpr int64_t kAdministratorRole = 4;

// Who, beside holding the privilege, may change or delete a row (contract
// section 7: a listing belongs to its publisher). With no columns named,
// the privilege alone decides.
//   user_column   the user who published the row (set from the token on
//                 create through insert_extras);
//   agent_column  a tb_agent id the row names. An agent is a row of tb_agent,
//                 not a user: the user whose tb_user.tel equals the agent's
//                 tb_agent.tel acts for that agent (phones are verified by an
//                 SMS code at registration; an agent with no such user is
//                 acted for by no one). Who may change tb_agent.tel (by the
//                 demo grants, 管理员 only) therefore decides who acts for it.
// A user holding kAdministratorRole may change every row.
struct OwnerRule {
  const char* user_column = nullptr;
  const char* agent_column = nullptr;
  bool any() const { return user_column != nullptr || agent_column != nullptr; }
};

// Hooks for what the descriptor cannot say; any may be null.
// Where in a write the hook `written_generations` is called.
enum class WriteStage { kBefore, kAfter };

// What a write leaves for the caches once it committed: the generations to
// move, and what the resource's hooks noted of the row before and after the
// write (opaque text of theirs; absent where there was no row).
struct WriteEffects {
  std::set<std::string> generations;
  std::optional<std::string> before, after;
};

struct ResourceHooks {
  // The detail's answer (default: the write shape). Runs on `db` with `id`.
  Status (*detail)(Db& db, int64_t id, std::string* out) = nullptr;
  // The answer of writes and the audit's shape (default: the fields, in order).
  Status (*written)(Db& tx, const Resource& r, int64_t id, const Record& row, std::string* out) = nullptr;
  // Body fields the descriptor does not cover, read after its own.
  void (*read_extras)(const Json::Value& body, FieldErrors* errors, WriteExtras* extras) = nullptr;
  // Foreign keys of the extras, checked with the descriptor's keys.
  Status (*check_extras)(Db& tx, const WriteExtras& extras, FieldErrors* errors) = nullptr;
  // After the row is inserted or updated, in the same transaction.
  Status (*after_save)(Db& tx, const Request& req, int64_t id, const WriteExtras& extras) = nullptr;
  // Before the row is deleted, in the same transaction (rows that go with it).
  Status (*before_delete)(Db& tx, const Request& req, int64_t id) = nullptr;
  // What a write of row `id` leaves for the caches (default: the
  // resource's `name` alone, moved). Called in the write's transaction on
  // the row as it was (kBefore, after it was read FOR UPDATE: update,
  // delete) and on the row as written (kAfter: create, update), so a row
  // that changes place moves the generations of both; every generation it
  // adds is moved once the transaction committed, then `announce_write`
  // (when set) gets the whole WriteEffects.
  Status (*written_generations)(Db& tx, int64_t id, WriteStage stage, WriteEffects* out) = nullptr;
  // After a committed write, beside the generations: e.g. records for a
  // write log (data/write_log.h). Never fails the write: it must make up
  // for what it could not do itself (a generation moved instead).
  void (*announce_write)(ThreadServices* services, const Request& req, const WriteEffects& effects) = nullptr;
  // The generations the cached detail of row `id` is kept under (default:
  // `shown`); they must include every generation a write that changes the
  // detail moves.
  std::vector<std::string> (*detail_generations)(int64_t id) = nullptr;
};

struct Resource {
  const char* name;   // its cache generation, moved by every write
  const char* table;
  const char* noun;   // for logs
  const char* collection;  // its routes: "/api/agents/" …
  const char* item;        // … and "/api/agents/{id}/"
  Access reads = Access::kPublic;  // who may GET (writes always need a privilege)
  std::vector<Field> fields;        // the key first
  std::vector<std::string> shown;   // generations its pages show (`name` first)
  ListSpec list;
  int detail_ttl = 0;               // 0: the detail is not cached
  bool keys_after_fields = false;   // foreign keys checked only when every field passed
  std::vector<std::string> list_body_fields;  // list fields: gathered from forms (ParseBody), length-checked
  OwnerRule owned_by;                         // who may change a row (beside the privilege)
  // Extra columns of an INSERT: (column, SQL expression); "?" binds the user id.
  std::vector<std::pair<const char*, const char*>> insert_extras;
  ResourceHooks hooks;
  // The isolation of its writes' transactions (data/db.h).
  Isolation write_isolation = Isolation::kRepeatableRead;

  const Field& key() const { return fields.front(); }
  const Field* FieldNamed(const std::string& name) const;
};

// The path's row id, or false (answered 404): a positive INT.
bool RowId(const PathParams& params, const char* name, int64_t* id);

// Runs a query that names one row: its first row in *out, NotFound(noun) when none.
Status QueryOne(Db& db, const std::string& sql, int64_t id, const char* noun, Row* out);

// Reads a row's fields (FOR UPDATE when `for_update`); NotFound when absent.
Status FindRecord(Db& db, const Resource& r, int64_t id, bool for_update, Record* out);
// May the caller (req.userid) change row `id` of `r` under its owner rule?
// OK when the rule is empty or the caller is the owner, the user of an agent
// the row names, or a 管理员; PermissionDenied (403 您没有执行该操作的权限。)
// otherwise; NotFound(noun) when the row does not exist. One query. Writes
// call it in their transaction right after reading the row FOR UPDATE, so
// the owner it checks is the one the write changes.
Status MayChange(Db& db, const Resource& r, const Request& req, int64_t id);

// The fields of `row` as a JSON object, in order (the write shape).
std::string RecordJson(const Resource& r, const Record& row);
// Writes `v` as the field's JSON type (null for NULL).
void WriteValue(JsonWriter* w, FieldType type, const Param& v);

// The generic handlers.
Response ListResource(ThreadServices* services, const Request& req, const Resource& r);
Response GetResource(ThreadServices* services, const Request& req, const PathParams& params, const Resource& r);
Response CreateResource(ThreadServices* services, const Request& req, const Resource& r);
Response UpdateResource(ThreadServices* services, const Request& req, const PathParams& params, const Resource& r);
Response DeleteResource(ThreadServices* services, const Request& req, const PathParams& params, const Resource& r);

// A 200 page of a list: filters checked first, then the page; `build` gets
// the page (ResolvePage it against the count) and returns InvalidPage,
// field errors or a failure as a Status. Cached under `shown` for `ttl`.
Response CachedList(ThreadServices* services, const Request& req, const std::vector<std::string>& shown, int ttl,
                    const std::function<Status(PageRequest* page, std::string* out)>& build);

// Moves the generation of `resource` after a committed write.
void MarkWritten(ThreadServices* services, const Request& req, const std::string& resource);
// Moves each of `resources` (one failed move does not stop the others).
void MarkWritten(ThreadServices* services, const Request& req, const std::set<std::string>& resources);

// The six routes of a resource: GET and POST on its collection, GET, PUT,
// PATCH and DELETE on its item.
template <class Context, const Resource& R>
struct ResourceRoutes {
  static Response List(Context& c, const Request& q, const PathParams&) { return ListResource(c.services, q, R); }
  static Response Get(Context& c, const Request& q, const PathParams& p) { return GetResource(c.services, q, p, R); }
  static Response Create(Context& c, const Request& q, const PathParams&) { return CreateResource(c.services, q, R); }
  static Response Update(Context& c, const Request& q, const PathParams& p) {
    return UpdateResource(c.services, q, p, R);
  }
  static Response Delete(Context& c, const Request& q, const PathParams& p) {
    return DeleteResource(c.services, q, p, R);
  }

  // `list` replaces the generic list (a search of its own).
  static void AddTo(std::vector<typename Router<Context>::Route>* routes, typename Router<Context>::Handler list = List) {
    routes->push_back({"GET", R.collection, list, R.reads});
    routes->push_back({"POST", R.collection, Create, Access::kPrivileged});
    routes->push_back({"GET", R.item, Get, R.reads});
    routes->push_back({"PUT", R.item, Update, Access::kPrivileged});
    routes->push_back({"PATCH", R.item, Update, Access::kPrivileged});
    routes->push_back({"DELETE", R.item, Delete, Access::kPrivileged});
  }
};

// What a group of resources needs per thread: its services.
struct ServicesContext {
  ThreadServices* services;
};

// A handler group that serves the resources `Rs`, in that order.
template <const Resource&... Rs>
GroupDefinition ResourceGroup(std::string name) {
  static const Router<ServicesContext> router([] {
    std::vector<Router<ServicesContext>::Route> routes;
    (ResourceRoutes<ServicesContext, Rs>::AddTo(&routes), ...);
    return routes;
  }());
  return RoutedGroup<ServicesContext>(
      std::move(name), []() -> const Router<ServicesContext>& { return router; },
      [](ThreadServices* services) { return ServicesContext{services}; });
}

}  // namespace zf

#endif  // ZUFANG_SHARED_RESOURCE_RESOURCE_H_
