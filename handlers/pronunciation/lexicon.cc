#include "lexicon.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <tuple>

#include "lexicon_format.h"

namespace zf::pronunciation {

std::string_view SourceName(Source source) {
  switch (source) {
    case Source::kMoe: return "moe";
    case Source::kItaigi: return "itaigi";
    case Source::kChar: return "char";
    case Source::kNone: break;
  }
  return "";
}

namespace {

// Unicode's script Han, as ranges (Scripts.txt): radicals, 々 〇 〡-〩 〸-〻,
// the CJK Unified Ideographs with every extension, the compatibility
// ideographs and their supplement.
struct Range {
  char32_t first, last;
};
constexpr Range kHan[] = {
    {0x2E80, 0x2E99},   {0x2E9B, 0x2EF3},   {0x2F00, 0x2FD5},   {0x3005, 0x3005},   {0x3007, 0x3007},
    {0x3021, 0x3029},   {0x3038, 0x303B},   {0x3400, 0x4DBF},   {0x4E00, 0x9FFF},   {0xF900, 0xFA6D},
    {0xFA70, 0xFAD9},   {0x16FE2, 0x16FE3}, {0x16FF0, 0x16FF1}, {0x20000, 0x2A6DF}, {0x2A700, 0x2B739},
    {0x2B740, 0x2B81D}, {0x2B820, 0x2CEA1}, {0x2CEB0, 0x2EBE0}, {0x2EBF0, 0x2EE5D}, {0x2F800, 0x2FA1D},
    {0x30000, 0x3134A}, {0x31350, 0x323AF},
};

class MappedLexicon final : public LexiconView {
 public:
  MappedLexicon(const void* base, size_t bytes) : base_(static_cast<const char*>(base)), bytes_(bytes) {}
  ~MappedLexicon() override { munmap(const_cast<char*>(base_), bytes_); }

  // Checks every size, offset and order once, so lookups need no checks.
  Status Validate() {
    if (bytes_ < sizeof(format::Header)) return Status::Internal("shorter than its header");
    std::memcpy(&h_, base_, sizeof h_);
    if (std::memcmp(h_.magic, format::kMagic, sizeof h_.magic) != 0) return Status::Internal("not a lexicon");
    if (h_.version != format::kVersion) {
      return Status::Internal("format version " + std::to_string(h_.version) + ", expected " +
                              std::to_string(format::kVersion));
    }
    if (h_.file_bytes != bytes_) {
      return Status::Internal("file of " + std::to_string(bytes_) + " bytes, header says " +
                              std::to_string(h_.file_bytes));
    }
    if (!Map(h_.firsts, &firsts_) || !Map(h_.entries, &entries_) || !Map(h_.readings, &readings_) ||
        !Map(h_.chars, &chars_) || !Map(h_.char_readings, &char_readings_) ||
        !Map(h_.code_points, &code_points_) || !Map(h_.contexts, &contexts_)) {
      return Status::Internal("a section lies outside the file");
    }
    std::span<const char> pool;
    if (!Map(h_.pool, &pool)) return Status::Internal("the text pool lies outside the file");
    pool_ = std::string_view(pool.data(), pool.size());

    uint32_t previous = 0;
    size_t next_entry = 0;
    for (size_t i = 0; i < firsts_.size(); ++i) {
      const auto& f = firsts_[i];
      if ((i && f.code_point <= previous) || f.first_entry != next_entry || f.entry_count == 0 ||
          f.entry_count > entries_.size() - f.first_entry) {
        return Status::Internal("first code point table out of order or out of range");
      }
      previous = f.code_point;
      next_entry = f.first_entry + f.entry_count;
      for (uint32_t e = f.first_entry; e < next_entry; ++e) {
        const auto& entry = entries_[e];
        if (entry.length == 0 || entry.key > code_points_.size() ||
            entry.length > code_points_.size() - entry.key || code_points_[entry.key] != f.code_point ||
            entry.reading_count == 0 || entry.first_reading > readings_.size() ||
            entry.reading_count > readings_.size() - entry.first_reading ||
            (e > f.first_entry && entry.length > entries_[e - 1].length)) {
          return Status::Internal("entry " + std::to_string(e) + " out of range");
        }
        for (const auto& r : Readings(entry)) {
          if (!InPool(r.text, r.text_bytes) || CountSyllables(Text(r.text, r.text_bytes)) != entry.length) {
            return Status::Internal("reading of entry " + std::to_string(e) + " out of range");
          }
        }
      }
    }
    if (next_entry != entries_.size()) return Status::Internal("entries outside the first code point table");
    size_t next_reading = 0;
    for (size_t i = 0; i < chars_.size(); ++i) {
      const auto& c = chars_[i];
      if ((i && c.code_point <= chars_[i - 1].code_point) || c.first_reading != next_reading ||
          c.reading_count == 0 || c.reading_count > char_readings_.size() - c.first_reading) {
        return Status::Internal("character table out of order or out of range");
      }
      next_reading = c.first_reading + c.reading_count;
      for (const auto& r : CharReadingsOf(c)) {
        if (!InPool(r.text, r.text_bytes) || r.text_bytes == 0) {
          return Status::Internal("character reading out of range");
        }
      }
    }
    if (next_reading != char_readings_.size()) return Status::Internal("character readings unaccounted for");
    for (size_t i = 0; i < contexts_.size(); ++i) {
      const auto& c = contexts_[i];
      if ((i && ContextOrder(c) < ContextOrder(contexts_[i - 1])) || !InPool(c.side_and_text & kTextBits, 0)) {
        return Status::Internal("context table out of order or out of range");
      }
    }
    return Status::Ok();
  }

