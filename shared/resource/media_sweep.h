// The media sweeper: removes what no committed row needs from
// <media root>/images/, and photo rows that were never attached.
//
// What goes:
//   - photo rows uploaded on their own (POST /api/photos/, houseid NULL)
//     still unattached `unattached_ttl_s` after their upload;
//   - files named as uploads are (<32 hex digits>.jpg|.png|.gif|.webp) that
//     no tb_house_photo.path and no tb_house_info.mainphoto names (as the
//     bare name or as /media/images/<name>), last written more than
//     `grace_s` ago;
//   - temporary files of interrupted writes (<name>.tmp.<pid>.<thread>)
//     older than `grace_s` and at least 10 minutes old (a write in progress
//     is never cut off, whatever the grace).
// Nothing else: other names, folders and symbolic links are left alone and
// never followed; every call works on names inside the images folder itself
// (openat/unlinkat on its descriptor), so nothing outside it is touched.
//
// Why a committed photo keeps its file (the protocol with uploads):
//   An upload U writes the file F, then in one transaction INSERTs its row R
//   (path = /media/images/F), calls MediaStore::EnsureStored (rewrites F from
//   the bytes it holds when F is missing), and commits. The sweeper S
//   removes F only inside a REPEATABLE READ transaction that first runs a
//   locking read (SELECT … FOR UPDATE) of the rows naming F on the indexes
//   of tb_house_photo.path and tb_house_info.mainphoto (shared/sql/010), and
//   unlinks F before it commits. InnoDB gives three cases:
//   1. R is committed before S's read: S sees it (locking reads see the
//      latest committed row) and keeps F.
//   2. R is inserted but not committed: S's read waits for U's row lock.
//      U commits: S then sees R and keeps F. U rolls back: there is no row,
//      U answered an error, and F is rightly unreferenced.
//   3. R is not inserted yet: S's read finds nothing and holds a gap lock on
//      F's key, so U's INSERT waits until S commits, which is after the
//      unlink. U's EnsureStored runs after its INSERT returned, so it finds
//      F missing and writes it again before U commits.
//   In every case F exists when U commits, and every later sweep is case 1
//   while R exists. So a client answered 300001 (or 201) finds the file for
//   as long as the row lives; a row deleted (its listing deleted, the photo
//   removed, never attached) lets its file go after the grace period. A
//   listing that names a file no row holds (a bare name typed by hand) keeps
//   it only while the listing names it; if S removed it first, nothing
//   writes it again (the listing write has no bytes).
//
// Thread-safety: one call at a time per Db; several sweepers at once are
// safe (the locks order them; a file already gone counts as removed by the
// other).
#ifndef ZUFANG_SHARED_RESOURCE_MEDIA_SWEEP_H_
#define ZUFANG_SHARED_RESOURCE_MEDIA_SWEEP_H_

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>

#include "base/config.h"
#include "base/status.h"
#include "data/db.h"

namespace zf {

struct SweepSettings {
  std::string root;                 // media.root
  int64_t grace_s = 3600;           // media.sweep_grace_s
  int64_t unattached_ttl_s = 86400; // media.unattached_ttl_s
};

// Reads media.root, media.sweep_grace_s and media.unattached_ttl_s.
Status LoadSweepSettings(const Config& config, SweepSettings* out);

struct SweepReport {
  int64_t rows_dropped = 0;     // unattached photo rows deleted
  int64_t files_removed = 0;    // unreferenced uploads
  int64_t temps_removed = 0;    // leftovers of interrupted writes
  int64_t files_kept = 0;       // uploads some row names, or too young
  std::string Summary() const;  // "2 unattached rows, 3 files and 1 temporary file removed; 40 kept"
};

// One sweep. `removed` is told each name removed (for a log or the terminal).
// OK when it went through; the first database or folder error otherwise
// (what was removed before it is in *report).
Status SweepMedia(Db& db, const SweepSettings& settings, std::time_t now, SweepReport* report,
                  const std::function<void(const std::string& what)>& removed);

}  // namespace zf

#endif  // ZUFANG_SHARED_RESOURCE_MEDIA_SWEEP_H_
