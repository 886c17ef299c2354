// zufang-gen-listings: fills tb_house_info (and tb_house_tag) with synthetic
// listings over the database's real reference rows, for benchmarks and for
// checking the list queries' plans on a realistic volume.
//
//   zufang-gen-listings [--count N] [--seed S] [--batch B] [--until YYYY-MM-DD]
//                       [--tags | --no-tags] [--truncate-generated]
//
//   --count N              listings to add (default 1000000; 0 with
//                          --truncate-generated only deletes)
//   --seed S               the same seed (and --until, and reference rows)
//                          gives the same listings (default 1)
//   --batch B              rows per transaction (default 2000); progress is
//                          printed on standard error after each one
//   --until YYYY-MM-DD     the newest pubdate (default today); pubdates span
//                          the three years before it
//   --no-tags              no tb_house_tag rows (default: 0-4 tags each)
//   --truncate-generated   first delete the listings an earlier run generated,
//                          with their tags, photos and browsing records
//
// Generated rows are marked by their file name: mainphoto is
// "gen-<28 hex digits>.jpg". Uploaded photos are named by the MD5 of their
// content (hex digits only), so no other row carries that prefix, and
// --truncate-generated deletes exactly the marked rows. Rows are added
// through AUTO_INCREMENT, never with chosen ids: existing listings (the demo
// data) keep theirs and are never touched.
//
// The shape of the data:
//  - a listing's county (distid3) is a tb_district row whose parent has a
//    parent, its city (distid2) that parent; cities without counties get none;
//  - cities by Zipf (exponent 1.2): hot cities first (北京, 上海, 深圳, 广州,
//    成都, … then any other hot city), then the other cities in a seeded
//    shuffle; counties within a city uniformly;
//  - house types weighted (two-room flats most common, villas rare); area by
//    type (单间 15-30 m², 别墅 200-600 m²); rent = area x price per m² by city
//    tier (the four first-tier cities, other hot cities, the rest) x a type
//    factor x noise, rounded to 50 元;
//  - an estate (weighted by hot) for most listings in counties that have
//    estates, NULL elsewhere; an agent for some (one serving the estate when
//    there is one); the owner a random tb_user;
//  - pubdates rising with the row number over three years (as ids and
//    publication dates rise together on a live site), a few days of jitter.
//
// The counts the search keeps (tb_house_count) follow through its triggers.
// Once done, the listings' bulk cache generation moves, so the running site's
// cached pages show the new rows at once.
//
// Settings as the handlers read them ($ZUFANG_ENV, mysql.*, memcached.*,
// cache.prefix). Exit status:
// 0 done; 1 a database error; 64 usage; 69 the database cannot be reached;
// 78 a bad setting.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "base/cli.h"
#include "resource/audit.h"
#include "data/cache.h"
#include "base/config.h"
#include "data/db.h"