  std::vector<std::string> CharReadings(char32_t code_point) const override {
    std::vector<std::string> out;
    for (const auto& r : CharReadingsOf(code_point)) out.emplace_back(Text(r.text, r.text_bytes));
    return out;
  }
  size_t FileBytes() const override { return bytes_; }
  size_t EntryCount() const override { return entries_.size(); }

  std::span<const format::Entry> EntriesStartingWith(char32_t code_point) const override {
    auto it = std::lower_bound(firsts_.begin(), firsts_.end(), code_point,
                               [](const format::FirstCodePoint& f, char32_t c) { return f.code_point < c; });
    if (it == firsts_.end() || it->code_point != code_point) return {};
    return entries_.subspan(it->first_entry, it->entry_count);
  }
  std::span<const uint32_t> Key(const format::Entry& entry) const override {
    return code_points_.subspan(entry.key, entry.length);
  }
  std::span<const format::Reading> Readings(const format::Entry& entry) const override {
    return readings_.subspan(entry.first_reading, entry.reading_count);
  }
  std::span<const format::CharReading> CharReadingsOf(char32_t code_point) const override {
    auto it = std::lower_bound(chars_.begin(), chars_.end(), code_point,
                               [](const format::CharInfo& c, char32_t cp) { return c.code_point < cp; });
    if (it == chars_.end() || it->code_point != code_point) return {};
    return CharReadingsOf(*it);
  }
  std::string_view Text(uint32_t offset, uint16_t bytes) const override { return pool_.substr(offset, bytes); }
  std::span<const format::Context> Contexts(char32_t code_point, char32_t neighbor, bool follows) const override {
    auto key = std::make_tuple(static_cast<uint32_t>(code_point), static_cast<uint32_t>(neighbor), follows);
    auto [lo, hi] = std::equal_range(contexts_.begin(), contexts_.end(), key, ContextLess{});
    return {lo, hi};
  }

 private:
  std::span<const format::CharReading> CharReadingsOf(const format::CharInfo& c) const {
    return char_readings_.subspan(c.first_reading, c.reading_count);
  }

  static constexpr uint32_t kTextBits = 0x7FFFFFFF;
  static std::tuple<uint32_t, uint32_t, bool> ContextOrder(const format::Context& c) {
    return {c.code_point, c.neighbor, (c.side_and_text >> 31) != 0};
  }
  struct ContextLess {
    bool operator()(const format::Context& c, const std::tuple<uint32_t, uint32_t, bool>& k) const {
      return ContextOrder(c) < k;
    }
    bool operator()(const std::tuple<uint32_t, uint32_t, bool>& k, const format::Context& c) const {
      return k < ContextOrder(c);
    }
  };

  template <class T>
  bool Map(const format::Section& s, std::span<const T>* out) const {
    if (s.offset % alignof(T) != 0 || s.offset > bytes_ || s.count > (bytes_ - s.offset) / sizeof(T)) return false;
    *out = std::span<const T>(reinterpret_cast<const T*>(base_ + s.offset), s.count);
    return true;
  }
  bool InPool(uint32_t offset, uint16_t bytes) const { return offset <= pool_.size() && bytes <= pool_.size() - offset; }
  static size_t CountSyllables(std::string_view text) {
    return text.empty() ? 0 : static_cast<size_t>(std::count(text.begin(), text.end(), '-')) + 1;
  }

  const char* base_;
  size_t bytes_;
  format::Header h_{};
  std::span<const format::FirstCodePoint> firsts_;
  std::span<const format::Entry> entries_;
  std::span<const format::Reading> readings_;
  std::span<const format::CharInfo> chars_;
  std::span<const format::CharReading> char_readings_;
  std::span<const uint32_t> code_points_;
  std::span<const format::Context> contexts_;
  std::string_view pool_;
};

}  // namespace

bool IsHan(char32_t c) {
  if (c < 0x2E80) return false;
  for (const Range& r : kHan) {
    if (c < r.first) return false;
    if (c <= r.last) return true;
  }
  return false;
}

Status Lexicon::Open(const std::string& path, std::unique_ptr<Lexicon>* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return Status::NotFound("no lexicon at " + path);
    return Status::Internal(path + ": " + std::strerror(err));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_size <= 0) {
    ::close(fd);
    return Status::Internal(path + ": empty or unreadable");
  }
  size_t bytes = static_cast<size_t>(st.st_size);
  void* base = mmap(nullptr, bytes, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (base == MAP_FAILED) return Status::Internal(path + ": mmap: " + std::strerror(errno));
  auto lexicon = std::make_unique<MappedLexicon>(base, bytes);
  if (Status s = lexicon->Validate(); !s.ok()) return Status::Internal(path + ": " + s.message());
  *out = std::move(lexicon);
  return Status::Ok();
}

}  // namespace zf::pronunciation
