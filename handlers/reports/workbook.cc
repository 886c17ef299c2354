#include "workbook.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <map>

#include "base/messages.h"
#include "report_format.h"

namespace zf::reports {

namespace {

enum class Kind { kInt, kText, kDate, kBool };

struct Column {
  Msg header;
  double width;
  Kind kind;
};

// One sheet written row by row; closes (and on failure removes) the file.
class Sheet {
 public:
  Sheet(const std::string& path, const std::string& tmpdir, Msg name, const std::vector<Column>& columns)
      : path_(path), tmpdir_(tmpdir), columns_(columns) {
    lxw_workbook_options options = {};
    options.constant_memory = LXW_TRUE;
    options.tmpdir = tmpdir_.data();
    options.use_zip64 = LXW_TRUE;
    book_ = workbook_new_opt(path_.c_str(), &options);
    if (book_ == nullptr) return;
    sheet_ = workbook_add_worksheet(book_, Message(name).c_str());
    header_ = workbook_add_format(book_);
    format_set_bold(header_);
    format_set_bg_color(header_, 0xF2F2F2);
    format_set_bottom(header_, LXW_BORDER_THIN);
    date_ = workbook_add_format(book_);
    format_set_num_format(date_, "yyyy-mm-dd");
    for (size_t c = 0; c < columns_.size(); ++c) {
      lxw_col_t col = static_cast<lxw_col_t>(c);
      worksheet_set_column(sheet_, col, col, columns_[c].width, columns_[c].kind == Kind::kDate ? date_ : nullptr);
    }
    worksheet_freeze_panes(sheet_, 1, 0);
    for (size_t c = 0; c < columns_.size(); ++c) {
      Check(worksheet_write_string(sheet_, 0, static_cast<lxw_col_t>(c), Message(columns_[c].header).c_str(), header_));
    }
  }
  ~Sheet() {
    if (book_ != nullptr) {
      workbook_close(book_);
      unlink(path_.c_str());
    }
  }
  Sheet(const Sheet&) = delete;
  Sheet& operator=(const Sheet&) = delete;

  bool ok() const { return book_ != nullptr && sheet_ != nullptr && error_ == LXW_NO_ERROR; }

  // The next row; `cells[i]` as columns_[i].kind says (NULL: an empty cell).
  void AddRow(const Row& row, const std::vector<size_t>& fields, const std::vector<std::string>& extra) {
    ++row_;
    for (size_t c = 0; c < columns_.size(); ++c) {
      const std::string* value;
      bool null = false;
      if (c < fields.size()) {
        null = row.IsNull(fields[c]);
        value = &row.Str(fields[c]);
      } else {
        value = &extra[c - fields.size()];
      }
      if (null) continue;
      lxw_col_t col = static_cast<lxw_col_t>(c);
      switch (columns_[c].kind) {
        case Kind::kInt:
          Check(worksheet_write_number(sheet_, row_, col, static_cast<double>(std::strtoll(value->c_str(), nullptr, 10)),
                                       nullptr));
          break;
        case Kind::kBool: Check(worksheet_write_boolean(sheet_, row_, col, *value != "0" && !value->empty(), nullptr)); break;
        case Kind::kDate: {
          int y, m, d;
          if (ParseDate(*value, &y, &m, &d)) {
            lxw_datetime dt = {y, m, d, 0, 0, 0.0};
            Check(worksheet_write_datetime(sheet_, row_, col, &dt, date_));
          } else {
            Check(worksheet_write_string(sheet_, row_, col, CellText(*value).c_str(), nullptr));
          }
          break;
        }
        case Kind::kText:
          if (!value->empty()) Check(worksheet_write_string(sheet_, row_, col, CellText(*value).c_str(), nullptr));
          break;
      }
    }
  }

  // Writes the file; OK when it is complete at path_.
  Status Close() {
    if (book_ == nullptr) return Status::Internal("workbook " + path_ + ": cannot create it");
    worksheet_autofilter(sheet_, 0, 0, row_, static_cast<lxw_col_t>(columns_.size() - 1));
    lxw_error closed = workbook_close(book_);
    book_ = nullptr;
    if (error_ == LXW_NO_ERROR) error_ = closed;
    if (error_ != LXW_NO_ERROR) {
      unlink(path_.c_str());
      return Status::Internal("workbook " + path_ + ": " + lxw_strerror(error_));
    }
    return Status::Ok();
  }

  Status Failed() const { return Status::Internal("workbook " + path_ + ": " + lxw_strerror(error_)); }

 private:
  void Check(lxw_error e) {
    if (e != LXW_NO_ERROR && error_ == LXW_NO_ERROR) error_ = e;
  }

