#include "resource/audit.h"

namespace zf {

Status WriteAudit(Db& tx, const Request& req, std::string_view table, std::string_view row_id,
                  const std::optional<std::string>& before_json, const std::optional<std::string>& after_json) {
  return tx.Execute(
      "INSERT INTO tb_audit (userid, method, path, table_name, row_id, before_json, after_json, request_id) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {req.userid != 0 ? Param(static_cast<long long>(req.userid)) : Param::Null(), Param(req.method),
       Param(req.raw_path.substr(0, 512)), Param(std::string(table)), Param(std::string(row_id)),
       before_json ? Param(*before_json) : Param::Null(), after_json ? Param(*after_json) : Param::Null(),
       Param(req.request_id)});
}

}  // namespace zf