namespace {

constexpr int kExitFailed = 1;

constexpr int kExitSoftware = 70;


constexpr int kRowsPerStatement = 500;        // 20 parameters each: 10,000 per statement
constexpr int kTagRowsPerStatement = 2000;    // 2 parameters each
constexpr int kDeleteChunk = 5000;
constexpr int kSpanDays = 3 * 365;
constexpr double kZipfExponent = 1.2;
constexpr size_t kMaxTitleChars = 50;         // tb_house_info.title is VARCHAR(50)
const char kMarkPrefix[] = "gen-";

const char kUsage[] =
    "usage: zufang-gen-listings [--count N] [--seed S] [--batch B] [--until YYYY-MM-DD]\n"
    "                           [--tags | --no-tags] [--truncate-generated]\n"
    "  adds N synthetic listings (default 1000000) over the real districts, estates,\n"
    "  agents, house types, users and tags; generated rows have mainphoto gen-*.jpg\n"
    "  settings from $ZUFANG_CONF_DIR/$ZUFANG_ENV.conf (ZUFANG_ENV defaults to local)\n";

// xoshiro256** seeded through splitmix64: the same stream on every platform
// (std:: distributions are not specified bit for bit).
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (uint64_t& s : s_) {
      seed += 0x9e3779b97f4a7c15ULL;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  uint64_t Next() {
    uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  int64_t Between(int64_t lo, int64_t hi) {                                 // [lo, hi]
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[static_cast<size_t>(Between(0, static_cast<int64_t>(v.size()) - 1))]; }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

// Index into a cumulative weight table.
size_t PickCumulative(const std::vector<double>& cumulative, Rng& rng) {
  double x = rng.Unit() * cumulative.back();
  auto it = std::upper_bound(cumulative.begin(), cumulative.end(), x);
  return std::min(static_cast<size_t>(it - cumulative.begin()), cumulative.size() - 1);
}

std::vector<double> Cumulative(const std::vector<double>& weights) {
  std::vector<double> out;
  double sum = 0;
  for (double w : weights) out.push_back(sum += w);
  return out;
}

// ---- Dates (proleptic Gregorian, days since 1970-01-01) ---------------------------

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::string CivilFromDays(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  char buf[32];
  snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y + (m <= 2)), m, d);
  return buf;
}

bool ParseDate(const std::string& s, int64_t* days) {
  unsigned y = 0, m = 0, d = 0;
  char tail = 0;
  if (sscanf(s.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 || d > 31 ||
      y < 1971) {
    return false;
  }
  *days = DaysFromCivil(y, m, d);
  return CivilFromDays(*days) == s;  // rejects 2023-02-30
}

int64_t Today() {
  time_t now = time(nullptr);
  struct tm local {};
  localtime_r(&now, &local);
  return DaysFromCivil(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                       static_cast<unsigned>(local.tm_mday));
}

// ---- Text ---------------------------------------------------------------------------

// The first `max_chars` code points of UTF-8 `s`.
std::string Utf8Prefix(const std::string& s, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && chars++ == max_chars) return s.substr(0, i);
  }
  return s;
}

const std::vector<std::string> kRoads = {
    "人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "文化路", "胜利路", "朝阳路", "长江路",
    "黄河路", "光明街", "幸福路", "青年路", "东风路", "滨河路", "振兴路", "迎宾大道", "世纪大道", "学府路",
    "工业路", "花园路", "健康路", "团结路", "友谊路", "育才路", "湖滨路", "北京路", "南京路", "锦绣路"};
const std::vector<std::string> kRoadSides = {"", "", "", "东", "西", "南", "北", "中"};
const std::vector<std::string> kDirections = {"朝南", "朝南", "朝南", "朝东南", "朝东南", "朝西南", "南北通透",
                                              "南北通透", "朝东", "朝西", "朝北", "朝东北", "朝西北"};
const std::vector<std::string> kDecorations = {"精装", "精装", "简装", "豪装", "全新装修", "温馨"};
const std::vector<std::string> kFillers = {"随时看房", "看房方便", "价格可谈", "业主诚租", "押一付一"};
const std::vector<std::string> kAmenities = {"周边超市、菜市场齐全", "楼下就是公交站", "小区绿化好，环境安静",
                                             "步行十分钟到地铁站", "附近有学校和医院", "物业管理规范"};

// ---- Reference rows -------------------------------------------------------------------

struct County {
  int64_t distid;
  std::string name;
};

struct City {
  int64_t distid;
  std::string name;
  bool hot;
  int tier;  // 1 first-tier, 2 other hot cities, 3 the rest
  std::vector<County> counties;
};

struct HouseType {
  int64_t typeid_;
  std::string name;
  int area_lo, area_hi;
  double price_factor;  // per m², relative to a two-room flat
  double weight;
  bool villa;
};

struct Estate {
  int64_t estateid;
  std::string name;
  double weight;
  std::vector<int64_t> agents;  // from tb_agent_estate
};

struct Tag {
  int64_t tagid;
  std::string content;
};

struct Reference {
  std::vector<City> cities;  // in Zipf rank order
  std::vector<double> city_cumulative;
  std::vector<HouseType> types;
  std::vector<double> type_cumulative;
  std::vector<int64_t> users;
  std::vector<int64_t> agents;
  std::map<int64_t, std::vector<Estate>> estates_by_county;
  std::map<int64_t, std::vector<double>> estate_cumulative;
  std::vector<Tag> tags;
};

// Well-known cities by rank: the four first-tier ones, then the big hot ones.
// Any other hot city follows them; cities not in the table keep their place.
const int64_t kCityRanking[] = {110100, 310100, 440300, 440100, 510100, 330100, 420100, 500100,
                                120100, 430100, 410100, 210200, 530100, 450100, 220100, 130100};
