#include "data/write_log.h"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

namespace zf {
namespace {

const std::string kKey = "p:wlog:x";

// Opens the log and returns its view (the value kept in *storage).
WriteLogView Open(InMemoryCache* cache, std::string* storage) {
  WriteLogView view;
  BOOST_REQUIRE(OpenWriteLog(cache, kKey, storage, &view).ok());
  return view;
}

std::vector<std::string> Since(InMemoryCache* cache, const WriteLogView& at, bool* held) {
  std::string storage;
  WriteLogView now = Open(cache, &storage);
  std::vector<std::string_view> records;
  *held = RecordsSince(now, at.epoch, at.end, &records);
  return {records.begin(), records.end()};
}

BOOST_AUTO_TEST_SUITE(write_log)

BOOST_AUTO_TEST_CASE(records_after_a_position_are_read_back_in_order) {
  InMemoryCache cache;
  std::string storage;
  WriteLogView start = Open(&cache, &storage);
  BOOST_TEST(start.end == 0u);
  BOOST_TEST(AppendToWriteLog(&cache, kKey, "a").ok());
  BOOST_TEST(AppendToWriteLog(&cache, kKey, "b").ok());
  bool held = false;
  std::vector<std::string> got = Since(&cache, start, &held);
  BOOST_TEST(held);
  BOOST_TEST(got == (std::vector<std::string>{"a", "b"}), boost::test_tools::per_element());
  std::string s2;
  WriteLogView later = Open(&cache, &s2);
  got = Since(&cache, later, &held);
  BOOST_TEST(held);
  BOOST_TEST(got.empty());
}

BOOST_AUTO_TEST_CASE(a_lost_log_comes_back_under_another_epoch) {
  InMemoryCache cache;
  std::string storage;
  WriteLogView before = Open(&cache, &storage);
  BOOST_TEST(cache.Delete(kKey).ok());  // an eviction or a restart
  BOOST_TEST(AppendToWriteLog(&cache, kKey, "a").ok());
  bool held = true;
  Since(&cache, before, &held);
  BOOST_TEST(!held);
}

BOOST_AUTO_TEST_CASE(compaction_keeps_positions_and_reports_what_it_dropped) {
  InMemoryCache cache;
  std::string storage;
  WriteLogView start = Open(&cache, &storage);
  std::string record(99, 'r');  // 100 bytes a line
  AppendToWriteLog(&cache, kKey, record);
  std::string s1;
  WriteLogView after_first = Open(&cache, &s1);
  const int appends = static_cast<int>(kWriteLogMaxBytes / 101) + 20;  // past the limit
  for (int i = 0; i < appends; ++i) {
    BOOST_TEST(AppendToWriteLog(&cache, kKey, record + std::to_string((i + 10 - appends % 10) % 10)).ok());
  }
  std::string s2;
  WriteLogView now = Open(&cache, &s2);
  BOOST_TEST(now.records.size() <= kWriteLogMaxBytes);
  BOOST_TEST(now.base > 0u);
  BOOST_TEST(now.end == 100u + static_cast<uint64_t>(appends) * 101u);  // absolute: every byte ever appended
  bool held = true;
  Since(&cache, start, &held);
  BOOST_TEST(!held);  // compacted past it
  Since(&cache, after_first, &held);
  BOOST_TEST(!held);
  // A position still inside the kept records reads exactly what followed it.
  std::vector<std::string_view> records;
  uint64_t recent = now.end - 2 * 101;
  BOOST_TEST(RecordsSince(now, now.epoch, recent, &records));
  BOOST_TEST(records.size() == 2u);
  BOOST_TEST(std::string(records[1]) == record + "9");
}

BOOST_AUTO_TEST_CASE(an_unreachable_cache_is_reported_to_the_writer) {
  InMemoryCache cache;
  std::string storage;
  Open(&cache, &storage);
  cache.SetDown(true);
  BOOST_TEST(!AppendToWriteLog(&cache, kKey, "a").ok());
  WriteLogView view;
  BOOST_TEST(!OpenWriteLog(&cache, kKey, &storage, &view).ok());
}

BOOST_AUTO_TEST_CASE(a_compare_and_swap_loses_to_an_append_in_between) {
  InMemoryCache cache;
  BOOST_TEST(cache.Add(kKey, "x", 60).ok());
  std::string value;
  uint64_t cas = 0;
  BOOST_TEST(cache.GetWithCas(kKey, &value, &cas).ok());
  BOOST_TEST(cache.Append(kKey, "y").ok());
  BOOST_TEST(cache.CompareAndSwap(kKey, "z", 60, cas).code() == Status::Code::kConflict);
  BOOST_TEST(cache.Get(kKey, &value).ok());
  BOOST_TEST(value == "xy");
  BOOST_TEST(cache.Add(kKey, "w", 60).code() == Status::Code::kConflict);
}

BOOST_AUTO_TEST_CASE(values_that_are_not_logs_are_refused) {
  WriteLogView view;
  BOOST_TEST(!ParseWriteLog("", &view));
  BOOST_TEST(!ParseWriteLog("zfwl1 e\n", &view));
  BOOST_TEST(!ParseWriteLog("zfwl1 e 1x\n", &view));
  BOOST_TEST(ParseWriteLog("zfwl1 e 7\nab\n", &view));
  BOOST_TEST(view.end == 10u);
  std::vector<std::string_view> records;
  BOOST_TEST(!RecordsSince(view, "e", 6, &records));   // before base
  BOOST_TEST(!RecordsSince(view, "f", 7, &records));   // another epoch
  BOOST_TEST(!RecordsSince(view, "e", 11, &records));  // past the end
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace zf
