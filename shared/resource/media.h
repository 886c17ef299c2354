// Uploaded images: read from a multipart field, decoded and written again
// (http/image.h: CleanImage), stored under <media root>/images/ and served by
// Nginx at /media/images/.
//
// The name is the MD5 of the bytes the client sent plus the type's extension,
// as on the old site, so the same upload always gets the same URL; what is
// stored under it is the re-encoded picture (the same bytes for the same
// upload: libgd encodes deterministically). A file is written to a temporary
// name and renamed into place whole, so Nginx never serves half a file.
//
// No request ever removes a file: two uploads of the same bytes share one
// file, and a request that fails cannot know whether another one's committed
// row points to it. Files no row refers to are removed by the sweeper
// (resource/media_sweep.h), whose protocol with EnsureStored below is proved
// there: a photo row committed after EnsureStored returned OK inside its
// transaction has its file for as long as the row exists.
//
// Thread-safety: a MediaStore is shared by a process's threads. Decodes wait
// for one of `max_concurrent_decodes` slots, first come first served (a
// 40-megapixel picture holds 160 MB while it is decoded).
#ifndef ZUFANG_SHARED_RESOURCE_MEDIA_H_
#define ZUFANG_SHARED_RESOURCE_MEDIA_H_

#include <cstdint>
#include <string>

#include "base/config.h"
#include "base/fifo_slots.h"
#include "base/status.h"
#include "http/http.h"

namespace zf {

constexpr size_t kMaxPhotoBytes = 2621440;
// The URL prefix of stored photos; rows hold the file name or prefix + name.
constexpr const char* kMediaImagesUrl = "/media/images/";

struct MediaSettings {
  std::string root;                 // media.root: files go to <root>/images/
  int64_t max_pixels = 40000000;    // media.max_pixels
  int max_concurrent_decodes = 2;   // media.max_concurrent_decodes
};

// Reads media.root, media.max_pixels and media.max_concurrent_decodes; the
// named key's error when one is bad.
Status LoadMediaSettings(const Config& config, MediaSettings* out);

struct Upload {
  std::string file;   // <md5 of the client's bytes><ext>
  std::string url;    // /media/images/<file>
  std::string bytes;  // what is stored: the re-encoded picture
};

class MediaStore {
 public:
  explicit MediaStore(MediaSettings settings);

  const MediaSettings& settings() const { return settings_; }

  // Reads the image in multipart field `field` of `req`, cleans it and writes
  // it under the root: OK with *upload set, or the refusal to answer.
  // `missing` is the refusal for a missing, empty or oversized file (routes
  // word it differently); a file that is not an image, or has too many
  // pixels, is a field error under `field`. A failure after the file was
  // written leaves the file to the sweeper.
  Status StoreUpload(const Request& req, const char* field, const Status& missing, Upload* upload);

  // Called inside the transaction that inserted the upload's row, after the
  // INSERT: OK when the file is in place, writing it again from
  // upload.bytes when a sweep removed it meanwhile; Internal when it cannot.
  Status EnsureStored(const Upload& upload) const;

 private:
  MediaSettings settings_;
  FifoSlots decode_slots_;
};

// The file name a row's photo reference names: "x.jpg" for "x.jpg" and
// "/media/images/x.jpg"; "" for anything else (another folder, a '/').
std::string MediaFileName(const std::string& reference);

}  // namespace zf

#endif  // ZUFANG_SHARED_RESOURCE_MEDIA_H_