const int64_t kFirstTier[] = {110100, 310100, 440300, 440100};

// Area (m²), price factor and weight by the house type's name; other names
// get a flat's middle ground.
void DescribeType(HouseType* t) {
  struct Shape {
    const char* name;
    int lo, hi;
    double factor, weight;
  };
  static const Shape kShapes[] = {
      {"单间", 15, 30, 1.5, 15},       {"一室一厅", 30, 55, 1.2, 18}, {"两室一厅", 50, 85, 1.0, 22},
      {"两室两厅", 65, 100, 1.0, 12},  {"三室一厅", 80, 120, 0.95, 10}, {"三室两厅", 95, 145, 0.95, 9},
      {"四室两厅", 120, 200, 0.9, 5},  {"别墅", 200, 600, 1.1, 2},    {"其他", 20, 150, 1.0, 4},
  };
  for (const Shape& s : kShapes) {
    if (t->name == s.name) {
      t->area_lo = s.lo;
      t->area_hi = s.hi;
      t->price_factor = s.factor;
      t->weight = s.weight;
      t->villa = t->name == "别墅";
      return;
    }
  }
  t->area_lo = 30;
  t->area_hi = 120;
  t->price_factor = 1.0;
  t->weight = 4;
  t->villa = false;
}

zf::Status LoadReference(zf::Db& db, Rng& rng, Reference* ref) {
  zf::Rows rows;
  // Counties with their city: rows whose parent has a parent.
  zf::Status s = db.Query(
      "SELECT c.distid, c.name, c.ishot, k.distid, k.name FROM tb_district c "
      "JOIN tb_district p ON p.distid = c.pid AND p.pid IS NULL "
      "JOIN tb_district k ON k.pid = c.distid ORDER BY c.distid, k.distid",
      {}, &rows);
  if (!s.ok()) return s;
  std::vector<City> cities;
  for (const zf::Row& r : rows) {
    if (cities.empty() || cities.back().distid != r.Int(0)) {
      cities.push_back(City{r.Int(0), r.Str(1), r.Bool(2), 3, {}});
    }
    cities.back().counties.push_back(County{r.Int(3), r.Str(4)});
  }
  if (cities.empty()) return zf::Status::NotFound("tb_district has no counties (city → county rows)");

  // Rank: the table's hot cities, other hot cities, then a seeded shuffle.
  std::vector<City> ranked, hot, rest;
  for (int64_t id : kCityRanking) {
    for (City& c : cities) {
      if (c.distid == id && c.hot) ranked.push_back(c);
    }
  }
  for (City& c : cities) {
    bool placed = std::any_of(ranked.begin(), ranked.end(), [&](const City& r) { return r.distid == c.distid; });
    if (!placed) (c.hot ? hot : rest).push_back(c);
  }
  for (size_t i = rest.size(); i > 1; --i) std::swap(rest[i - 1], rest[static_cast<size_t>(rng.Between(0, i - 1))]);
  ranked.insert(ranked.end(), hot.begin(), hot.end());
  ranked.insert(ranked.end(), rest.begin(), rest.end());
  std::vector<double> weights;
  for (size_t i = 0; i < ranked.size(); ++i) {
    City& c = ranked[i];
    c.tier = c.hot ? 2 : 3;
    for (int64_t id : kFirstTier) {
      if (c.distid == id) c.tier = 1;
    }
    weights.push_back(1.0 / std::pow(static_cast<double>(i + 1), kZipfExponent));
  }
  ref->cities = std::move(ranked);
  ref->city_cumulative = Cumulative(weights);

  s = db.Query("SELECT typeid, name FROM tb_house_type ORDER BY typeid", {}, &rows);
  if (!s.ok()) return s;
  weights.clear();
  for (const zf::Row& r : rows) {
    HouseType t{r.Int(0), r.Str(1), 0, 0, 0, 0, false};
    DescribeType(&t);
    weights.push_back(t.weight);
    ref->types.push_back(std::move(t));
  }
  if (ref->types.empty()) return zf::Status::NotFound("tb_house_type is empty");
  ref->type_cumulative = Cumulative(weights);

  s = db.Query("SELECT userid FROM tb_user ORDER BY userid", {}, &rows);
  if (!s.ok()) return s;
  for (const zf::Row& r : rows) ref->users.push_back(r.Int(0));
  if (ref->users.empty()) return zf::Status::NotFound("tb_user is empty (a listing needs an owner)");

  s = db.Query("SELECT agentid FROM tb_agent ORDER BY agentid", {}, &rows);
  if (!s.ok()) return s;
  for (const zf::Row& r : rows) ref->agents.push_back(r.Int(0));

  s = db.Query("SELECT estateid, distid, name, hot FROM tb_estate ORDER BY estateid", {}, &rows);
  if (!s.ok()) return s;
  std::map<int64_t, Estate*> by_id;
  for (const zf::Row& r : rows) {
    ref->estates_by_county[r.Int(1)].push_back(
        Estate{r.Int(0), r.Str(2), 1.0 + static_cast<double>(std::max<int64_t>(0, r.Int(3))), {}});
  }
  for (auto& [county, estates] : ref->estates_by_county) {
    std::vector<double> w;
    for (Estate& e : estates) {
      w.push_back(e.weight);
      by_id[e.estateid] = &e;
    }
    ref->estate_cumulative[county] = Cumulative(w);
  }
  s = db.Query("SELECT estateid, agentid FROM tb_agent_estate ORDER BY estateid, agentid", {}, &rows);
  if (!s.ok()) return s;
  for (const zf::Row& r : rows) {
    auto it = by_id.find(r.Int(0));
    if (it != by_id.end()) it->second->agents.push_back(r.Int(1));
  }

  s = db.Query("SELECT tagid, content FROM tb_tag ORDER BY tagid", {}, &rows);
  if (!s.ok()) return s;
  for (const zf::Row& r : rows) ref->tags.push_back(Tag{r.Int(0), r.Str(1)});
  return zf::Status::Ok();
}