  std::string path_;
  std::string tmpdir_;
  std::vector<Column> columns_;
  lxw_workbook* book_ = nullptr;
  lxw_worksheet* sheet_ = nullptr;
  lxw_format* header_ = nullptr;
  lxw_format* date_ = nullptr;
  lxw_row_t row_ = 0;
  lxw_error error_ = LXW_NO_ERROR;
};

// "?,?,…" for `n` ids, and the ids as parameters.
std::string Placeholders(const std::vector<int64_t>& ids, std::vector<Param>* params) {
  std::string in;
  for (size_t i = 0; i < ids.size(); ++i) {
    in += i == 0 ? "?" : ",?";
    params->emplace_back(static_cast<long long>(ids[i]));
  }
  return in;
}

// "a、b、c" of each id's names, from (id, name) rows in `order`.
Status JoinedNames(Db& db, const std::string& sql_head, const std::vector<int64_t>& ids, const std::string& order,
                   std::map<int64_t, std::string>* out) {
  out->clear();
  if (ids.empty()) return Status::Ok();
  std::vector<Param> params;
  std::string sql = sql_head + "(" + Placeholders(ids, &params) + ") ORDER BY " + order;
  Rows rows;
  Status s = db.Query(sql, params, &rows);
  if (!s.ok()) return s;
  for (const Row& r : rows) {
    std::string& joined = (*out)[r.Int(0)];
    if (!joined.empty()) joined += Message(Msg::kReportListSeparator);
    joined += r.Str(1);
  }
  return Status::Ok();
}

const std::vector<Column> kListingColumns = {
    {Msg::kReportColId, 8, Kind::kInt},      {Msg::kReportColTitle, 40, Kind::kText},    {Msg::kReportColCity, 10, Kind::kText},
    {Msg::kReportColCounty, 10, Kind::kText},    {Msg::kReportColStreet, 24, Kind::kText},    {Msg::kReportColType, 8, Kind::kText},
    {Msg::kReportColArea, 9, Kind::kInt},  {Msg::kReportColFloor, 6, Kind::kInt},      {Msg::kReportColTotalFloor, 7, Kind::kInt},
    {Msg::kReportColDirection, 8, Kind::kText},     {Msg::kReportColPrice, 9, Kind::kInt},      {Msg::kReportColPriceUnit, 9, Kind::kText},
    {Msg::kReportColPubdate, 12, Kind::kDate}, {Msg::kReportColSubway, 7, Kind::kBool},   {Msg::kReportColShared, 6, Kind::kBool},
    {Msg::kReportColAgentFees, 7, Kind::kBool},   {Msg::kReportColEstate, 18, Kind::kText},    {Msg::kReportColAgent, 10, Kind::kText},
    {Msg::kReportColTags, 24, Kind::kText},
};

}  // namespace

Status WriteListingsWorkbook(Db& db, const std::string& where, const std::vector<Param>& params,
                             const std::string& path, const std::string& tmpdir,
                             const std::function<void()>& progress, int64_t* rows_written) {
  *rows_written = 0;
  Sheet sheet(path, tmpdir, Msg::kReportListingsSheet, kListingColumns);
  if (!sheet.ok()) return Status::Internal("workbook " + path + ": cannot create it");
  // The ids first, on whatever index serves the filters in houseid order,
  // then only the batch's rows joined.
  const std::string sql =
      "SELECT x.houseid, x.title, c.name, d.name, x.street, t.name, x.area, x.floor, x.totalfloor, x.direction, "
      "x.price, x.priceunit, x.pubdate, x.hassubway, x.isshared, x.hasagentfees, e.name, a.name "
      "FROM (SELECT h.houseid FROM tb_house_info h WHERE h.houseid > ?" + where +
      " ORDER BY h.houseid LIMIT " + std::to_string(kBatchRows) + ") AS p "
      "JOIN tb_house_info x ON x.houseid = p.houseid "
      "JOIN tb_district c ON c.distid = x.distid2 JOIN tb_district d ON d.distid = x.distid3 "
      "JOIN tb_house_type t ON t.typeid = x.typeid "
      "LEFT JOIN tb_estate e ON e.estateid = x.estateid LEFT JOIN tb_agent a ON a.agentid = x.agentid "
      "ORDER BY x.houseid";
  const std::vector<size_t> fields = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
  long long after = 0;
  for (;;) {
    std::vector<Param> batch_params = {Param(after)};
    batch_params.insert(batch_params.end(), params.begin(), params.end());
    Rows rows;
    Status s = db.Query(sql, batch_params, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) break;
    std::vector<int64_t> ids;
    ids.reserve(rows.size());
    for (const Row& r : rows) ids.push_back(r.Int(0));
    // The batch's tags: as one range of tb_house_tag's unique key when the
    // batch's ids are dense (no filter, or a broad one), else by the list of
    // ids, so a sparse filter never reads (and holds) the tags of the many
    // listings between its own.
    std::map<int64_t, std::string> tags;
    Rows tag_rows;
    const std::string tag_sql = "SELECT ht.houseid, t.content FROM tb_house_tag ht JOIN tb_tag t ON t.tagid = ht.tagid WHERE ";
    if (ids.back() - ids.front() < 2 * static_cast<int64_t>(ids.size())) {
      s = db.Query(tag_sql + "ht.houseid BETWEEN ? AND ? ORDER BY ht.houseid, t.tagid",
                   {Param(static_cast<long long>(ids.front())), Param(static_cast<long long>(ids.back()))}, &tag_rows);
    } else {
      std::vector<Param> id_params;
      std::string in = Placeholders(ids, &id_params);
      s = db.Query(tag_sql + "ht.houseid IN (" + in + ") ORDER BY ht.houseid, t.tagid", id_params, &tag_rows);
    }
    if (!s.ok()) return s;
    {
      size_t next = 0;  // ids and tag_rows both ascend
      for (const Row& r : tag_rows) {
        int64_t id = r.Int(0);
        while (next < ids.size() && ids[next] < id) ++next;
        if (next == ids.size() || ids[next] != id) continue;
        std::string& joined = tags[id];
        if (!joined.empty()) joined += Message(Msg::kReportListSeparator);
        joined += r.Str(1);
      }
    }
    for (const Row& r : rows) {
      auto it = tags.find(r.Int(0));
      sheet.AddRow(r, fields, {it == tags.end() ? std::string() : it->second});
    }
    if (!sheet.ok()) return sheet.Failed();
    *rows_written += static_cast<int64_t>(rows.size());
    after = rows.back().Int(0);
    if (progress) progress();
    if (static_cast<int>(rows.size()) < kBatchRows) break;
  }
  return sheet.Close();
}

namespace {

const std::vector<Column> kAgentColumns = {
    {Msg::kReportColId, 8, Kind::kInt},      {Msg::kReportColName, 12, Kind::kText},     {Msg::kReportColTel, 14, Kind::kText},
    {Msg::kReportColServStar, 9, Kind::kInt},  {Msg::kReportColRealStar, 9, Kind::kInt},   {Msg::kReportColProfStar, 9, Kind::kInt},
    {Msg::kReportColCertificated, 7, Kind::kBool},   {Msg::kReportColEstates, 40, Kind::kText}, {Msg::kReportColListings, 9, Kind::kInt},
};

}  // namespace

Status WriteAgentsWorkbook(Db& db, const std::string& path, const std::string& tmpdir, int64_t* rows_written) {
  *rows_written = 0;
  Sheet sheet(path, tmpdir, Msg::kReportAgentsSheet, kAgentColumns);
  if (!sheet.ok()) return Status::Internal("workbook " + path + ": cannot create it");
  const std::string sql =
      "SELECT agentid, name, tel, servstar, realstar, profstar, certificated FROM tb_agent WHERE agentid > ? "
      "ORDER BY agentid LIMIT " + std::to_string(kBatchRows);
  const std::vector<size_t> fields = {0, 1, 2, 3, 4, 5, 6};
  long long after = 0;
  for (;;) {
    Rows rows;
    Status s = db.Query(sql, {Param(after)}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) break;
    std::vector<int64_t> ids;
    for (const Row& r : rows) ids.push_back(r.Int(0));
    std::map<int64_t, std::string> estates, listings;
    s = JoinedNames(db,
                    "SELECT ae.agentid, e.name FROM tb_agent_estate ae JOIN tb_estate e ON e.estateid = ae.estateid "
                    "WHERE ae.agentid IN ",
                    ids, "ae.agentid, e.hot DESC, e.estateid", &estates);
    if (!s.ok()) return s;
    std::vector<Param> count_params;
    std::string in = Placeholders(ids, &count_params);
    Rows counts;
    s = db.Query("SELECT agentid, COUNT(*) FROM tb_house_info WHERE agentid IN (" + in + ") GROUP BY agentid",
                 count_params, &counts);
    if (!s.ok()) return s;
    for (const Row& r : counts) listings[r.Int(0)] = r.Str(1);
    for (const Row& r : rows) {
      auto e = estates.find(r.Int(0));
      auto l = listings.find(r.Int(0));
      sheet.AddRow(r, fields, {e == estates.end() ? std::string() : e->second, l == listings.end() ? "0" : l->second});
    }
    if (!sheet.ok()) return sheet.Failed();
    *rows_written += static_cast<int64_t>(rows.size());
    after = rows.back().Int(0);
    if (static_cast<int>(rows.size()) < kBatchRows) break;
  }
  return sheet.Close();
}

}  // namespace zf::reports
