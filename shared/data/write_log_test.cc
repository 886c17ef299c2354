#include "data/write_log.h"

#include <boost/test/unit_test.hpp>

#include <cstdio>
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
  std::string storage, segments;
  WriteLogView now = Open(cache, &storage);
  std::vector<std::string_view> records;
  *held = RecordsSince(cache, kKey, now, at.epoch, at.end, &segments, &records);
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

BOOST_AUTO_TEST_CASE(archived_segments_keep_every_record_after_a_position) {
  InMemoryCache cache;
  std::string storage;
  WriteLogView start = Open(&cache, &storage);
  std::vector<std::string> written;
  std::vector<WriteLogView> marks;  // the log as seen after each append
  const int appends = static_cast<int>(kWriteLogHeadBytes / 20) * 5;  // five heads' worth
  for (int i = 0; i < appends; ++i) {
    written.push_back("record-" + std::to_string(i) + "-xxxxxxx");
    BOOST_REQUIRE(AppendToWriteLog(&cache, kKey, written.back()).ok());
    std::string s;
    marks.push_back(Open(&cache, &s));
  }
  std::string s2;
  WriteLogView now = Open(&cache, &s2);
  BOOST_TEST(now.records.size() <= kWriteLogHeadBytes + 30);
  BOOST_TEST(now.segments.size() >= 3u);
  // From any position ever seen, exactly the records appended after it.
  for (size_t m : {size_t{0}, size_t{1}, size_t{37}, marks.size() / 2, marks.size() - 2}) {
    bool held = false;
    std::vector<std::string> got = Since(&cache, marks[m], &held);
    BOOST_TEST_CONTEXT("after append " << m) {
      BOOST_TEST(held);
      BOOST_TEST(got == std::vector<std::string>(written.begin() + static_cast<long>(m) + 1, written.end()),
                 boost::test_tools::per_element());
    }
  }
  bool held = false;
  std::vector<std::string> all = Since(&cache, start, &held);
  BOOST_TEST(held);
  BOOST_TEST(all.size() == written.size());
}

BOOST_AUTO_TEST_CASE(a_lost_segment_or_a_position_past_the_oldest_reads_as_lost) {
  InMemoryCache cache;
  std::string storage;
  WriteLogView start = Open(&cache, &storage);
  const int per_head = static_cast<int>(kWriteLogHeadBytes / 24) + 1;  // records of 24 bytes a line
  for (int i = 0; i < per_head * static_cast<int>(kWriteLogSegments + 4); ++i) {
    char record[32];
    snprintf(record, sizeof record, "r%06d-xxxxxxxxxxxxxxxx", i);
    BOOST_REQUIRE(AppendToWriteLog(&cache, kKey, record).ok());
  }
  bool held = true;
  Since(&cache, start, &held);
  BOOST_TEST(!held);  // its segment is no longer named
  std::string s2;
  WriteLogView now = Open(&cache, &s2);
  BOOST_REQUIRE(now.segments.size() == kWriteLogSegments);
  WriteLogView at_oldest = now;
  at_oldest.end = now.segments.front();
  Since(&cache, at_oldest, &held);
  BOOST_TEST(held);
  BOOST_TEST(cache.Delete(kKey + ":" + now.epoch + ":" + std::to_string(now.segments[1])).ok());  // evicted
  Since(&cache, at_oldest, &held);
  BOOST_TEST(!held);
  WriteLogView in_head = now;
  in_head.end = now.base;
  Since(&cache, in_head, &held);
  BOOST_TEST(held);  // the head alone: no segment needed
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
  InMemoryCache cache;
  WriteLogView view;
  BOOST_TEST(!ParseWriteLog("", &view));
  BOOST_TEST(!ParseWriteLog("zfwl2 e\n", &view));
  BOOST_TEST(!ParseWriteLog("zfwl2 e 1x -\n", &view));
  BOOST_TEST(!ParseWriteLog("zfwl2 e 7 9\n", &view));    // a segment after the head
  BOOST_TEST(!ParseWriteLog("zfwl2 e 7 3,2\n", &view));  // out of order
  BOOST_TEST(ParseWriteLog("zfwl2 e 7 -\nab\n", &view));
  BOOST_TEST(view.end == 10u);
  std::string storage;
  std::vector<std::string_view> records;
  BOOST_TEST(!RecordsSince(&cache, kKey, view, "e", 6, &storage, &records));   // before the head, no segment
  BOOST_TEST(!RecordsSince(&cache, kKey, view, "f", 7, &storage, &records));   // another epoch
  BOOST_TEST(!RecordsSince(&cache, kKey, view, "e", 11, &storage, &records));  // past the end
  BOOST_TEST(RecordsSince(&cache, kKey, view, "e", 7, &storage, &records));
  BOOST_TEST(records.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace
}  // namespace zf