// ---- Listings -------------------------------------------------------------------------

struct Listing {
  std::string title;
  int area, floor, totalfloor;
  std::string direction;
  int price;
  std::string detail, mainphoto, pubdate, street;
  bool hassubway, isshared, hasagentfees;
  int64_t typeid_, userid, distid2, distid3;
  int64_t estateid, agentid;  // 0: NULL
  std::vector<int64_t> tags;
};

// Price per m² and month (元) by city tier.
double PricePerSquareMetre(int tier, Rng& rng) {
  switch (tier) {
    case 1: return 90 + rng.Unit() * 50;
    case 2: return 40 + rng.Unit() * 35;
    default: return 18 + rng.Unit() * 22;
  }
}

std::string Hex(Rng& rng, int digits) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  uint64_t bits = 0;
  for (int i = 0; i < digits; ++i) {
    if (i % 16 == 0) bits = rng.Next();
    out += kDigits[bits & 15];
    bits >>= 4;
  }
  return out;
}

// Listing number `index` of `total`; everything drawn from `rng` in one order.
void MakeListing(const Reference& ref, Rng& rng, bool with_tags, int64_t index, int64_t total, int64_t until_days,
                 Listing* l) {
  const City& city = ref.cities[PickCumulative(ref.city_cumulative, rng)];
  const County& county = rng.Pick(city.counties);
  const HouseType& type = ref.types[PickCumulative(ref.type_cumulative, rng)];
  l->distid2 = city.distid;
  l->distid3 = county.distid;
  l->typeid_ = type.typeid_;
  l->userid = rng.Pick(ref.users);

  // Estate: most listings in a county that has estates, else none.
  const Estate* estate = nullptr;
  auto es = ref.estates_by_county.find(county.distid);
  if (es != ref.estates_by_county.end() && rng.Chance(0.7)) {
    estate = &es->second[PickCumulative(ref.estate_cumulative.at(county.distid), rng)];
  }
  l->estateid = estate ? estate->estateid : 0;
  l->agentid = 0;
  if (estate && !estate->agents.empty() && rng.Chance(0.6)) {
    l->agentid = rng.Pick(estate->agents);
  } else if (!ref.agents.empty() && rng.Chance(0.35)) {
    l->agentid = rng.Pick(ref.agents);
  }

  l->area = static_cast<int>(rng.Between(type.area_lo, type.area_hi));
  double rent = l->area * PricePerSquareMetre(city.tier, rng) * type.price_factor * (0.8 + rng.Unit() * 0.45);
  l->price = std::max(300, static_cast<int>(std::lround(rent / 50.0)) * 50);
  if (type.villa) {
    l->totalfloor = static_cast<int>(rng.Between(2, 4));
  } else {
    static const std::vector<int> kHeights = {6, 7, 9, 11, 12, 18, 24, 26, 28, 30, 32, 33, 34};
    l->totalfloor = rng.Pick(kHeights);
  }
  l->floor = static_cast<int>(rng.Between(1, l->totalfloor));
  l->direction = rng.Pick(kDirections);
  l->hassubway = rng.Chance(city.tier == 1 ? 0.6 : city.tier == 2 ? 0.45 : 0.2);
  l->isshared = rng.Chance(type.name == "单间" ? 0.7 : 0.08);
  l->hasagentfees = l->agentid != 0 && rng.Chance(0.7);

  // Publication dates rise with the row number, with a few days of jitter.
  int64_t day = until_days - kSpanDays + (total > 1 ? index * kSpanDays / (total - 1) : kSpanDays);
  day = std::min(until_days, std::max(until_days - kSpanDays, day + rng.Between(-3, 3)));
  l->pubdate = CivilFromDays(day);

  l->tags.clear();
  if (with_tags && !ref.tags.empty()) {
    static const std::vector<double> kTagCounts = Cumulative({10, 20, 30, 25, 15});  // 0..4 tags
    size_t n = std::min(PickCumulative(kTagCounts, rng), ref.tags.size());
    while (l->tags.size() < n) {
      int64_t id = rng.Pick(ref.tags).tagid;
      if (std::find(l->tags.begin(), l->tags.end(), id) == l->tags.end()) l->tags.push_back(id);
    }
    std::sort(l->tags.begin(), l->tags.end());
  }

  int64_t road_index = rng.Between(0, static_cast<int64_t>(kRoads.size()) - 1);
  std::string road = kRoads[static_cast<size_t>(road_index)];
  std::string side = rng.Pick(kRoadSides);
  // 中山路 → 中山北路 (a Han character is 3 bytes in UTF-8).
  if (!side.empty() && road.compare(road.size() - 3, 3, "路") == 0) road.insert(road.size() - 3, side);
  if (rng.Chance(0.15)) {
    int64_t other = (road_index + rng.Between(1, static_cast<int64_t>(kRoads.size()) - 1)) % kRoads.size();
    l->street = road + "与" + kRoads[static_cast<size_t>(other)] + "交汇处";
  } else {
    l->street = road + std::to_string(rng.Between(1, 999)) + "号";
  }
  std::string place = estate ? estate->name : road;
  std::string tag;
  if (l->tags.empty()) {
    tag = rng.Pick(kFillers);
  } else {
    int64_t id = rng.Pick(l->tags);
    for (const Tag& t : ref.tags) {
      if (t.tagid == id) tag = t.content;
    }
  }
  std::string area = std::to_string(l->area);
  switch (rng.Between(0, 4)) {
    case 0: l->title = county.name + place + "精装" + type.name + "，" + tag; break;
    case 1: l->title = place + type.name + area + "平米，" + l->direction + "，" + tag; break;
    case 2: l->title = city.name + county.name + "业主直租" + type.name + "，" + tag; break;
    case 3:
      l->title = (l->hassubway ? "近地铁！" : "") + county.name + place + type.name + "，" + tag;
      break;
    default:
      l->title = place + rng.Pick(kDecorations) + type.name + l->direction + "，" +
                 (l->floor * 3 > l->totalfloor * 2 ? "高层" : l->floor * 3 > l->totalfloor ? "中层" : "低层") + "，" +
                 tag;
  }
  l->title = Utf8Prefix(l->title, kMaxTitleChars);
  l->detail = type.name + "，" + area + "平米，" + std::to_string(l->floor) + "/" + std::to_string(l->totalfloor) +
              "层，" + l->direction + "。" + place + "附近，" + rng.Pick(kAmenities) + "。" +
              (l->isshared ? "合租，" : "整租，") + (l->hasagentfees ? "有中介费。" : "免中介费。");
  l->mainphoto = kMarkPrefix + Hex(rng, 28) + ".jpg";
}

