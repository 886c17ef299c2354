// Uploaded images: read from a multipart field, checked by their magic bytes
// (http/image.h), stored under <media root>/images/ by content hash and
// served by Nginx at /media/images/.
//
// A file is written to a temporary name and renamed into place whole, so
// Nginx never serves half a file; the same bytes always get the same name.
// Upload::created says whether this request made the file, so a failed
// database write removes only what it added (DiscardUpload).
//
// Thread-safety: plain functions; concurrent uploads of the same bytes write
// distinct temporary files and rename over one another harmlessly.
#ifndef ZUFANG_SHARED_RESOURCE_MEDIA_H_
#define ZUFANG_SHARED_RESOURCE_MEDIA_H_

#include <string>

#include "base/status.h"
#include "http/http.h"

namespace zf {

constexpr size_t kMaxPhotoBytes = 2621440;

struct Upload {
  std::string file;  // <md5><ext>
  std::string url;   // /media/images/<file>
  bool created = false;
};

// Reads the image in multipart field `field` of `req` and stores it under
// `media_root`: OK with *upload set, or the refusal to answer. `missing` is
// the refusal for a missing, empty or oversized file (routes word it
// differently); a file that is not an image is a field error under `field`.
Status StoreUpload(const Request& req, const char* field, const std::string& media_root, const Status& missing,
                   Upload* upload);

// Removes the file of `upload` if this request created it.
void DiscardUpload(const std::string& media_root, const Upload& upload);

}  // namespace zf

#endif  // ZUFANG_SHARED_RESOURCE_MEDIA_H_
