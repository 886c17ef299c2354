// DistrictStore: read access to tb_district, behind an interface so the
// handlers can be unit-tested with an in-memory table.
//
// Every call returns a Status: Unavailable when the database cannot be
// reached, NotFound from Find() for an unknown id. Lists come ordered by
// distid ascending.
#ifndef ZUFANG_HANDLERS_DISTRICTS_DISTRICT_STORE_H_
#define ZUFANG_HANDLERS_DISTRICTS_DISTRICT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "data/db.h"
#include "base/status.h"

namespace zf::districts {

struct DistrictRef {
  int64_t distid = 0;
  std::string name;
};

struct District {
  int64_t distid = 0;
  std::string name;
  std::optional<bool> ishot;          // NULL in the table renders as null
  std::optional<std::string> intro;
};

class DistrictStore {
 public:
  virtual ~DistrictStore() = default;
  // Rows without a parent (provinces).
  virtual Status Provinces(std::vector<DistrictRef>* out) = 0;
  virtual Status Find(int64_t distid, District* out) = 0;
  // Direct children of `distid` (empty for a county).
  virtual Status Children(int64_t distid, std::vector<DistrictRef>* out) = 0;
  // Rows marked ishot.
  virtual Status HotCities(std::vector<DistrictRef>* out) = 0;
};

// The real store; one per thread, sharing that thread's connections.
class MySqlDistrictStore : public DistrictStore {
 public:
  explicit MySqlDistrictStore(DbConnections* conns) : conns_(conns) {}
  Status Provinces(std::vector<DistrictRef>* out) override;
  Status Find(int64_t distid, District* out) override;
  Status Children(int64_t distid, std::vector<DistrictRef>* out) override;
  Status HotCities(std::vector<DistrictRef>* out) override;

 private:
  Status Refs(const char* sql, const std::vector<Param>& params, std::vector<DistrictRef>* out);
  DbConnections* conns_;
};

}  // namespace zf::districts

#endif  // ZUFANG_HANDLERS_DISTRICTS_DISTRICT_STORE_H_