// ---- Writing --------------------------------------------------------------------------

std::string Placeholders(int rows, int columns) {
  std::string one = "(";
  for (int c = 0; c < columns; ++c) one += c == 0 ? "?" : ",?";
  one += ")";
  std::string out;
  for (int r = 0; r < rows; ++r) out += (r == 0 ? "" : ",") + one;
  return out;
}

zf::Param OrNull(int64_t v) { return v == 0 ? zf::Param::Null() : zf::Param(static_cast<long long>(v)); }

// One batch, inside the caller's transaction. Ids of a multi-row INSERT are
// consecutive from LAST_INSERT_ID() (innodb_autoinc_lock_mode 0 or 1, checked
// at start), which is how the tags find their listing.
zf::Status InsertBatch(zf::Db& db, const std::vector<Listing>& batch, uint64_t* tags_added) {
  std::vector<std::pair<int64_t, int64_t>> tag_rows;
  for (size_t start = 0; start < batch.size(); start += kRowsPerStatement) {
    size_t n = std::min(batch.size() - start, static_cast<size_t>(kRowsPerStatement));
    std::vector<zf::Param> params;
    params.reserve(n * 20);
    for (size_t i = start; i < start + n; ++i) {
      const Listing& l = batch[i];
      params.emplace_back(l.title);
      params.emplace_back(l.area);
      params.emplace_back(l.floor);
      params.emplace_back(l.totalfloor);
      params.emplace_back(l.direction);
      params.emplace_back(l.price);
      params.emplace_back("元/月");
      params.emplace_back(l.detail);
      params.emplace_back(l.mainphoto);
      params.emplace_back(l.pubdate);
      params.emplace_back(l.street);
      params.emplace_back(l.hassubway ? 1 : 0);
      params.emplace_back(l.isshared ? 1 : 0);
      params.emplace_back(l.hasagentfees ? 1 : 0);
      params.emplace_back(static_cast<long long>(l.typeid_));
      params.emplace_back(static_cast<long long>(l.userid));
      params.emplace_back(static_cast<long long>(l.distid2));
      params.emplace_back(static_cast<long long>(l.distid3));
      params.push_back(OrNull(l.estateid));
      params.push_back(OrNull(l.agentid));
    }
    uint64_t affected = 0, first_id = 0;
    zf::Status s = db.Execute(
        "INSERT INTO tb_house_info (title, area, floor, totalfloor, direction, price, priceunit, detail, mainphoto, "
        "pubdate, street, hassubway, isshared, hasagentfees, typeid, userid, distid2, distid3, estateid, agentid) "
        "VALUES " + Placeholders(static_cast<int>(n), 20),
        params, &affected, &first_id);
    if (!s.ok()) return s;
    if (affected != n || first_id == 0) return zf::Status::Internal("INSERT added fewer rows than sent");
    for (size_t i = 0; i < n; ++i) {
      for (int64_t tag : batch[start + i].tags) tag_rows.emplace_back(static_cast<int64_t>(first_id + i), tag);
    }
  }
  for (size_t start = 0; start < tag_rows.size(); start += kTagRowsPerStatement) {
    size_t n = std::min(tag_rows.size() - start, static_cast<size_t>(kTagRowsPerStatement));
    std::vector<zf::Param> params;
    params.reserve(n * 2);
    for (size_t i = start; i < start + n; ++i) {
      params.emplace_back(static_cast<long long>(tag_rows[i].first));
      params.emplace_back(static_cast<long long>(tag_rows[i].second));
    }
    zf::Status s = db.Execute("INSERT INTO tb_house_tag (houseid, tagid) VALUES " + Placeholders(static_cast<int>(n), 2),
                              params);
    if (!s.ok()) return s;
  }
  *tags_added = tag_rows.size();
  return zf::Status::Ok();
}

