#include "resource/resource.h"

#include <limits>
#include <map>
#include <utility>

#include "app/fcgi_server.h"
#include "http/body.h"
#include "http/pagination.h"
#include "resource/audit.h"
#include "resource/handler_kit.h"

namespace zf {

namespace {

// The fields a write's body gave, in the descriptor's order, and each key
// as the client wrote it (for 无效主键 “…”).
struct Given {
  std::vector<std::pair<const Field*, Param>> values;
  std::map<std::string, std::string> as_written;
  WriteExtras extras;
};

Param FromRow(const Row& row, size_t i, FieldType type) {
  if (row.IsNull(i)) return Param::Null();
  switch (type) {
    case FieldType::kText: return Param(row.Str(i));
    case FieldType::kBool: return Param(row.Bool(i) ? 1 : 0);
    default: return Param(static_cast<long long>(row.Int(i)));
  }
}

std::string Columns(const Resource& r, const std::vector<const Field*>& fields) {
  std::string sql;
  for (const Field* f : fields) sql += (sql.empty() ? "" : ", ") + std::string(f->column);
  (void)r;
  return sql;
}

std::vector<const Field*> AllFields(const Resource& r) {
  std::vector<const Field*> v;
  for (const Field& f : r.fields) v.push_back(&f);
  return v;
}

Param IdParam(int64_t id) { return Param(static_cast<long long>(id)); }

// ---- Reading a write's body --------------------------------------------------------

void ReadField(const Json::Value& body, const Field& f, bool creating, bool partial, FieldErrors* errors,
               Given* given) {
  bool required = (f.rules & kRequired) != 0 && !partial;
  const std::string name = f.name;
  if ((f.rules & kPrimaryKey) != 0) {
    if ((f.rules & kClientKey) == 0) return;  // read-only, ignored as DRF does
    int64_t v = 0;
    // Checked on every write, as DRF validates it; a key names its row and never moves.
    if (ReadInt(body, name, creating, kInt32Min, kInt32Max, errors, &v) && creating) {
      given->values.emplace_back(&f, Param(static_cast<long long>(v)));
    }
    return;
  }
  switch (f.type) {
    case FieldType::kText: {
      const Json::Value* v = body.isMember(name) ? &body[name] : nullptr;
      if ((f.rules & kBlankable) != 0 && v != nullptr && v->isString() &&
          v->asString().find_first_not_of(" \t\n\r\f\v") == std::string::npos) {
        given->values.emplace_back(&f, Param(std::string()));
        return;
      }
      std::string text;
      if (ReadString(body, name, required, f.max_length, errors, &text)) given->values.emplace_back(&f, Param(text));
      return;
    }
    case FieldType::kInt: {
      int64_t v = 0;
      if (ReadInt(body, name, required, kInt32Min, kInt32Max, errors, &v)) {
        given->values.emplace_back(&f, Param(static_cast<long long>(v)));
      }
      return;
    }
    case FieldType::kBool: {
      bool v = false;
      if (ReadBool(body, name, required, errors, &v)) given->values.emplace_back(&f, Param(v ? 1 : 0));
      return;
    }
    case FieldType::kKey: {
      if ((f.rules & kNullable) != 0 && body.isMember(name) && body[name].isNull()) {
        given->values.emplace_back(&f, Param::Null());
        return;
      }
      bool wide = (f.rules & kWideKey) != 0;
      int64_t v = 0;
      if (ReadInt(body, name, required, wide ? std::numeric_limits<int64_t>::min() : kInt32Min,
                  wide ? std::numeric_limits<int64_t>::max() : kInt32Max, errors, &v)) {
        given->values.emplace_back(&f, Param(static_cast<long long>(v)));
        given->as_written[name] = body[name].asString();  // strings as sent, numbers as Python prints them
      }
      return;
    }
  }
}

void ReadFields(const Json::Value& body, const Resource& r, bool creating, bool partial, size_t max_list_items,
                FieldErrors* errors, Given* given) {
  for (const Field& f : r.fields) ReadField(body, f, creating, partial, errors, given);
  // A list past the limit is one error, and none of its items is read or
  // looked up: the time a body holds a thread and the answer's size stay
  // bounded whatever the body's size.
  bool too_long = false;
  for (const std::string& name : r.list_body_fields) {
    if (body.isMember(name) && body[name].isArray() && body[name].size() > max_list_items) {
      errors->Add(name, Msg::kListTooLong, std::to_string(max_list_items));
      too_long = true;
    }
  }
  if (r.hooks.read_extras != nullptr && !too_long) r.hooks.read_extras(body, errors, &given->extras);
}

size_t MaxListItems(ThreadServices* services) { return services->process()->settings().limits.max_list_items; }

// 无效主键 under each key field whose row does not exist.
Status CheckKeys(Db& db, const Resource& r, const Given& given, FieldErrors* errors) {
  for (const auto& [field, value] : given.values) {
    if (field->type != FieldType::kKey || value.type() == Param::Type::kNull) continue;
    bool exists = false;
    if (value.int_value() >= kInt32Min && value.int_value() <= kInt32Max) {
      Rows rows;
      Status s = db.Query(std::string("SELECT 1 FROM ") + field->ref_table + " WHERE " + field->ref_key + " = ?",
                          {value}, &rows);
      if (!s.ok()) return s;
      exists = !rows.empty();
    }
    if (!exists) errors->Add(field->name, Msg::kNoSuchPrimaryKey, given.as_written.at(field->name));
  }
  if (r.hooks.check_extras != nullptr) return r.hooks.check_extras(db, given.extras, errors);
  return Status::Ok();
}

// The answer of a write (and the audit's shape) for row `id`.
Status RenderRecord(Db& tx, const Resource& r, int64_t id, const Record& row, std::string* out) {
  if (r.hooks.written != nullptr) return r.hooks.written(tx, r, id, row, out);
  *out = RecordJson(r, row);
  return Status::Ok();
}

// As RenderRecord, reading the row first (after it was written).
Status RenderWritten(Db& tx, const Resource& r, int64_t id, std::string* out) {
  Record row;
  Status s = FindRecord(tx, r, id, false, &row);
  return s.ok() ? RenderRecord(tx, r, id, row, out) : s;
}

// The rest of a create or update once the row is written: the hook, the
// answer (read back from the row) and the audit record.
Status FinishSave(Db& tx, const Resource& r, const Request& req, int64_t id, const WriteExtras& extras,
                  const std::optional<std::string>& before, std::string* after) {
  if (r.hooks.after_save != nullptr) {
    Status s = r.hooks.after_save(tx, req, id, extras);
    if (!s.ok()) return s;
  }
  Status s = RenderWritten(tx, r, id, after);
  if (!s.ok()) return s;
  return WriteAudit(tx, req, r.table, std::to_string(id), before, *after);
}

// What the database refused, said as the contract says it.
Status ClientView(ThreadServices* services, const Resource& r, const Given& given, const Status& s) {
  if (s.field_errors() != nullptr) return s;
  if (s.code() == Status::Code::kConflict) {
    for (const Field& f : r.fields) {
      if ((f.rules & kUnique) != 0) return Status::InvalidField(f.name, Msg::kNotUnique);
    }
  }
  if (s.code() == Status::Code::kInvalidArgument) {
    // A referred row went away between the check and the write: say which.
    Db db(services->db());
    FieldErrors errors;
    Status checked = CheckKeys(db, r, given, &errors);
    if (!checked.ok()) return checked;
    if (!errors.empty()) return Status::Invalid(std::move(errors));
  }
  return s;
}

// Adds the generations a write of row `id` moves (the hook's, else the
// resource's own) to *moved.
Status AddWrittenGenerations(Db& tx, const Resource& r, int64_t id, WriteStage stage, WriteEffects* moved) {
  if (r.hooks.written_generations == nullptr) {
    moved->generations.insert(r.name);
    return Status::Ok();
  }
  return r.hooks.written_generations(tx, id, stage, moved);
}

// After the write committed: its generations, then the resource's announcement.
void Announce(ThreadServices* services, const Request& req, const Resource& r, const WriteEffects& moved) {
  MarkWritten(services, req, moved.generations);
  if (r.hooks.announce_write != nullptr) r.hooks.announce_write(services, req, moved);
}

// The answer to a create or update whose transaction returned `s`.
Response Saved(ThreadServices* services, const Request& req, const Resource& r, const Given& given, const Status& s,
               int http_status, const std::string& after, const WriteEffects& moved) {
  if (!s.ok()) return LoggedError(ClientView(services, r, given, s), req);
  Announce(services, req, r, moved);
  return Response::Json(http_status, after);
}

Status ParseResourceBody(const Request& req, const Resource& r, Json::Value* body) {
  std::set<std::string> lists(r.list_body_fields.begin(), r.list_body_fields.end());
  return ParseBody(req, body, lists);
}

// DRF looks the row up (and checks its object permissions) before it reads
// the body: a refused body for a row that does not exist is 404, for an
// owned row of someone else 403. Asked only when refused.
Response RefusedUnlessMissing(ThreadServices* services, const Request& req, const Resource& r, int64_t id,
                              const Status& refusal) {
  Db db(services->db());
  Record ignored;
  // An owned row's stranger gets the 403 before any word about the body.
  Status s = r.owned_by.any() ? MayChange(db, r, req, id) : FindRecord(db, r, id, false, &ignored);
  return LoggedError(s.ok() ? refusal : s, req);
}

std::string InsertSql(const Resource& r, const Given& given, const Request& req, std::vector<Param>* params) {
  std::string columns, marks;
  for (const auto& [column, expr] : r.insert_extras) {
    columns += (columns.empty() ? "" : ", ") + std::string(column);
    marks += (marks.empty() ? "" : ", ") + std::string(expr);
    if (std::string(expr) == "?") params->push_back(IdParam(req.userid));
  }
  for (const auto& [field, value] : given.values) {
    columns += (columns.empty() ? "" : ", ") + std::string(field->column);
    marks += marks.empty() ? "?" : ", ?";
    params->push_back(value);
  }
  return std::string("INSERT INTO ") + r.table + " (" + columns + ") VALUES (" + marks + ")";
}

}  // namespace

const Field* Resource::FieldNamed(const std::string& field_name) const {
  for (const Field& f : fields) {
    if (field_name == f.name) return &f;
  }
  return nullptr;
}

bool RowId(const PathParams& params, const char* name, int64_t* id) {
  return params.GetId(name, id) && *id <= kInt32Max;
}

Status QueryOne(Db& db, const std::string& sql, int64_t id, const char* noun, Row* out) {
  Rows rows;
  Status s = db.Query(sql, {IdParam(id)}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound(noun);
  *out = std::move(rows[0]);
  return Status::Ok();
}

Status FindRecord(Db& db, const Resource& r, int64_t id, bool for_update, Record* out) {
  Rows rows;
  Status s = db.Query("SELECT " + Columns(r, AllFields(r)) + " FROM " + r.table + " WHERE " + r.key().column +
                          " = ?" + (for_update ? " FOR UPDATE" : ""),
                      {IdParam(id)}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound(r.noun);
  out->clear();
  for (size_t i = 0; i < r.fields.size(); ++i) out->push_back(FromRow(rows[0], i, r.fields[i].type));
  return Status::Ok();
}

Status MayChange(Db& db, const Resource& r, const Request& req, int64_t id) {
  if (!r.owned_by.any()) return Status::Ok();
  const OwnerRule& rule = r.owned_by;
  Param caller = IdParam(req.userid);
  std::vector<Param> params;
  std::string test;
  if (rule.user_column != nullptr) {
    test += std::string("o.") + rule.user_column + " = ?";
    params.push_back(caller);
  }
  if (rule.agent_column != nullptr) {
    test += std::string(test.empty() ? "" : " OR ") +
            "EXISTS (SELECT 1 FROM tb_agent a JOIN tb_user u ON u.tel = a.tel WHERE a.agentid = o." +
            rule.agent_column + " AND u.userid = ?)";
    params.push_back(caller);
  }
  test += " OR EXISTS (SELECT 1 FROM tb_user_role ur WHERE ur.userid = ? AND ur.roleid = ?)";
  params.push_back(caller);
  params.push_back(IdParam(kAdministratorRole));
  params.push_back(IdParam(id));
  Rows rows;
  Status s = db.Query("SELECT " + test + " FROM " + r.table + " o WHERE o." + r.key().column + " = ?", params, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::NotFound(r.noun);
  if (!rows[0].Bool(0)) return Status::PermissionDenied(std::string("not an owner of this ") + r.noun);
  return Status::Ok();
}

void WriteValue(JsonWriter* w, FieldType type, const Param& v) {
  if (v.type() == Param::Type::kNull) {
    w->Null();
  } else if (type == FieldType::kText) {
    w->String(v.string_value());
  } else if (type == FieldType::kBool) {
    w->Bool(v.int_value() != 0);
  } else {
    w->Int(v.int_value());
  }
}

void WriteRef(JsonWriter* w, const char* key, const char* id_key, const Row& row, size_t id_column) {
  w->Key(key);
  if (row.IsNull(id_column)) {
    w->Null();
    return;
  }
  w->BeginObject().Key(id_key).Int(row.Int(id_column)).Key("name").String(row.Str(id_column + 1)).EndObject();
}

std::string RecordJson(const Resource& r, const Record& row) {
  JsonWriter w;
  w.BeginObject();
  for (size_t i = 0; i < r.fields.size(); ++i) {
    w.Key(r.fields[i].name);
    WriteValue(&w, r.fields[i].type, row[i]);
  }
  w.EndObject();
  return w.Take();
}

void MarkWritten(ThreadServices* services, const Request& req, const std::string& resource) {
  BumpGeneration(services->memcached(), services->cache_prefix(), resource, req.request_id);
}

void MarkWritten(ThreadServices* services, const Request& req, const std::set<std::string>& resources) {
  for (const std::string& resource : resources) MarkWritten(services, req, resource);
}

// ---- Reads -------------------------------------------------------------------------

Response CachedList(ThreadServices* services, const Request& req, const std::vector<std::string>& shown, int ttl,
                    const std::function<Status(PageRequest* page, std::string* out)>& build) {
  PageRequest page;
  if (!ParsePage(req.query, &page).ok()) return ErrorResponse(Status::InvalidPage());
  // Links in the body are absolute: the variant is the whole request URL.
  std::string variant = "list:" + req.scheme + "://" + req.host + req.raw_path + "?" + req.raw_query;
  return CachedGet(services, req, shown, variant, ttl, [&](std::string* out) { return build(&page, out); });
}

Response ListResource(ThreadServices* services, const Request& req, const Resource& r) {
  const ListSpec& spec = r.list;
  // Filters first: django-filter runs before the paginator.
  FieldErrors errors;
  std::string where;
  std::vector<Param> params;
  for (const Filter& f : spec.filters) {
    std::string test;
    if (f.kind == Filter::kNumber) {
      std::optional<double> v = NumberFilter(req.query, f.name, &errors);
      if (!v) continue;
      test = std::string(f.column) + " " + f.op + " ?";
      params.emplace_back(*v);
    } else {
      std::optional<std::string> v = TextFilter(req.query, f.name);
      if (!v) continue;
      // Django's startswith on MySQL: a case-sensitive LIKE, wildcards escaped.
      test = std::string(f.column) + " LIKE BINARY ? ESCAPE '\\\\'";
      params.emplace_back(LikePattern(*v, false, true));
    }
    where += (where.empty() ? " WHERE " : " AND ") + test;
  }
  if (!errors.empty()) return ErrorResponse(Status::Invalid(std::move(errors)));
  std::string order = !spec.orderings.empty()
                          ? OrderByClause(req.query, spec.orderings, spec.default_ordering, r.key().column)
                          : spec.fixed_order != nullptr ? spec.fixed_order
                                                        : std::string(" ORDER BY ") + r.key().column;
  std::vector<const Field*> shows;
  for (const char* name : spec.shows) shows.push_back(r.FieldNamed(name));
  std::string select = "SELECT " + Columns(r, shows) + " FROM " + r.table + where + order;
  auto render = [&](const Rows& rows) {
    JsonWriter w;
    w.BeginArray();
    for (const Row& row : rows) {
      w.BeginObject();
      for (size_t i = 0; i < shows.size(); ++i) {
        w.Key(shows[i]->name);
        WriteValue(&w, shows[i]->type, FromRow(row, i, shows[i]->type));
      }
      w.EndObject();
    }
    w.EndArray();
    return w.Take();
  };
  if (!spec.paginated) {
    return CachedGet(services, req, r.shown, "list", spec.ttl, [&](std::string* out) {
      Db db(services->db());
      Rows rows;
      Status s = db.Query(select, params, &rows);
      if (s.ok()) *out = render(rows);
      return s;
    });
  }
  return CachedList(services, req, r.shown, spec.ttl, [&](PageRequest* page, std::string* out) {
    Db db(services->db());
    Rows rows;
    Status s = db.Query(std::string("SELECT COUNT(*) FROM ") + r.table + where, params, &rows);
    if (!s.ok()) return s;
    int64_t count = rows[0].Int(0);
    s = ResolvePage(count, page);
    if (!s.ok()) return Status::InvalidPage();
    std::vector<Param> page_params = params;
    page_params.emplace_back(page->size);
    page_params.emplace_back(static_cast<long long>(PageOffset(*page)));
    s = db.Query(select + " LIMIT ? OFFSET ?", page_params, &rows);
    if (!s.ok()) return s;
    *out = RenderPage(req, *page, count, render(rows));
    return Status::Ok();
  });
}

Response GetResource(ThreadServices* services, const Request& req, const PathParams& params, const Resource& r) {
  int64_t id = 0;
  if (!RowId(params, "id", &id)) return ErrorResponse(Status::NotFound(r.noun));
  auto build = [&](std::string* out) {
    Db db(services->db());
    if (r.hooks.detail != nullptr) return r.hooks.detail(db, id, out);
    Record row;
    Status s = FindRecord(db, r, id, false, &row);
    if (s.ok()) *out = RecordJson(r, row);
    return s;
  };
  if (r.detail_ttl == 0) {
    std::string body;
    Status s = build(&body);
    if (!s.ok()) return LoggedError(s, req);
    return Response::Json(200, std::move(body));
  }
  const std::vector<std::string> shown = r.hooks.detail_generations != nullptr ? r.hooks.detail_generations(id) : r.shown;
  return CachedGet(services, req, shown, "detail:" + std::to_string(id), r.detail_ttl, build);
}

// ---- Writes ------------------------------------------------------------------------

Response CreateResource(ThreadServices* services, const Request& req, const Resource& r) {
  Json::Value body;
  if (Status s = ParseResourceBody(req, r, &body); !s.ok()) return ErrorResponse(s);
  FieldErrors errors;
  Given given;
  ReadFields(body, r, true, false, MaxListItems(services), &errors, &given);
  if (r.keys_after_fields && !errors.empty()) return ErrorResponse(Status::Invalid(std::move(errors)));
  Db db(services->db());
  std::string after;
  WriteEffects moved;
  // Everything an attempt makes (its id above all) lives inside the body:
  // Transaction() runs it again after a deadlock, and each run starts from
  // the request, never from the rolled-back attempt (tests/rights.sh).
  Status s = db.Transaction([&](Db& tx) {
    moved = WriteEffects{};
    FieldErrors all = errors;  // the body's, then the keys' (a retried transaction starts again)
    Status st = CheckKeys(tx, r, given, &all);
    if (!st.ok()) return st;
    if (!all.empty()) return Status::Invalid(std::move(all));
    std::vector<Param> params;
    uint64_t insert_id = 0;
    st = tx.Execute(InsertSql(r, given, req, &params), params, nullptr, &insert_id);
    if (!st.ok()) return st;
    int64_t id = static_cast<int64_t>(insert_id);
    for (const auto& [field, value] : given.values) {
      if (field == &r.key()) id = value.int_value();  // a key the client gave
    }
    st = FinishSave(tx, r, req, id, given.extras, std::nullopt, &after);
    if (!st.ok()) return st;
    return AddWrittenGenerations(tx, r, id, WriteStage::kAfter, &moved);
  }, r.write_isolation);
  return Saved(services, req, r, given, s, 201, after, moved);
}

Response UpdateResource(ThreadServices* services, const Request& req, const PathParams& params, const Resource& r) {
  int64_t id = 0;
  if (!RowId(params, "id", &id)) return ErrorResponse(Status::NotFound(r.noun));
  Json::Value body;
  if (Status s = ParseResourceBody(req, r, &body); !s.ok()) return RefusedUnlessMissing(services, req, r, id, s);
  FieldErrors errors;
  Given given;
  // PUT needs the required fields; the others keep their values when absent,
  // as a DRF update sets only what it validated. PATCH needs nothing.
  ReadFields(body, r, false, req.method == "PATCH", MaxListItems(services), &errors, &given);
  if (r.keys_after_fields && !errors.empty()) {
    return RefusedUnlessMissing(services, req, r, id, Status::Invalid(std::move(errors)));
  }
  Db db(services->db());
  std::string after;
  WriteEffects moved;
  Status s = db.Transaction([&](Db& tx) {
    moved = WriteEffects{};
    Record current;
    Status st = FindRecord(tx, r, id, true, &current);
    if (!st.ok()) return st;
    st = MayChange(tx, r, req, id);
    if (!st.ok()) return st;
    st = AddWrittenGenerations(tx, r, id, WriteStage::kBefore, &moved);  // the row as it was: where it leaves
    if (!st.ok()) return st;
    FieldErrors all = errors;
    st = CheckKeys(tx, r, given, &all);
    if (!st.ok()) return st;
    if (!all.empty()) return Status::Invalid(std::move(all));
    std::string before;
    st = RenderRecord(tx, r, id, current, &before);  // the row as just read, not read again
    if (!st.ok()) return st;
    if (!given.values.empty()) {
      std::string sql = std::string("UPDATE ") + r.table + " SET ";
      std::vector<Param> values;
      for (const auto& [field, value] : given.values) {
        sql += (values.empty() ? "" : ", ") + std::string(field->column) + " = ?";
        values.push_back(value);
      }
      sql += std::string(" WHERE ") + r.key().column + " = ?";
      values.push_back(IdParam(id));
      st = tx.Execute(sql, values);
      if (!st.ok()) return st;
    }
    st = FinishSave(tx, r, req, id, given.extras, before, &after);
    if (!st.ok()) return st;
    return AddWrittenGenerations(tx, r, id, WriteStage::kAfter, &moved);  // the row as written: where it arrives
  }, r.write_isolation);
  return Saved(services, req, r, given, s, 200, after, moved);
}

Response DeleteResource(ThreadServices* services, const Request& req, const PathParams& params, const Resource& r) {
  int64_t id = 0;
  if (!RowId(params, "id", &id)) return ErrorResponse(Status::NotFound(r.noun));
  Db db(services->db());
  WriteEffects moved;
  Status s = db.Transaction([&](Db& tx) {
    moved = WriteEffects{};
    Record current;
    Status st = FindRecord(tx, r, id, true, &current);
    if (!st.ok()) return st;
    st = MayChange(tx, r, req, id);
    if (!st.ok()) return st;
    st = AddWrittenGenerations(tx, r, id, WriteStage::kBefore, &moved);  // the row as it was
    if (!st.ok()) return st;
    std::string before;
    st = RenderRecord(tx, r, id, current, &before);  // the row as just read, not read again
    if (!st.ok()) return st;
    if (r.hooks.before_delete != nullptr) {
      st = r.hooks.before_delete(tx, req, id);
      if (!st.ok()) return st;
    }
    st = tx.Execute(std::string("DELETE FROM ") + r.table + " WHERE " + r.key().column + " = ?", {IdParam(id)});
    // A foreign key of another table's rows: nothing changes.
    if (st.code() == Status::Code::kInvalidArgument) return Status::StillReferenced(st.message());
    if (!st.ok()) return st;
    return WriteAudit(tx, req, r.table, std::to_string(id), before, std::nullopt);
  }, r.write_isolation);
  if (!s.ok()) return LoggedError(s, req);
  Announce(services, req, r, moved);
  return NoContent();
}

}  // namespace zf
