#include "listings.h"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "base/log.h"
#include "data/write_log.h"
#include "http/body.h"
#include "resource/audit.h"
#include "resource/handler_kit.h"
#include "resource/list_query.h"
#include "resource/listing_filter.h"
#include "resource/media.h"
#include "resource/resource.h"
#include "page_validity.h"
#include "search_plan.h"

namespace zf::listings {

namespace {

// tagid/content of each listing in `ids`, in one query.
Status LoadTags(Db& db, const std::vector<int64_t>& ids, std::map<int64_t, std::string>* tags_json) {
  tags_json->clear();
  if (ids.empty()) return Status::Ok();
  std::string sql =
      "SELECT ht.houseid, t.tagid, t.content FROM tb_house_tag ht JOIN tb_tag t ON t.tagid = ht.tagid "
      "WHERE ht.houseid IN (";
  std::vector<Param> params;
  for (size_t i = 0; i < ids.size(); ++i) {
    sql += i == 0 ? "?" : ",?";
    params.emplace_back(static_cast<long long>(ids[i]));
  }
  sql += ") ORDER BY ht.houseid, t.tagid";
  Rows rows;
  Status s = db.Query(sql, params, &rows);
  if (!s.ok()) return s;
  std::map<int64_t, JsonWriter> writers;
  for (const Row& r : rows) {
    JsonWriter& w = writers[r.Int(0)];
    if (w.str().empty()) w.BeginArray();
    w.BeginObject().Key("tagid").Int(r.Int(1)).Key("content").String(r.Str(2)).EndObject();
  }
  for (auto& [id, w] : writers) {
    w.EndArray();
    (*tags_json)[id] = w.Take();
  }
  return Status::Ok();
}

// Cached pages by place. A page (and a count) of district X is kept under
// X's place (PlaceGeneration): whatever X is (a city: h.distid2 = X; a
// county: h.distid3 = X; anything else: either column = X), it shows exactly
// the listings one of whose two districts is X. A page without district is
// kept under kAllListings. Every listing write appends its record (the row
// before and after) to the write log of kAllListings and of each district
// its row names before and after (data/write_log.h), and a hit asks the
// records since the page was filled whether they change it
// (page_validity.h): a write elsewhere, or one the page cannot show, leaves
// it. The place's generation, in the page's key too, is moved only when an
// append fails. A write also moves the listing's own generation
// (RowGeneration, its detail). Tools that write rows behind the handlers'
// back (zufang-gen-listings) move kBulkListings, which every listing page
// and detail also keys on.
const char* const kAllListings = "listings";
const char* const kBulkListings = "listings-bulk";

std::string PlaceGeneration(int64_t distid) { return "listings@" + std::to_string(distid); }
std::string RowGeneration(int64_t houseid) { return "listing#" + std::to_string(houseid); }

// The generations a page of the search shows: its place's, then the rows
// it joins. A list item shows its district (migrations only), its type and
// its tags, never its agent or estate (their deletes are refused while a
// listing names them), so agents' and estates' writes leave the pages.
std::vector<std::string> PageGenerations(const std::optional<double>& district) {
  std::string place = kAllListings;
  // A district that is no whole number in INT range matches no row: the
  // page without district's generation (moved by every write) is as safe.
  if (district && *district >= kInt32Min && *district <= kInt32Max &&
      *district == static_cast<double>(static_cast<int64_t>(*district))) {
    place = PlaceGeneration(static_cast<int64_t>(*district));
  }
  return {place, kBulkListings, "tags", "housetypes"};
}

// A listing's detail shows its own row, photos and tags, its type, agent
// and estate.
std::vector<std::string> DetailGenerations(int64_t id) {
  return {RowGeneration(id), kBulkListings, "agents", "estates", "tags", "housetypes"};
}

// What a write of listing `id` leaves (Resource hook written_generations):
// its detail's generation, and the row as it is in the transaction (read
// before and after the write) for the write logs of its places.
Status ListingGenerations(Db& tx, int64_t id, WriteStage stage, WriteEffects* out) {
  out->generations.insert(RowGeneration(id));
  Rows rows;
  Status s = tx.Query("SELECT houseid, distid2, distid3, typeid, price, area, pubdate, title FROM tb_house_info "
                      "WHERE houseid = ?",
                      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  if (rows.empty()) return Status::Ok();
  ListingState state;
  state.houseid = rows[0].Int(0);
  state.distid2 = rows[0].Int(1);
  state.distid3 = rows[0].Int(2);
  state.type_id = rows[0].Int(3);
  state.price = static_cast<double>(rows[0].Int(4));
  state.area = static_cast<double>(rows[0].Int(5));
  state.pubdate = rows[0].Str(6);
  state.title = TitleKey(rows[0].Str(7));
  (stage == WriteStage::kBefore ? out->before : out->after) = EncodeListing(state);
  return Status::Ok();
}

// After a listing write committed (Resource hook announce_write): its record
// goes to the write log of every place that shows it, before or after
// (kAllListings, its cities and counties). A log the record may not have
// reached gets its place's generation moved instead, which every page of the
// place is also kept under, retried in the background (data/generations.h).
void AnnounceListingWrite(ThreadServices* services, const Request& req, const WriteEffects& effects) {
  std::optional<ListingState> before, after;
  if (effects.before) DecodeListing(*effects.before, &before);
  if (effects.after) DecodeListing(*effects.after, &after);
  std::string record = EncodeChange(before, after);
  std::set<std::string> places = {kAllListings};
  for (const std::optional<ListingState>* state : {&before, &after}) {
    if (*state) {
      places.insert(PlaceGeneration((*state)->distid2));
      places.insert(PlaceGeneration((*state)->distid3));
    }
  }
  Cache* cache = services->memcached();
  for (const std::string& place : places) {
    Status s = AppendToWriteLog(cache, WriteLogKey(services->cache_prefix(), place), record);
    if (!s.ok()) {
      LogError(req.request_id, "write log " + place + ": " + s.message() + "; its generation is moved instead");
      MarkWritten(services, req, place);
    }
  }
}

// The search form's bands, as tb_house_count keeps its counts: the same
// bounds as zf_price_band and zf_area_band in shared/sql/007_listing_counts.sql.
const std::vector<int> kPriceBounds = {0, 1000, 2000, 3000, 5000, 8000};
const std::vector<int> kAreaBounds = {0, 30, 50, 70, 90, 120};

const std::vector<OrderingField> kOrdering = {{"pubdate", "h.pubdate"}, {"price", "h.price"}};
// The same ordering over the page's joined rows (alias x).
const std::vector<OrderingField> kOuterOrdering = {{"pubdate", "x.pubdate"}, {"price", "x.price"}};

// ---- List -----------------------------------------------------------------------

// The district's kept counts per price band (tb_house_count at `level`,
// `distid`); "matching" there means of type `type_id` (any type when null)
// and in the area bands [area_low, area_high]. One query over at most a few
// thousand rows.
Status KeptCounts(Db& db, int level, double distid, const int64_t* type_id, int area_low, int area_high,
                  std::vector<PriceBandCounts>* bands) {
  std::vector<Param> params = {Param(static_cast<long long>(area_low)), Param(static_cast<long long>(area_high))};
  std::string type_test = "TRUE", type_only = "FALSE";
  if (type_id != nullptr) {
    type_test = type_only = "typeid = ?";
    params.emplace_back(static_cast<long long>(*type_id));
  }
  params.emplace_back(static_cast<long long>(area_low));
  params.emplace_back(static_cast<long long>(area_high));
  if (type_id != nullptr) params.emplace_back(static_cast<long long>(*type_id));
  params.emplace_back(static_cast<long long>(level));
  params.emplace_back(distid);
  Rows rows;
  Status s = db.Query(
      "SELECT priceband, CAST(SUM(listings) AS SIGNED), "
      "CAST(SUM(IF(areaband BETWEEN ? AND ? AND " + type_test + ", listings, 0)) AS SIGNED), "
      "CAST(SUM(IF(areaband BETWEEN ? AND ?, listings, 0)) AS SIGNED), "
      "CAST(SUM(IF(" + type_only + ", listings, 0)) AS SIGNED) "
      "FROM tb_house_count WHERE level = ? AND distid = ? GROUP BY priceband",
      params, &rows);
  if (!s.ok()) return s;
  bands->assign(2 * kPriceBounds.size() + 1, PriceBandCounts{});
  for (const Row& r : rows) {
    int64_t band = r.Int(0);
    if (band < 0 || band >= static_cast<int64_t>(bands->size())) continue;  // not a band of kPriceBounds
    (*bands)[band] = PriceBandCounts{r.Int(1), r.Int(2), r.Int(3), r.Int(4)};
  }
  return Status::Ok();
}

// The district's fine counts per price step (tb_house_count_fine at `level`
// 0 or 2, `distid`), exact for any bounds: "matching" of a step is the
// number of its listings within every filter. The whole cells come from the
// kept counts; a step the price bounds cut, and the listings of an area step
// the area bounds cut, are counted over their own few index entries (one
// query, shared/sql/012_listing_counts_fine.sql).
Status FineCounts(Db& db, int level, double distid, const int64_t* type_id, const StepCut& price, const StepCut& area,
                  int64_t area_low, int64_t area_high, std::vector<PriceBandCounts>* steps) {
  steps->assign(kPriceSteps.count, PriceBandCounts{});
  if (price.empty || area.empty) return Status::Ok();
  auto num = [](int64_t v) { return Param(static_cast<long long>(v)); };
  std::vector<Param> params;
  std::string type_test = "TRUE", type_only = "FALSE";
  if (type_id != nullptr) type_test = type_only = "typeid = ?";
  // The grid: per price step, every listing, the whole area steps' of the
  // type, the whole area steps', the type's.
  std::string sql =
      "SELECT pricestep, 0, CAST(SUM(listings) AS SIGNED), "
      "CAST(SUM(IF(areastep BETWEEN ? AND ? AND " + type_test + ", listings, 0)) AS SIGNED), "
      "CAST(SUM(IF(areastep BETWEEN ? AND ?, listings, 0)) AS SIGNED), "
      "CAST(SUM(IF(" + type_only + ", listings, 0)) AS SIGNED) "
      "FROM tb_house_count_fine WHERE level = ? AND distid = ? GROUP BY pricestep";
  params.insert(params.end(), {num(area.whole_first), num(area.whole_last)});
  if (type_id != nullptr) params.push_back(num(*type_id));
  params.insert(params.end(), {num(area.whole_first), num(area.whole_last)});
  if (type_id != nullptr) params.push_back(num(*type_id));
  params.push_back(num(level));
  params.emplace_back(distid);
  // The edges, through the district's price or area index: kind 1 a cut
  // price step (all its matches), kind 2 a cut area step within the whole
  // price steps (grouped by price step, the same steps as zf_price_step).
  bool city = level == 2;
  std::string district = city ? " AND h.distid2 = ?" : "";
  std::string type_filter = type_id != nullptr ? " AND h.typeid = ?" : "";
  auto edge_params = [&](int64_t plow, int64_t phigh, int64_t alow, int64_t ahigh) {
    params.insert(params.end(), {num(plow), num(phigh), num(alow), num(ahigh)});
    if (city) params.emplace_back(distid);
    if (type_id != nullptr) params.push_back(num(*type_id));
  };
  for (const StepCut::Part& part : price.cut) {
    sql += " UNION ALL SELECT " + std::to_string(part.step) + ", 1, COUNT(*), 0, 0, 0 FROM tb_house_info h FORCE INDEX (" +
           (city ? "idx_house_city_price" : "idx_house_price") +
           ") WHERE h.price BETWEEN ? AND ? AND h.area BETWEEN ? AND ?" + district + type_filter;
    edge_params(part.low, part.high, area_low, area_high);
  }
  if (price.HasWhole()) {
    for (const StepCut::Part& part : area.cut) {
      sql += " UNION ALL SELECT CASE WHEN h.price < 10000 THEN GREATEST(h.price, 0) DIV 100 "
             "WHEN h.price < 50000 THEN 100 + (h.price - 10000) DIV 1000 ELSE 140 END AS step, 2, COUNT(*), 0, 0, 0 "
             "FROM tb_house_info h FORCE INDEX (" + std::string(city ? "idx_house_city_area" : "idx_house_area") +
             ") WHERE h.price BETWEEN ? AND ? AND h.area BETWEEN ? AND ?" + district + type_filter + " GROUP BY step";
      edge_params(kPriceSteps.low(price.whole_first), kPriceSteps.high(price.whole_last), part.low, part.high);
    }
  }
  Rows rows;
  Status s = db.QueryFresh(sql, params, &rows);
  if (!s.ok()) return s;
  std::vector<int64_t> cut_matches(kPriceSteps.count, -1), area_edge(kPriceSteps.count, 0);
  for (const Row& r : rows) {
    int64_t step = r.Int(0);
    if (step < 0 || step >= kPriceSteps.count) continue;
    PriceBandCounts& b = (*steps)[step];
    switch (r.Int(1)) {
      case 0: b = PriceBandCounts{r.Int(2), r.Int(3), r.Int(4), r.Int(5)}; break;
      case 1: cut_matches[step] = r.Int(2); break;
      default: area_edge[step] += r.Int(2); break;
    }
  }
  // Matching inside the bounds only: a cut price step's exact count; a whole
  // one's whole cells plus its listings in the cut area steps; none outside.
  for (int step = 0; step < kPriceSteps.count; ++step) {
    PriceBandCounts& b = (*steps)[step];
    if (cut_matches[step] >= 0) {
      b.matching = cut_matches[step];
    } else if (step >= price.whole_first && step <= price.whole_last && area.HasWhole()) {
      b.matching += area_edge[step];
    } else if (step >= price.whole_first && step <= price.whole_last) {
      b.matching = area_edge[step];
    } else {
      b.matching = 0;
    }
  }
  return Status::Ok();
}

// The title filter: a substring match (LIKE '%kw%' in the title's
// collation, as the old site's icontains), served by the grams of
// shared/sql/011_title_grams.sql, which choose the rows the LIKE reads.
struct TitleFilter {
  // The listings a page and its count read: for a rare keyword, only those
  // of its rarest gram, read first (a derived table joined STRAIGHT, so the
  // optimizer cannot prefer an ordered walk of the whole table that finds
  // a small city's few matches after a million rows); else every listing.
  std::string rows_from = " FROM tb_house_info h";
  std::vector<Param> rows_from_params;
  std::string grams_where;          // " AND h.houseid IN (…grams…)" of a frequent keyword: only listings that can match
  std::vector<Param> grams_params;  // its parameters
  std::string like_where;           // " AND h.title LIKE …": the match itself, on the row
  Param like_param{std::string()};
  std::string gram_pattern;         // LIKE 'kw%' over the grams when they alone answer exactly; else empty
  bool frequent = false;            // every gram of the keyword is held by frequent_gram listings or more
};

// A keyword whose grams `frequent_gram` listings hold (listings.title_frequent_gram)
// matches often enough that an ordered walk finds a page's matches sooner
// than the grams would list them (for 近地铁, 88,000 of 1,000,000 listings,
// the grams cost 200 ms, the walk a few): its page and its counts within
// a place read rows. Any other keyword reads at most frequent_gram
// listings, those of its rarest gram (a few ms for 2,000).
Status MakeTitleFilter(Db& db, const std::string& keyword, int64_t frequent_gram, TitleFilter* f) {
  constexpr size_t kGramChars = 3;  // tb_house_title_gram's grams
  // The keyword's characters; not UTF-8 (no title holds it as such): the LIKE alone.
  std::vector<std::string> chars;
  for (size_t i = 0; i < keyword.size();) {
    size_t n = Utf8SequenceLength(std::string_view(keyword).substr(i));
    if (n == 0) {
      chars.clear();
      break;
    }
    chars.push_back(keyword.substr(i, n));
    i += n;
  }
  f->like_where = TitleCondition();
  f->like_param = TitleParam(keyword);
  if (chars.empty()) return Status::Ok();
  // A title holding kw has a gram starting with kw's first characters, and
  // one with its last three: listings lacking either cannot match.
  std::vector<std::string> patterns;
  auto gram_of = [&](size_t from) {
    std::string gram;
    for (size_t i = from; i < std::min(chars.size(), from + kGramChars); ++i) gram += chars[i];
    return LikePattern(gram, false, true);
  };
  patterns.push_back(gram_of(0));
  if (chars.size() > kGramChars) {
    patterns.push_back(gram_of(chars.size() - kGramChars));
  } else {
    f->gram_pattern = patterns[0];
  }
  f->frequent = true;
  int64_t rarest = -1;
  for (const std::string& pattern : patterns) {
    f->grams_where += " AND h.houseid IN (SELECT g.houseid FROM tb_house_title_gram g WHERE g.gram LIKE ? ESCAPE '\\\\')";
    f->grams_params.emplace_back(pattern);
    Rows rows;  // at most frequent_gram index entries
    Status s = db.Query("SELECT COUNT(*) FROM (SELECT 1 FROM tb_house_title_gram g WHERE g.gram LIKE ? ESCAPE '\\\\' "
                        "LIMIT " + std::to_string(frequent_gram) + ") AS p",
                        {Param(pattern)}, &rows);
    if (!s.ok()) return s;
    int64_t held = rows[0].Int(0);
    if (held >= frequent_gram) continue;
    f->frequent = false;
    if (rarest >= 0 && held >= rarest) continue;
    rarest = held;
    f->rows_from = " FROM (SELECT DISTINCT g.houseid FROM tb_house_title_gram g WHERE g.gram LIKE ? ESCAPE '\\\\') AS k "
                   "STRAIGHT_JOIN tb_house_info h ON h.houseid = k.houseid";
    f->rows_from_params = {Param(pattern)};
  }
  if (!f->frequent) {  // the rarest gram chose the rows; the LIKE filters them
    f->grams_where.clear();
    f->grams_params.clear();
  }
  return Status::Ok();
}

// The write log a page and its count are checked against, as the request
// read it before the database (data/write_log.h): `view` null when there is
// none to read (memcached unreachable: nothing is cached then).
struct LogAt {
  const WriteLogView* view = nullptr;
  Cache* cache = nullptr;  // where its segments are read
  std::string key;
  std::string generation;  // the page's generations, as the request read them (its count keys on them too)
};

// The records of `log` after `pos` of `epoch`, summed by `effect` (one of
// page_validity.h's): false when one makes the cached answer stale (or the
// log lost them), else true with the count's net move in *delta.
//
// `settled`: a fill reads the log's end (pos), then the database, then the
// end again (settled). A record between the two is of a write the database
// read may or may not have seen (a write commits, then appends): any effect
// of one makes the answer stale, where adding it could count a listing
// twice. (A write whose append comes after the second read too is not
// told apart: the window is its commit-to-append time.)
template <class EffectOf>
bool NetEffectSince(const LogAt& log, std::string_view epoch, uint64_t pos, uint64_t settled, const EffectOf& effect,
                    int64_t* delta) {
  *delta = 0;
  std::string storage;
  std::vector<std::string_view> records;
  if (!RecordsSince(log.cache, log.key, *log.view, epoch, pos, &storage, &records)) return false;
  uint64_t at = pos;  // where the record starts: positions count each record and its '\n'
  for (std::string_view record : records) {
    std::optional<ListingState> before, after;
    if (!DecodeChange(record, &before, &after)) return false;
    Effect e = effect(before, after);
    if (at < settled && e != Effect::kNone) return false;
    at += record.size() + 1;
    switch (e) {
      case Effect::kNone: break;
      case Effect::kOneMore: ++*delta; break;
      case Effect::kOneFewer: --*delta; break;
      case Effect::kStale: return false;
    }
  }
  return true;
}

// The log's end now, to settle a fill (NetEffectSince); when it cannot be
// read, a position no record reaches (every record with an effect is unsure).
uint64_t SettledAt(const LogAt& log) {
  std::string value;
  WriteLogView now;
  if (log.cache->Get(log.key, &value).ok() && ParseWriteLog(value, &now) && now.epoch == log.view->epoch) return now.end;
  return UINT64_MAX;
}

// COUNT(*) of the listings `from_where` (" FROM … WHERE …") selects, cached
// per filter set and moved by the write log's records of listings entering
// or leaving the filters. Cached as "<epoch> <position> <settled> <count>".
// `known`: the count at the log's end, proven from the log alone.
Status CountByRows(ThreadServices* services, Db& db, const std::string& from_where,
                   const std::vector<Param>& params, const PageFilter& filter, const LogAt& log,
                   std::optional<int64_t> known, int64_t* count, const std::string& count_sql = "",
                   const std::vector<Param>& count_params = {}) {
  std::string key;
  const std::string& generation = log.generation;  // read once, by ValidatedList
  if (!generation.empty()) {
    key = services->cache_prefix() + "listings-count:" + generation + ":" + from_where;
    for (const Param& p : params) {
      char number[32];  // every bit of a double (999.5 and 999.5000001 are two searches)
      if (p.type() == Param::Type::kDouble) snprintf(number, sizeof number, "%.17g", p.double_value());
      key += "|" + (p.type() == Param::Type::kString ? p.string_value()
                    : p.type() == Param::Type::kInt  ? std::to_string(p.int_value())
                                                     : std::string(number));
    }
    key = CacheKey(key);
  }
  auto keep = [&](uint64_t settled) {
    services->memcached()->Set(key, log.view->epoch + " " + std::to_string(log.view->end) + " " +
                                        std::to_string(settled) + " " + std::to_string(*count),
                               kListKeepSeconds);
  };
  if (known) {  // proven from a page of the same filters at the log's end
    *count = *known;
    if (!key.empty()) keep(log.view->end);
    return Status::Ok();
  }
  std::string cached;
  if (!key.empty() && services->memcached()->Get(key, &cached).ok()) {
    char epoch[64];
    unsigned long long pos = 0, settled = 0;
    long long kept = 0;
    int64_t delta = 0;
    if (sscanf(cached.c_str(), "%63s %llu %llu %lld", epoch, &pos, &settled, &kept) == 4 &&
        NetEffectSince(log, epoch, pos, settled, [&](const auto& before, const auto& after) {
          return CountEffect(filter, before, after);
        }, &delta)) {
      *count = kept + delta;
      if (pos != log.view->end) keep(std::max<uint64_t>(settled, log.view->end));
      return Status::Ok();
    }
  }
  Rows rows;
  Status s = count_sql.empty() ? db.QueryFresh("SELECT COUNT(*)" + from_where, params, &rows)
                                : db.QueryFresh(count_sql, count_params, &rows);
  if (!s.ok()) return s;
  *count = rows[0].Int(0);
  if (!key.empty()) {
    keep(SettledAt(log));
  }
  return Status::Ok();
}

// What a page's builder answers: its count and items, and its last item.
struct PageParts {
  // Given to the builder: the count as the log proves it from a stale copy
  // of the page (its items changed, its count did not need to be read).
  std::optional<int64_t> known_count;
  int64_t count = 0;
  std::string results = "[]";  // the items, a JSON array
  Frontier last;
  bool full = false;           // as many items as the page's size
};

// The cached form of a page: "zfp3 <epoch> <position> <settled> <expires>
// <last item> <count> <full>\n" + its items (settled: NetEffectSince).
std::string StoredPage(const WriteLogView& log, uint64_t settled, long long expires, const PageParts& parts) {
  return "zfp3 " + log.epoch + " " + std::to_string(log.end) + " " + std::to_string(settled) + " " +
         std::to_string(expires) + " " +
         EncodeFrontier(parts.last) + " " + std::to_string(parts.count) + " " + (parts.full ? "1" : "0") + "\n" +
         parts.results;
}

// A page of the search, cached under the generations of `shown` and checked
// on every hit against the write log of its place (shown[0]): a write whose
// record could change its items makes it a miss; one that only moves its
// count is added to the count; any other write leaves it (page_validity.h).
// A hit that passed records stores the page again at the log's end, so it
// outlives the log's compaction.
using PageBuilder = std::function<Status(PageRequest* page, const LogAt& log, PageParts* parts)>;

// A page's filler holds its lock at most this long (a filler that died
// frees it so); the others wait for its page while it holds the lock, and
// read the database themselves after kFillWaitMs at most.
constexpr int kFillLockSeconds = 3;
constexpr int kFillWaitMs = 3000;

Response ValidatedList(ThreadServices* services, const Request& req, const std::vector<std::string>& shown,
                       const PageFilter& filter, const Ordering& ordering, const PageBuilder& build) {
  PageRequest page;
  if (!ParsePage(req.query, &page).ok()) return ErrorResponse(Status::InvalidPage());
  Cache* cache = services->memcached();
  const std::string& prefix = services->cache_prefix();
  std::string generation = CurrentGenerations(cache, prefix, shown);
  PageParts parts;
  Status s;
  time_t now = time(nullptr);
  if (generation.empty()) {
    s = build(&page, LogAt{}, &parts);  // memcached unreachable: straight from the database
  } else {
    std::string names;
    for (const std::string& r : shown) names += r + ",";
    // Links in the body are absolute: the variant is the whole request URL.
    const std::string key = CacheKey(prefix + names + generation + ":list:" + req.scheme + "://" + req.host +
                                     req.raw_path + "?" + req.raw_query);
    const std::string log_key = WriteLogKey(prefix, shown[0]);
    std::string log_value;
    WriteLogView log;
    bool have_log = false;
    std::optional<int64_t> known_count;
    // Reads the page and its log; true (parts filled) when the page is
    // there and no write since could change it.
    auto cached = [&]() {
      PageParts kept;
      std::map<std::string, std::string> found;
      cache->GetMulti({key, log_key}, &found);
      log_value = found[log_key];
      have_log = ParseWriteLog(log_value, &log);
      auto it = found.find(key);
      if (!have_log || it == found.end()) return false;
      const std::string& value = it->second;
      size_t nl = value.find('\n');
      char epoch[64], frontier[200];
      unsigned long long pos = 0, settled = 0;
      long long expires = 0, count = 0;
      int full = 0;
      int64_t delta = 0;
      if (nl == std::string::npos ||
          sscanf(value.substr(0, nl).c_str(), "zfp3 %63s %llu %llu %lld %199s %lld %d", epoch, &pos, &settled,
                 &expires, frontier, &count, &full) != 7 ||
          !DecodeFrontier(frontier, &kept.last)) {
        return false;
      }
      const LogAt at{&log, cache, log_key, generation};
      if (!NetEffectSince(at, epoch, pos, settled, [&](const auto& before, const auto& after) {
            return PageEffect(filter, ordering, kept.last, full != 0, before, after);
          }, &delta)) {
        // Its items changed; its count may still be proven (a count over
        // rows, a title's above all, costs up to some 300 ms to read again).
        if (NetEffectSince(at, epoch, pos, settled, [&](const auto& before, const auto& after) {
              return CountEffect(filter, before, after);
            }, &delta)) {
          known_count = count + delta;
        }
        return false;
      }
      kept.count = count + delta;
      kept.full = full != 0;
      kept.results = value.substr(nl + 1);
      if ((delta != 0 || log.end - pos > kWriteLogRestampBytes) && expires > now) {
        cache->Set(key, StoredPage(log, std::max<uint64_t>(settled, log.end), expires, kept),
                   static_cast<int>(expires - now));
      }
      parts = std::move(kept);
      return true;
    };
    auto hit = [&]() {
      Response r = Response::Json(200, RenderPage(req, page, parts.count, parts.results));
      SetCacheHeaders(&r, kListTtl, now);
      return r;
    };
    if (cached()) return hit();
    // A miss. One request per page reads the database at a time: a popular
    // page made stale (or evicted) is asked by many connections at once,
    // and each reading it would multiply a 100-400 ms count by their number.
    // The others wait a little for the filler's page, then read it themselves.
    // A fill that ended without a page others can use (an error, a page
    // past the last, or one a write made stale at once) frees the lock:
    // the waiters then read for themselves, all at once as without a lock,
    // never one after another.
    const std::string fill_key = CacheKey(prefix + "fill:" + key);
    Status added = cache->Add(fill_key, "1", kFillLockSeconds);
    const bool filler = added.ok();
    if (added.code() == Status::Code::kConflict) {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(kFillWaitMs);
      for (int pause = 2; std::chrono::steady_clock::now() < give_up; pause = std::min(pause * 2, 50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(pause));
        if (cached()) return hit();
        std::string held;
        if (cache->Get(fill_key, &held).code() == Status::Code::kNotFound) break;
      }
    }
    parts.known_count = known_count;
    // The log's position first, then the database (FreshReads: a replica
    // only once it holds what the primary had committed).
    if (!have_log) have_log = OpenWriteLog(cache, log_key, &log_value, &log).ok();
    {
      FreshReads fresh(services->db());
      s = build(&page, have_log ? LogAt{&log, cache, log_key, generation} : LogAt{}, &parts);
    }
    if (s.ok() && have_log) {
      const LogAt at{&log, cache, log_key, generation};
      cache->Set(key, StoredPage(log, SettledAt(at), now + kListKeepSeconds, parts), kListKeepSeconds);
    }
    if (filler) cache->Delete(fill_key);
  }
  if (!s.ok()) {
    if (s.code() == Status::Code::kInvalidPage) return ErrorResponse(s);
    return LoggedError(s, req);
  }
  Response r = Response::Json(200, RenderPage(req, page, parts.count, parts.results));
  SetCacheHeaders(&r, kListTtl, now);
  return r;
}

// The index hint of a page's id query: the range PlanSearch chose, for a
// city or for no district (a county is small enough for any walk; it has no
// area index). Empty: the server's own choice.
std::string IndexHint(int district_level, PageIndex index) {
  if (index == PageIndex::kOrdering || (district_level != 0 && district_level != 2)) return "";
  bool city = district_level == 2;
  if (index == PageIndex::kTypeRange) return city ? " FORCE INDEX (idx_house_type)" : "";
  if (index == PageIndex::kPriceRange) return city ? " FORCE INDEX (idx_house_city_price)" : " FORCE INDEX (idx_house_price)";
  return city ? " FORCE INDEX (idx_house_city_area)" : " FORCE INDEX (idx_house_area)";
}

Response ListHouses(Context& ctx, const Request& req, const PathParams&) {
  // Filters first: a bad value answers 400 before any page check.
  FieldErrors errors;
  ListingFilters filters;
  ParseListingFilters(req.query, &filters, &errors);
  if (!errors.empty()) return ErrorResponse(Status::Invalid(std::move(errors)));
  const std::optional<double>& minprice = filters.minprice;
  const std::optional<double>& maxprice = filters.maxprice;
  const std::optional<double>& minarea = filters.minarea;
  const std::optional<double>& maxarea = filters.maxarea;
  const std::optional<double>& district = filters.district;
  const std::optional<std::string>& title = filters.title;
  const std::optional<std::string>& type = filters.type;
  const int64_t type_id = filters.type_id;
  const std::vector<std::string> shown = PageGenerations(district);
  PageFilter filter;
  filter.district = district;
  filter.minprice = minprice;
  filter.maxprice = maxprice;
  filter.minarea = minarea;
  filter.maxarea = maxarea;
  if (type) filter.type = type_id;
  filter.title = title;
  const Ordering ordering = OrderingTerms(req.query, kOrdering, "-pubdate");
  return ValidatedList(ctx.services, req, shown, filter, ordering,
                       [&](PageRequest* page_request, const LogAt& log, PageParts* parts) {
    PageRequest& page = *page_request;
    Db db(ctx.services->db());
    Rows rows;
    std::string where = " WHERE 1 = 1";
    std::vector<Param> params;
    // Which of tb_house_count's levels the district is: 0 no district, 2 a
    // city, 3 a county, -1 anything else (not kept there).
    int district_level = 0;
    Status conditions = AppendListingConditions(db, filters, &where, &params, &district_level);
    if (!conditions.ok()) return conditions;
    // A title: the page and the count read the listings of the keyword's
    // rarest gram, or for a frequent keyword the page walks its order
    // reading rows and the count reads the rows of the place's range (of
    // the grams' listings without a place); the count reads the grams alone
    // when they are the answer (a keyword of 1-3 characters, no other filter).
    std::string rows_from = " FROM tb_house_info h";  // the page's; the count's is in count_where
    std::vector<Param> rows_from_params;
    std::string count_where = rows_from + where;
    std::vector<Param> count_params = params;
    std::string count_sql;
    std::vector<Param> count_sql_params;
    if (title) {
      TitleFilter tf;
      Status st = MakeTitleFilter(db, *title, ctx.title_frequent_gram, &tf);
      if (!st.ok()) return st;
      bool narrowed = minprice || maxprice || minarea || maxarea || type || district;
      where += tf.like_where;
      params.push_back(tf.like_param);
      count_where = where;
      count_params = params;
      if (tf.frequent && !district) {  // grams, not a walk of the whole table
        count_where += tf.grams_where;
        count_params.insert(count_params.end(), tf.grams_params.begin(), tf.grams_params.end());
      }
      rows_from = tf.rows_from;
      rows_from_params = tf.rows_from_params;
      count_where = rows_from + count_where;
      count_params.insert(count_params.begin(), rows_from_params.begin(), rows_from_params.end());
      if (!narrowed && !tf.gram_pattern.empty()) {
        count_sql = "SELECT COUNT(DISTINCT g.houseid) FROM tb_house_title_gram g WHERE g.gram LIKE ? ESCAPE '\\\\'";
        count_sql_params.push_back(Param(tf.gram_pattern));
      }
    }
    // The search form's queries (no title; a city, a county or no district;
    // band bounds) are counted from tb_house_count, per price band, which
    // also says which index the page should walk (search_plan.h); other
    // bounds of a city or of no district from tb_house_count_fine (below).
    // Any other query (a title, a county with bounds off the form) is
    // counted by COUNT(*) over the listings, and that count is cached: it
    // depends on the filters only, not on the page, its size or the ordering
    // (same generations, so a write still reaches it at once).
    int64_t count = 0;
    int price_low = 0, price_high = 0, area_low = 0, area_high = 0;
    bool kept = !title && district_level >= 0 && BandRange(minprice, maxprice, kPriceBounds, &price_low, &price_high) &&
                BandRange(minarea, maxarea, kAreaBounds, &area_low, &area_high);
    std::vector<std::pair<std::string, bool>> terms = OrderingTerms(req.query, kOrdering, "-pubdate");
    bool by_price = !terms.empty() && terms[0].first == "h.price";
    // Any other bounds of a city or of no district, and the form's when the
    // page walks in price order (where in a band its matches sit decides
    // that walk), are counted from the fine steps (012_listing_counts_fine.sql).
    bool fine = !title && (district_level == 0 || district_level == 2) && (!kept || by_price);
    std::vector<PriceBandCounts> bands;
    if (fine) {
      int64_t plow, phigh, alow, ahigh;
      WholeBounds(minprice, maxprice, &plow, &phigh);
      WholeBounds(minarea, maxarea, &alow, &ahigh);
      StepCut price_cut = CutSteps(kPriceSteps, plow, phigh), area_cut = CutSteps(kAreaSteps, alow, ahigh);
      Status st = FineCounts(db, district_level, district_level == 0 ? 0.0 : *district, type ? &type_id : nullptr,
                             price_cut, area_cut, alow, ahigh, &bands);
      if (!st.ok()) return st;
      // The planner's price range: the steps the bounds touch.
      price_low = price_cut.empty ? 1 : kPriceSteps.of(plow);
      price_high = price_cut.empty ? 0 : kPriceSteps.of(phigh);
      count = CountMatching(bands, price_low, price_high);
    } else if (kept) {
      Status st = KeptCounts(db, district_level, district_level == 0 ? 0.0 : *district, type ? &type_id : nullptr,
                             area_low, area_high, &bands);
      if (!st.ok()) return st;
      count = CountMatching(bands, price_low, price_high);
    } else {
      Status st = CountByRows(ctx.services, db, count_where, count_params, filter, log, parts->known_count, &count,
                              count_sql, count_sql_params);
      if (!st.ok()) return st;
    }
    // An unknown type is a 400, not an empty page. Listings of a type prove
    // it exists (a foreign key), so only an empty count asks.
    if (type && count == 0) {
      Status st = db.Query("SELECT 1 FROM tb_house_type WHERE typeid = ?", {Param(static_cast<long long>(type_id))},
                           &rows);
      if (!st.ok()) return st;
      if (rows.empty()) return Status::InvalidField("type", Msg::kInvalidChoice);
    }
    Status s;
    if (!ResolvePage(count, &page).ok()) return Status::InvalidPage();
    // Ids first (an index walk), then only the page's rows are joined.
    std::string order = OrderByClause(req.query, kOrdering, "-pubdate", "h.houseid");
    std::string index_hint;
    if (kept || fine) {
      SearchShape shape;
      shape.price_low = price_low;
      shape.price_high = price_high;
      shape.price_filtered = minprice.has_value() || maxprice.has_value();
      shape.area_filtered = minarea.has_value() || maxarea.has_value();
      shape.type_range = type.has_value() && district_level == 2;  // idx_house_type: typeid, distid2, price
      shape.by_price = by_price;
      shape.descending = !terms.empty() && terms[0].second;
      shape.wanted = PageOffset(page) + page.size;
      index_hint = IndexHint(district_level, PlanSearch(bands, shape, ctx.plan_min_walk).index);
    }
    std::vector<Param> page_params = rows_from_params;
    page_params.insert(page_params.end(), params.begin(), params.end());
    page_params.emplace_back(page.size);
    page_params.emplace_back(static_cast<long long>(PageOffset(page)));
    std::string outer_order = OrderByClause(req.query, kOuterOrdering, "-pubdate", "x.houseid");
    if (count == 0 || PageOffset(page) >= count) {  // nothing to page through: no index walk
      parts->count = count;
      return Status::Ok();
    }
    s = db.QueryFresh(
        "SELECT x.houseid, x.title, x.area, x.floor, x.totalfloor, x.price, x.priceunit, x.mainphoto, x.street, "
        "d.distid, d.name, t.typeid, t.name, x.pubdate FROM (SELECT h.houseid" + rows_from + index_hint +
            where + order + " LIMIT ? OFFSET ?) AS p JOIN tb_house_info x ON x.houseid = p.houseid "
            "JOIN tb_district d ON d.distid = x.distid3 JOIN tb_house_type t ON t.typeid = x.typeid" + outer_order,
        page_params, &rows);
    if (!s.ok()) return s;
    std::vector<int64_t> ids;
    for (const Row& row : rows) ids.push_back(row.Int(0));
    std::map<int64_t, std::string> tags;
    s = LoadTags(db, ids, &tags);
    if (!s.ok()) return s;
    JsonWriter w;
    w.BeginArray();
    for (const Row& row : rows) {
      w.BeginObject().Key("houseid").Int(row.Int(0)).Key("title").String(row.Str(1));
      w.Key("area").Int(row.Int(2)).Key("floor").Int(row.Int(3)).Key("totalfloor").Int(row.Int(4));
      w.Key("price").Int(row.Int(5)).Key("priceunit").String(row.Str(6));
      w.Key("mainphoto").String("/media/images/" + row.Str(7)).Key("street").String(row.Str(8));
      WriteRef(&w, "district", "distid", row, 9);
      WriteRef(&w, "type", "typeid", row, 11);
      auto it = tags.find(row.Int(0));
      w.Key("tags").Raw(it == tags.end() ? "[]" : it->second);
      w.EndObject();
    }
    w.EndArray();
    if (!rows.empty()) {  // what the write log's records are compared with (page_validity.h)
      ListingState item;
      item.houseid = rows.back().Int(0);
      item.price = static_cast<double>(rows.back().Int(5));
      item.pubdate = rows.back().Str(13);
      parts->last = item;
    }
    parts->count = count;
    parts->results = w.Take();
    parts->full = static_cast<int64_t>(rows.size()) == page.size;
    return Status::Ok();
  });
}

// ---- Detail and photos ------------------------------------------------------------

Status PhotosJson(Db& db, int64_t id, std::string* out) {
  Rows rows;
  Status s = db.Query("SELECT photoid, path FROM tb_house_photo WHERE houseid = ? ORDER BY photoid",
                      {Param(static_cast<long long>(id))}, &rows);
  if (!s.ok()) return s;
  JsonWriter w;
  w.BeginArray();
  for (const Row& r : rows) w.BeginObject().Key("photoid").Int(r.Int(0)).Key("path").String(r.Str(1)).EndObject();
  w.EndArray();
  *out = w.Take();
  return Status::Ok();
}

Status DetailJson(Db& db, int64_t id, std::string* out) {
  Row r;
  Status s = QueryOne(db,
      "SELECT h.houseid, d.distid, d.name, t.typeid, t.name, a.agentid, a.name, a.tel, a.servstar, e.estateid, e.name, "
      "h.title, h.area, h.floor, h.totalfloor, h.direction, h.price, h.priceunit, h.detail, h.mainphoto, h.pubdate, "
      "h.street, h.hassubway, h.isshared, h.hasagentfees FROM tb_house_info h "
      "JOIN tb_district d ON d.distid = h.distid3 JOIN tb_house_type t ON t.typeid = h.typeid "
      "LEFT JOIN tb_agent a ON a.agentid = h.agentid LEFT JOIN tb_estate e ON e.estateid = h.estateid "
      "WHERE h.houseid = ?",
      id, "listing", &r);
  if (!s.ok()) return s;
  std::string photos;
  s = PhotosJson(db, id, &photos);
  if (!s.ok()) return s;
  std::map<int64_t, std::string> tags;
  s = LoadTags(db, {id}, &tags);
  if (!s.ok()) return s;
  JsonWriter w;
  w.BeginObject().Key("houseid").Int(r.Int(0)).Key("photos").Raw(photos);
  WriteRef(&w, "district", "distid", r, 1);
  WriteRef(&w, "type", "typeid", r, 3);
  w.Key("agent");
  if (r.IsNull(5)) {
    w.Null();
  } else {
    w.BeginObject().Key("agentid").Int(r.Int(5)).Key("name").String(r.Str(6)).Key("tel").String(r.Str(7));
    w.Key("servstar").Int(r.Int(8)).EndObject();
  }
  WriteRef(&w, "estate", "estateid", r, 9);
  auto it = tags.find(id);
  w.Key("tags").Raw(it == tags.end() ? "[]" : it->second);
  w.Key("title").String(r.Str(11)).Key("area").Int(r.Int(12)).Key("floor").Int(r.Int(13));
  w.Key("totalfloor").Int(r.Int(14)).Key("direction").String(r.Str(15)).Key("price").Int(r.Int(16));
  w.Key("priceunit").String(r.Str(17)).Key("detail");
  r.IsNull(18) ? w.Null() : w.String(r.Str(18));
  w.Key("mainphoto").String(r.Str(19)).Key("pubdate").String(r.Str(20).substr(0, 10)).Key("street").String(r.Str(21));
  for (int i = 0; i < 3; ++i) {
    static const char* kFlags[] = {"hassubway", "isshared", "hasagentfees"};
    w.Key(kFlags[i]);
    r.IsNull(22 + i) ? w.Null() : w.Bool(r.Bool(22 + i));
  }
  w.EndObject();
  *out = w.Take();
  return Status::Ok();
}

// OK when listing `id` exists, NotFound when not.
Status ListingExists(Db& db, int64_t id) {
  Rows rows;
  Status s = db.Query("SELECT 1 FROM tb_house_info WHERE houseid = ?", {Param(static_cast<long long>(id))}, &rows);
  if (s.ok() && rows.empty()) return Status::NotFound("listing");
  return s;
}

Response ListPhotos(Context& ctx, const Request& req, const PathParams& params) {
  int64_t id = 0;
  if (!RowId(params, "id", &id)) return ErrorResponse(Status::NotFound("listing"));
  Db db(ctx.services->db());
  std::string body;
  Status s = ListingExists(db, id);
  if (s.ok()) s = PhotosJson(db, id, &body);
  if (!s.ok()) return LoggedError(s, req);
  return Response::Json(200, body);
}

// ---- Writes -----------------------------------------------------------------------

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

// `tags`: a list of tag ids (a form sends the field once per id).
void ReadTags(const Json::Value& body, FieldErrors* errors, WriteExtras* extras) {
  if (!body.isMember("tags")) return;
  const Json::Value& t = body["tags"];
  if (!t.isArray()) {
    errors->Add("tags", Msg::kNotAList, t.isString() ? "str" : "dict");
    return;
  }
  std::vector<int64_t> ids;
  for (const Json::Value& item : t) {
    int64_t id = 0;
    FieldErrors one;
    Json::Value wrapper(Json::objectValue);
    wrapper["v"] = item;
    if (ReadInt(wrapper, "v", true, kInt32Min, kInt32Max, &one, &id)) {
      ids.push_back(id);
    } else {
      errors->Add("tags", Msg::kNoSuchPrimaryKey,
                  item.isString() ? item.asString() : Trimmed(item.toStyledString()).substr(0, 40));
    }
  }
  extras->ids = ids;
}

// Every tag id in one query (the list's length is bounded before: app.max_list_items);
// 无效主键 for each missing one, in the body's order.
Status CheckTags(Db& tx, const WriteExtras& extras, FieldErrors* errors) {
  if (!extras.ids || extras.ids->empty()) return Status::Ok();
  std::string sql = "SELECT tagid FROM tb_tag WHERE tagid IN (";
  std::vector<Param> params;
  for (int64_t id : *extras.ids) {
    sql += params.empty() ? "?" : ",?";
    params.emplace_back(static_cast<long long>(id));
  }
  Rows rows;
  // Prepared for this call: one statement per list length would crowd the statement cache.
  Status s = tx.QueryFresh(sql + ")", params, &rows);
  if (!s.ok()) return s;
  std::set<int64_t> found;
  for (const Row& row : rows) found.insert(row.Int(0));
  for (int64_t id : *extras.ids) {
    if (found.count(id) == 0) errors->Add("tags", Msg::kNoSuchPrimaryKey, std::to_string(id));
  }
  return Status::Ok();
}

Status AttachMainPhoto(Db& tx, const Request& req, int64_t id);

Status ReplaceTags(Db& tx, int64_t id, const WriteExtras& extras) {
  if (!extras.ids) return Status::Ok();
  Status s = tx.Execute("DELETE FROM tb_house_tag WHERE houseid = ?", {Param(static_cast<long long>(id))});
  for (int64_t tag : *extras.ids) {
    if (!s.ok()) return s;
    s = tx.Execute("INSERT IGNORE INTO tb_house_tag (houseid, tagid) VALUES (?, ?)",
                   {Param(static_cast<long long>(id)), Param(static_cast<long long>(tag))});
  }
  return s;
}

// After a listing's row is written: its tags, and the photos it now names.
Status SaveDependents(Db& tx, const Request& req, int64_t id, const WriteExtras& extras) {
  Status s = ReplaceTags(tx, id, extras);
  if (s.ok()) s = AttachMainPhoto(tx, req, id);
  return s;
}

// A listing's tags, photo rows and browsing records go with it; the audit
// row keeps the listing (tags and photos included) as it was.
Status DeleteDependents(Db& tx, const Request&, int64_t id) {
  for (const char* sql : {"DELETE FROM tb_house_tag WHERE houseid = ?", "DELETE FROM tb_house_photo WHERE houseid = ?",
                          "DELETE FROM tb_record WHERE houseid = ?"}) {
    Status s = tx.Execute(sql, {Param(static_cast<long long>(id))});
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

// Writes answer, and the audit trail records, the whole detail.
Status WrittenDetail(Db& tx, const Resource&, int64_t id, const Record&, std::string* out) {
  return DetailJson(tx, id, out);
}

// Every column a write takes, in the serializer's order. Foreign keys are
// checked once every field passed (field errors first), then each by its key.
const Resource kListings = {
    .name = "listings", .table = "tb_house_info", .noun = "listing",
    .collection = "/api/houseinfos/", .item = "/api/houseinfos/{id}/",
    .fields = {Int("houseid", kPrimaryKey), Text("title", 50, kRequired),
               Int("area", kRequired), Int("floor", kRequired), Int("totalfloor", kRequired),
               Text("direction", 10, kRequired), Int("price", kRequired), Text("priceunit", 10, kRequired),
               Text("detail", 511, kBlankable), Text("mainphoto", 255, kRequired), Text("street", 255, kRequired),
               Bool("hassubway"), Bool("isshared"), Bool("hasagentfees"),
               Key("type", "typeid", "tb_house_type", "typeid", kRequired),
               Key("district_level2", "distid2", "tb_district", "distid", kRequired),
               Key("district_level3", "distid3", "tb_district", "distid", kRequired),
               Key("estate", "estateid", "tb_estate", "estateid", kNullable),
               Key("agent", "agentid", "tb_agent", "agentid", kNullable)},
    // Pages and details key on generations by place and by row
    // (PageGenerations, DetailGenerations; `shown` is for the generic list,
    // which the search replaces).
    .shown = {kAllListings, kBulkListings, "agents", "estates", "tags", "housetypes"},
    .detail_ttl = kDetailTtl,
    .keys_after_fields = true,
    .list_body_fields = {"tags"},
    // A listing belongs to its publisher, the agent it names, and 管理员.
    .owned_by = {.user_column = "userid", .agent_column = "agentid"},
    .insert_extras = {{"pubdate", "CURDATE()"}, {"userid", "?"}},
    .hooks = {.detail = DetailJson,
              .written = WrittenDetail,
              .read_extras = ReadTags,
              .check_extras = CheckTags,
              .after_save = SaveDependents,
              .before_delete = DeleteDependents,
              .written_generations = ListingGenerations,
              .announce_write = AnnounceListingWrite,
              .detail_generations = DetailGenerations},
    // New listings append to the same index ends (their tags, their grams):
    // under REPEATABLE READ two of them held the end's gap each wanted.
    .write_isolation = Isolation::kReadCommitted,
};

using Listing = ResourceRoutes<Context, kListings>;

// ---- Photos -----------------------------------------------------------------------

std::string PhotoJson(int64_t id, const std::string& path) {
  JsonWriter w;
  w.BeginObject().Key("photoid").Int(id).Key("path").String(path).EndObject();
  return w.Take();
}

// Stores the photo row of `upload` with its audit record, and makes sure the
// file is in place before the row commits (MediaStore::EnsureStored; the
// protocol with the sweeper is in resource/media_sweep.h). For a listing
// (`house` not 0), a photo of the same file that this user uploaded on its
// own (POST /api/photos/) and not yet attached is attached instead of a new
// row. A failure leaves any file it wrote to the sweeper: another request's
// row may name the same file.
Status SavePhoto(Context& ctx, const Request& req, const Upload& upload, int64_t house, int64_t* id) {
  Db db(ctx.services->db());
  uint64_t new_id = 0;
  Status s = db.Transaction([&](Db& tx) {
    new_id = 0;
    Status st;
    if (house != 0) {
      Rows rows;
      st = tx.Query(
          "SELECT photoid FROM tb_house_photo WHERE houseid IS NULL AND uploader = ? AND path = ? "
          "ORDER BY photoid LIMIT 1 FOR UPDATE",
          {Param(static_cast<long long>(req.userid)), Param(upload.url)}, &rows);
      if (!st.ok()) return st;
      if (!rows.empty()) {
        new_id = static_cast<uint64_t>(rows[0].Int(0));
        st = tx.Execute("UPDATE tb_house_photo SET houseid = ? WHERE photoid = ?",
                        {Param(static_cast<long long>(house)), Param(static_cast<long long>(new_id))});
        if (!st.ok()) return st;
        std::string row = PhotoJson(static_cast<int64_t>(new_id), upload.url);
        st = WriteAudit(tx, req, "tb_house_photo", std::to_string(new_id), row, row);
        if (!st.ok()) return st;
        return ctx.media->EnsureStored(upload);
      }
    }
    st = tx.Execute("INSERT INTO tb_house_photo (houseid, path, ismain, uploader) VALUES (?, ?, 0, ?)",
                    {house == 0 ? Param::Null() : Param(static_cast<long long>(house)), Param(upload.url),
                     Param(static_cast<long long>(req.userid))},
                    nullptr, &new_id);
    if (!st.ok()) return st;
    st = WriteAudit(tx, req, "tb_house_photo", std::to_string(new_id), std::nullopt,
                    PhotoJson(static_cast<int64_t>(new_id), upload.url));
    if (!st.ok()) return st;
    // After the INSERT: a sweep that removed the file had to finish first.
    return ctx.media->EnsureStored(upload);
  });
  *id = static_cast<int64_t>(new_id);
  return s;
}

// After a listing is created or updated: its publisher's photos of the
// mainphoto's file, uploaded on their own and not yet attached, become the
// listing's (so they are neither lost to the unattached TTL nor left
// without a listing to delete them with). The mainphoto may be the bare
// file name or the /media/images/ URL, as clients send either.
Status AttachMainPhoto(Db& tx, const Request& req, int64_t id) {
  Rows rows;
  Status s = tx.Query("SELECT mainphoto FROM tb_house_info WHERE houseid = ?", {Param(static_cast<long long>(id))},
                      &rows);
  if (!s.ok() || rows.empty()) return s;
  std::string file = MediaFileName(rows[0].Str(0));
  if (file.empty() || req.userid == 0) return Status::Ok();
  return tx.Execute("UPDATE tb_house_photo SET houseid = ? WHERE houseid IS NULL AND uploader = ? AND path = ?",
                    {Param(static_cast<long long>(id)), Param(static_cast<long long>(req.userid)),
                     Param(kMediaImagesUrl + file)});
}

// POST /api/photos/: as the old site, failures of the file itself answer 200
// with code 300002.
Response UploadPhoto(Context& ctx, const Request& req, const PathParams&) {
  // Those who may publish listings may upload their photos.
  bool allowed = false;
  Status s = ctx.services->privileges()->Allowed(req.userid, "POST", "/api/houseinfos/", &allowed);
  if (!s.ok()) return LoggedError(s, req);
  if (!allowed) return ErrorResponse(Status::PermissionDenied("may not publish listings"));
  Upload upload;
  Status missing = Status::Refused(300002, Msg::kUploadMissing, std::to_string(kMaxPhotoBytes));
  int64_t id = 0;
  s = ctx.media->StoreUpload(req, "mainphoto", missing, &upload);
  if (s.ok()) s = SavePhoto(ctx, req, upload, 0, &id);
  if (!s.ok()) return LoggedError(s, req);
  JsonWriter w;
  w.BeginObject().Key("code").Int(300001).Key("message").String(Message(Msg::kUploadDone)).Key("photoid").Int(id);
  w.Key("url").String(upload.url).EndObject();
  return Response::Json(200, w.Take());
}

Response AddHousePhoto(Context& ctx, const Request& req, const PathParams& params) {
  int64_t house = 0;
  if (!RowId(params, "id", &house)) return ErrorResponse(Status::NotFound("listing"));
  Db db(ctx.services->db());
  Status s = MayChange(db, kListings, req, house);  // 404 for no listing, 403 for someone else's
  if (!s.ok()) return LoggedError(s, req);
  Upload upload;
  Status missing = Status::InvalidField("photo", Msg::kNoFileSubmitted, std::to_string(kMaxPhotoBytes));
  int64_t id = 0;
  s = ctx.media->StoreUpload(req, "photo", missing, &upload);
  if (s.ok()) s = SavePhoto(ctx, req, upload, house, &id);
  if (!s.ok()) return LoggedError(s, req);
  MarkWritten(ctx.services, req, RowGeneration(house));  // photos show in the detail only
  return Response::Json(201, PhotoJson(id, upload.url));
}

Response RemoveHousePhoto(Context& ctx, const Request& req, const PathParams& params) {
  int64_t house = 0, photo = 0;
  if (!RowId(params, "id", &house) || !RowId(params, "photoid", &photo)) {
    return ErrorResponse(Status::NotFound("photo"));
  }
  Db db(ctx.services->db());
  Status s = db.Transaction([&](Db& tx) {
    Rows rows;
    Status st = MayChange(tx, kListings, req, house);
    if (!st.ok()) return st.code() == Status::Code::kNotFound ? Status::NotFound("photo") : st;
    st = tx.Query("SELECT path FROM tb_house_photo WHERE photoid = ? AND houseid = ? FOR UPDATE",
                         {Param(static_cast<long long>(photo)), Param(static_cast<long long>(house))}, &rows);
    if (!st.ok()) return st;
    if (rows.empty()) return Status::NotFound("photo");
    st = tx.Execute("DELETE FROM tb_house_photo WHERE photoid = ?", {Param(static_cast<long long>(photo))});
    if (!st.ok()) return st;
    // The file stays: other rows may share its content. The sweeper removes
    // it once no row names it, after media.sweep_grace_s (until then the
    // audit row's path restores it by hand).
    return WriteAudit(tx, req, "tb_house_photo", std::to_string(photo), PhotoJson(photo, rows[0].Str(0)), std::nullopt);
  });
  if (!s.ok()) return LoggedError(s, req);
  MarkWritten(ctx.services, req, RowGeneration(house));  // photos show in the detail only
  return NoContent();
}
}  // namespace

const Router<Context>& Routes() {
  static const Router<Context> router([] {
    std::vector<Router<Context>::Route> routes;
    // The list is the search (below), not the generic list.
    Listing::AddTo(&routes, ListHouses);
    routes.push_back({"GET", "/api/houseinfos/{id}/photos/", ListPhotos, Access::kPublic});
    routes.push_back({"POST", "/api/houseinfos/{id}/photos/", AddHousePhoto, Access::kPrivileged});
    routes.push_back({"DELETE", "/api/houseinfos/{id}/photos/{photoid}/", RemoveHousePhoto, Access::kPrivileged});
    routes.push_back({"POST", "/api/photos/", UploadPhoto, Access::kSignedIn});
    return routes;
  }());
  return router;
}

int64_t PlanMinWalk(const Config& config, Status* status) {
  int64_t v = kWalkWorthPlanning;
  Status s = config.GetInt("listings.plan_min_walk", &v);
  if (status != nullptr) *status = s;
  return v;
}

int64_t TitleFrequentGram(const Config& config, Status* status) {
  int64_t v = 20000;  // the schema's default
  Status s = config.GetInt("listings.title_frequent_gram", &v);
  if (status != nullptr) *status = s;
  return v;
}

// The process's photo store: one for all its threads, so that decodes share
// one bound.
MediaStore* ProcessMediaStore(const Config& config) {
  static MediaStore store([&] {
    MediaSettings settings;
    LoadMediaSettings(config, &settings);  // checked at start-up (CheckSettings)
    return settings;
  }());
  return &store;
}

// Checked once at start-up: the folder photos go to, the planner's setting.
Status CheckSettings(const AppSettings& settings) {
  Status s;
  PlanMinWalk(*settings.config, &s);
  if (!s.ok()) return s;
  TitleFrequentGram(*settings.config, &s);
  if (!s.ok()) return s;
  MediaSettings media;
  s = LoadMediaSettings(*settings.config, &media);
  if (!s.ok()) return s;
  struct stat st;
  if (stat(media.root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::InvalidArgument("settings " + settings.config->source() + ": key \"media.root\": " + media.root +
                                   " is not a folder");
  }
  return Status::Ok();
}

GroupDefinition Group() {
  return RoutedGroup<Context>(
      "listings", Routes,
      [](ThreadServices* services) {
        const Config& config = *services->process()->settings().config;
        return Context{services, ProcessMediaStore(config), PlanMinWalk(config, nullptr),
                       TitleFrequentGram(config, nullptr)};
      },
      CheckSettings);
}

}  // namespace zf::listings