// Deletes the marked rows and what refers to them, a chunk per transaction.
zf::Status TruncateGenerated(zf::Db& db, bool tty, uint64_t* deleted) {
  *deleted = 0;
  int64_t after = 0;
  for (;;) {
    zf::Rows rows;
    zf::Status s = db.Query(
        "SELECT houseid FROM tb_house_info WHERE houseid > ? AND mainphoto LIKE 'gen-%' ORDER BY houseid LIMIT " +
            std::to_string(kDeleteChunk),
        {zf::Param(static_cast<long long>(after))}, &rows);
    if (!s.ok()) return s;
    if (rows.empty()) return zf::Status::Ok();
    std::vector<zf::Param> ids;
    for (const zf::Row& r : rows) ids.emplace_back(static_cast<long long>(r.Int(0)));
    after = rows.back().Int(0);
    std::string in = " WHERE houseid IN (" + Placeholders(1, static_cast<int>(ids.size())).substr(1);
    in.back() = ')';
    s = db.Transaction([&](zf::Db& tx) {
      for (const char* table : {"tb_house_tag", "tb_house_photo", "tb_record", "tb_house_info"}) {
        zf::Status d = tx.Execute(std::string("DELETE FROM ") + table + in, ids);
        if (!d.ok()) return d;
      }
      return zf::Status::Ok();
    });
    if (!s.ok()) return s;
    *deleted += ids.size();
    if (tty) fprintf(stderr, "\rzufang-gen-listings: deleted %llu generated listings", static_cast<unsigned long long>(*deleted));
  }
}

