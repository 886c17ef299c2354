#include "resource/media_sweep.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include "resource/media.h"

namespace zf {

namespace {

constexpr int64_t kTemporaryMinAge = 600;  // s

// <32 lower-case hex digits><.jpg|.png|.gif|.webp>: the names uploads get.
bool IsUploadName(const std::string& name) {
  if (name.size() < 36) return false;
  for (size_t i = 0; i < 32; ++i) {
    char c = name[i];
    if (!std::isdigit(static_cast<unsigned char>(c)) && !(c >= 'a' && c <= 'f')) return false;
  }
  std::string ext = name.substr(32);
  return ext == ".jpg" || ext == ".png" || ext == ".gif" || ext == ".webp";
}

// <upload name>.tmp.<anything>: a writer's temporary file (media.cc).
bool IsTemporaryName(const std::string& name) {
  size_t at = name.find(".tmp.");
  return at != std::string::npos && at >= 36 && IsUploadName(name.substr(0, at));
}

// Every file name the rows refer to: a first pass without locks, so that only
// files that look unreferenced are checked one by one under locks.
Status ReferencedNames(Db& db, std::set<std::string>* names) {
  for (const char* sql : {"SELECT DISTINCT path FROM tb_house_photo", "SELECT DISTINCT mainphoto FROM tb_house_info"}) {
    Rows rows;
    Status s = db.Query(sql, {}, &rows);
    if (!s.ok()) return s;
    for (const Row& r : rows) {
      std::string name = MediaFileName(r.Str(0));
      if (!name.empty()) names->insert(name);
    }
  }
  return Status::Ok();
}

struct DirCloser {
  void operator()(DIR* d) const { closedir(d); }
};

}  // namespace

Status LoadSweepSettings(const Config& config, SweepSettings* out) {
  Status s = config.GetString("media.root", &out->root);
  long v = 0;
  if (s.ok()) s = config.GetInt("media.sweep_grace_s", &v);
  if (s.ok()) out->grace_s = v;
  if (s.ok()) s = config.GetInt("media.unattached_ttl_s", &v);
  if (s.ok()) out->unattached_ttl_s = v;
  return s;
}

std::string SweepReport::Summary() const {
  return std::to_string(rows_dropped) + " unattached rows, " + std::to_string(files_removed) + " files and " +
         std::to_string(temps_removed) + " temporary files removed; " + std::to_string(files_kept) + " kept";
}

Status SweepMedia(Db& db, const SweepSettings& settings, std::time_t now, SweepReport* report,
                  const std::function<void(const std::string& what)>& removed) {
  // Rows first, so their files go in this same sweep (once past the grace).
  uint64_t dropped = 0;
  Status s = db.Execute(
      "DELETE FROM tb_house_photo WHERE houseid IS NULL AND created < NOW() - INTERVAL ? SECOND",
      {Param(static_cast<long long>(settings.unattached_ttl_s))}, &dropped);
  if (!s.ok()) return s;
  report->rows_dropped += static_cast<int64_t>(dropped);
  if (dropped > 0) removed(std::to_string(dropped) + " unattached photo rows");

  std::string dir_path = settings.root + "/images";
  // O_NOFOLLOW: an images folder that is a symbolic link is not swept.
  int dir_fd = open(dir_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir_fd < 0) {
    if (errno == ENOENT) return Status::Ok();  // nothing uploaded yet
    return Status::Internal("media sweep: cannot open " + dir_path + ": " + strerror(errno));
  }
  std::unique_ptr<DIR, DirCloser> dir(fdopendir(dir_fd));
  if (!dir) {
    close(dir_fd);
    return Status::Internal("media sweep: cannot read " + dir_path + ": " + strerror(errno));
  }
  std::vector<std::string> uploads, temps;
  while (dirent* e = readdir(dir.get())) {
    std::string name = e->d_name;
    if (IsUploadName(name)) {
      uploads.push_back(name);
    } else if (IsTemporaryName(name)) {
      temps.push_back(name);
    }
  }
  // True when `name` is a regular file (never a link) last written before
  // the grace period.
  auto old_enough = [&](const std::string& name) {
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return false;
    return st.st_mtime + settings.grace_s <= now;
  };
  // A temporary file is being written for as long as an upload takes: never
  // touched younger than kTemporaryMinAge, whatever the grace (0 in tests).
  auto old_temporary = [&](const std::string& name) {
    struct stat st;
    if (fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode)) return false;
    return st.st_mtime + std::max<int64_t>(settings.grace_s, kTemporaryMinAge) <= now;
  };
  for (const std::string& name : temps) {
    if (!old_temporary(name)) continue;
    if (unlinkat(dir_fd, name.c_str(), 0) == 0) {
      ++report->temps_removed;
      removed(dir_path + "/" + name + " (an interrupted write)");
    }
  }

  std::set<std::string> referenced;
  s = ReferencedNames(db, &referenced);
  if (!s.ok()) return s;
  for (const std::string& name : uploads) {
    if (referenced.count(name) != 0 || !old_enough(name)) {
      ++report->files_kept;
      continue;
    }
    // The decision and the unlink under the rows' locks (see the header).
    const std::string url = kMediaImagesUrl + name;
    bool gone = false;
    s = db.Transaction([&](Db& tx) {
      gone = false;
      Status st = tx.Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", {});
      Rows rows;
      if (st.ok()) {
        st = tx.Query("SELECT photoid FROM tb_house_photo WHERE path IN (?, ?) FOR UPDATE", {Param(url), Param(name)},
                      &rows);
      }
      if (!st.ok() || !rows.empty()) return st;
      st = tx.Query("SELECT houseid FROM tb_house_info WHERE mainphoto IN (?, ?) FOR UPDATE", {Param(url), Param(name)},
                    &rows);
      if (!st.ok() || !rows.empty()) return st;
      if (!old_enough(name)) return Status::Ok();  // written again meanwhile
      if (unlinkat(dir_fd, name.c_str(), 0) == 0 || errno == ENOENT) gone = true;
      return Status::Ok();
    });
    if (!s.ok()) return s;
    if (gone) {
      ++report->files_removed;
      removed(dir_path + "/" + name);
    } else {
      ++report->files_kept;
    }
  }
  return Status::Ok();
}

}  // namespace zf
