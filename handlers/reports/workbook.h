// The reports' workbooks: real XLSX files written by libxlsxwriter in its
// constant_memory mode (each row goes to a temporary file as soon as the
// next begins; nothing but the current row is held), from rows read in
// batches of kBatchRows in primary-key order (keyset pages: no result set
// of the whole table is held either). So a million listings cost the memory
// of one batch and one row, whatever the table's size.
//
// Every workbook: one sheet, a bold header row frozen above the rows, an
// autofilter over the header, widths per column, typed cells: numbers as
// numbers, dates as dates (format yyyy-mm-dd), yes/no as booleans, text
// cleaned for the file (report_format.h CellText).
//
//   listings  编号 标题 城市 区县 街道 户型 面积(㎡) 楼层 总楼层 朝向 租金
//             租金单位 发布日期 近地铁 合租 中介费 楼盘 经纪人 标签
//             (tags joined with "、"), in houseid order
//   agents    编号 姓名 电话 服务星级 真实星级 专业星级 已认证 服务楼盘
//             房源数, in agentid order
//
// The file is written at `path` (created or replaced), the library's row
// files in `tmpdir`. A failure leaves no file at `path`.
#ifndef ZUFANG_HANDLERS_REPORTS_WORKBOOK_H_
#define ZUFANG_HANDLERS_REPORTS_WORKBOOK_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "data/db.h"

namespace zf::reports {

constexpr int kBatchRows = 2000;

// The listings matching `where` (" AND …" conditions on tb_house_info h,
// resource/listing_filter.h) with their parameters. `progress` (may be
// empty) is called after each batch (a job's keep_alive). *rows: the
// listings written.
Status WriteListingsWorkbook(Db& db, const std::string& where, const std::vector<Param>& params,
                             const std::string& path, const std::string& tmpdir,
                             const std::function<void()>& progress, int64_t* rows);

// Every agent, with the estates it serves and its listings' count.
Status WriteAgentsWorkbook(Db& db, const std::string& path, const std::string& tmpdir, int64_t* rows);

}  // namespace zf::reports

#endif  // ZUFANG_HANDLERS_REPORTS_WORKBOOK_H_