std::string Duration(double seconds) {
  long s = std::lround(std::max(0.0, seconds));
  char buf[32];
  if (s >= 3600) {
    snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, s / 60 % 60);
  } else {
    snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  }
  return buf;
}

struct Options {
  int64_t count = 1000000;
  uint64_t seed = 1;
  int64_t batch = 2000;
  int64_t until_days = 0;
  bool tags = true;
  bool truncate = false;
};


int Usage(const std::string& why) { return zf::UsageError("zufang-gen-listings", kUsage, why); }

int Fail(const std::string& what, const zf::Status& s) {
  fprintf(stderr, "\nzufang-gen-listings: %s: %s\n", what.c_str(), s.ToString().c_str());
  return s.IsUnavailable() ? zf::kExitUnavailable : kExitFailed;
}

}  // namespace

// Rows written behind the handlers' back, in any place: moving the
// listings' bulk generation (which every cached listing page, count and
// detail keys on, beside its place's: handlers/listings/listings.cc) and
// the one of all listings makes them read afresh, as after a write through
// the API (a memcached that cannot be reached is logged; its pages then age
// out within their 120 s).
void RefreshCachedListings(const zf::Config& config) {
  zf::MemcachedSettings settings;
  if (!config.GetString("memcached.servers", &settings.servers).ok() || settings.servers.empty()) return;
  zf::MemcachedCache cache(settings);
  for (const char* generation : {"listings-bulk", "listings"}) {
    zf::BumpGeneration(&cache, config.GetString("cache.prefix"), generation, "zufang-gen-listings");
  }
}

