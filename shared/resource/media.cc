#include "resource/media.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>
#include <vector>

#include "http/image.h"
#include "http/multipart.h"

namespace zf {

namespace {

// Writes `data` to <root>/images/<name> through a temporary file renamed into
// place, so the name only ever holds a whole file.
Status WriteFile(const std::string& root, const std::string& name, std::string_view data) {
  std::string dir = root + "/images";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Internal("media: cannot create " + dir + ": " + strerror(errno));
  }
  std::string path = dir + "/" + name;
  // The sweeper removes "*.tmp.*" files older than its grace period: what a
  // writer killed mid-write left.
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(pthread_self());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) return Status::Internal("media: cannot write " + tmp + ": " + strerror(errno));
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == data.size() && fsync(fd) == 0;
  close(fd);
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());  // our own temporary name: no one else's file
    return Status::Internal("media: cannot store " + path);
  }
  return Status::Ok();
}

// True when <root>/images/<name> is a regular file of `size` bytes.
bool InPlace(const std::string& root, const std::string& name, size_t size) {
  struct stat st;
  std::string path = root + "/images/" + name;
  return lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<size_t>(st.st_size) == size;
}

}  // namespace

Status LoadMediaSettings(const Config& config, MediaSettings* out) {
  Status s = config.GetString("media.root", &out->root);
  long v = 0;
  if (s.ok()) s = config.GetInt("media.max_pixels", &v);
  if (s.ok()) out->max_pixels = v;
  if (s.ok()) s = config.GetInt("media.max_concurrent_decodes", &v);
  if (s.ok()) out->max_concurrent_decodes = static_cast<int>(v);
  return s;
}

MediaStore::MediaStore(MediaSettings settings)
    : settings_(std::move(settings)), decode_slots_(settings_.max_concurrent_decodes) {}

Status MediaStore::StoreUpload(const Request& req, const char* field, const Status& missing, Upload* upload) {
  if (req.body.empty()) return missing;
  if (!IsMultipartFormData(req.content_type)) return Status::UnsupportedMedia(req.content_type);
  std::vector<MultipartPart> parts;
  Status s = ParseMultipart(req.content_type, req.body, MultipartLimits{}, &parts);
  if (!s.ok()) return Status::BadRequest(Msg::kMultipartParseError, s.message());
  const MultipartPart* part = FindPart(parts, field);
  if (part == nullptr || !part->filename || part->data.empty() || part->data.size() > kMaxPhotoBytes) return missing;
  ImageType type = ImageType::kNone;
  CleanResult cleaned;
  {
    FifoSlotHold slot(&decode_slots_);  // unbounded waiting: never turned away
    cleaned = CleanImage(part->data, settings_.max_pixels, &type, &upload->bytes);
  }
  if (cleaned == CleanResult::kTooManyPixels) {
    return Status::InvalidField(field, Msg::kTooManyPixels, std::to_string(settings_.max_pixels));
  }
  if (cleaned != CleanResult::kOk) return Status::InvalidField(field, Msg::kNotAnImage);
  upload->file = Md5Hex(part->data) + ImageExtension(type);
  upload->url = kMediaImagesUrl + upload->file;
  // Same name, same bytes: a file already there is this picture.
  if (InPlace(settings_.root, upload->file, upload->bytes.size())) return Status::Ok();
  return WriteFile(settings_.root, upload->file, upload->bytes);
}

Status MediaStore::EnsureStored(const Upload& upload) const {
  if (InPlace(settings_.root, upload.file, upload.bytes.size())) return Status::Ok();
  return WriteFile(settings_.root, upload.file, upload.bytes);
}

std::string MediaFileName(const std::string& reference) {
  std::string name = reference;
  size_t prefix = std::strlen(kMediaImagesUrl);
  if (name.compare(0, prefix, kMediaImagesUrl) == 0) name = name.substr(prefix);
  if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') return "";
  return name;
}

}  // namespace zf