int main(int argc, char** argv) {
  Options opt;
  opt.until_days = Today();
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool has_value = i + 1 < argc;
    int64_t v = 0;
    if (arg == "--help" || arg == "-h") {
      fputs(kUsage, stdout);
      return 0;
    } else if (arg == "--count" && has_value) {
      if (!zf::ParseIntArg(argv[++i], 0, 100000000, &opt.count)) return Usage("--count must be 0..100000000");
    } else if (arg == "--seed" && has_value) {
      if (!zf::ParseIntArg(argv[++i], 0, INT64_MAX, &v)) return Usage("--seed must be a non-negative integer");
      opt.seed = static_cast<uint64_t>(v);
    } else if (arg == "--batch" && has_value) {
      if (!zf::ParseIntArg(argv[++i], 1, 100000, &opt.batch)) return Usage("--batch must be 1..100000");
    } else if (arg == "--until" && has_value) {
      if (!ParseDate(argv[++i], &opt.until_days)) return Usage("--until must be a date YYYY-MM-DD");
    } else if (arg == "--tags") {
      opt.tags = true;
    } else if (arg == "--no-tags") {
      opt.tags = false;
    } else if (arg == "--truncate-generated") {
      opt.truncate = true;
    } else {
      return Usage("unexpected argument \"" + arg + "\"");
    }
  }

  zf::Config config;
  zf::DbSettings db_settings;
  zf::Status s = zf::LoadDbSettingsFromEnvironment(&config, &db_settings);
  if (!s.ok()) {
    fprintf(stderr, "zufang-gen-listings: configuration error: %s\n", s.message().c_str());
    return zf::kExitConfig;
  }
  s = zf::InitDbDriver();
  if (!s.ok()) {
    fprintf(stderr, "zufang-gen-listings: %s\n", s.ToString().c_str());
    return kExitSoftware;
  }
  // Generated rows are read back and counted on the primary: no replicas here.
  db_settings.replicas.clear();
  db_settings.io_timeout_s = std::max(db_settings.io_timeout_s, 300);
  zf::DbConnections conns(db_settings);
  zf::Db db(&conns);

  // However the run ends, once it has touched the listings (a batch
  // committed, rows deleted), the site's cached pages must read afresh.
  struct RefreshOnExit {
    const zf::Config& config;
    bool touched = false;
    ~RefreshOnExit() {
      if (touched) RefreshCachedListings(config);
    }
  } refresh{config};

  bool tty = isatty(STDERR_FILENO) != 0;
  if (opt.truncate) {
    refresh.touched = true;  // a failure may come after some rows went
    uint64_t deleted = 0;
    s = TruncateGenerated(db, tty, &deleted);
    if (!s.ok()) return Fail("deleting generated listings", s);
    fprintf(stderr, "%szufang-gen-listings: deleted %llu generated listings\n", tty && deleted ? "\r" : "",
            static_cast<unsigned long long>(deleted));
  }
  if (opt.count == 0) return 0;

  zf::Rows rows;
  s = db.Query("SELECT @@innodb_autoinc_lock_mode", {}, &rows);
  if (!s.ok()) return Fail("reading innodb_autoinc_lock_mode", s);
  if (opt.tags && !rows.empty() && rows[0].Int(0) > 1) {
    fprintf(stderr,
            "zufang-gen-listings: the server runs innodb_autoinc_lock_mode=%lld, where one INSERT's ids need not be "
            "consecutive, so tags cannot find their listing; use --no-tags, or a server with mode 0 or 1\n",
            static_cast<long long>(rows[0].Int(0)));
    return kExitFailed;
  }

  Rng rng(opt.seed);
  Reference ref;
  s = LoadReference(db, rng, &ref);
  if (!s.ok()) return Fail("reading the reference rows", s);
  size_t counties = 0;
  for (const City& c : ref.cities) counties += c.counties.size();
  fprintf(stderr,
          "zufang-gen-listings: %lld listings, seed %llu, pubdates %s..%s; %zu cities (%zu counties), %zu house "
          "types, %zu users, %zu agents, %zu tags\n",
          static_cast<long long>(opt.count), static_cast<unsigned long long>(opt.seed),
          CivilFromDays(opt.until_days - kSpanDays).c_str(), CivilFromDays(opt.until_days).c_str(), ref.cities.size(),
          counties, ref.types.size(), ref.users.size(), ref.agents.size(), ref.tags.size());

  auto started = std::chrono::steady_clock::now();
  uint64_t tags_total = 0;
  std::vector<Listing> batch;
  for (int64_t done = 0; done < opt.count;) {
    int64_t n = std::min(opt.batch, opt.count - done);
    batch.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) MakeListing(ref, rng, opt.tags, done + i, opt.count, opt.until_days, &batch[i]);
    uint64_t tags_added = 0;
    // The batch is drawn before the transaction: a deadlock retry sends the same rows.
    refresh.touched = true;  // a failed batch rolls back, but earlier ones stay
    s = db.Transaction([&](zf::Db& tx) { return InsertBatch(tx, batch, &tags_added); });
    if (!s.ok()) return Fail("inserting rows " + std::to_string(done + 1) + ".." + std::to_string(done + n), s);
    done += n;
    tags_total += tags_added;
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    fprintf(stderr, "%szufang-gen-listings: %lld/%lld rows (%.1f%%), %.0f rows/s, ETA %s%s", tty ? "\r" : "",
            static_cast<long long>(done), static_cast<long long>(opt.count), 100.0 * done / opt.count, rate,
            Duration(rate > 0 ? (opt.count - done) / rate : 0).c_str(), tty ? "   " : "\n");
  }
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  // Fresh statistics, so the planner sees the new volume at once.
  s = db.Query("ANALYZE TABLE tb_house_info, tb_house_tag", {}, &rows);
  if (!s.ok()) return Fail("ANALYZE TABLE", s);
  fprintf(stderr, "%szufang-gen-listings: added %lld listings and %llu tags in %s (%.0f rows/s)\n", tty ? "\n" : "",
          static_cast<long long>(opt.count), static_cast<unsigned long long>(tags_total), Duration(elapsed).c_str(),
          elapsed > 0 ? opt.count / elapsed : 0.0);
  return 0;
}
