#include "resource/media.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "http/image.h"
#include "http/multipart.h"

namespace zf {

namespace {

// Writes `data` to <root>/images/<name> unless it is there already (same
// content, same name). *created says whether this call made the file, so a
// failed database write removes only what it added.
Status StoreFile(const std::string& root, const std::string& name, std::string_view data, bool* created) {
  *created = false;
  std::string dir = root + "/images";
  if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Internal("media: cannot create " + dir + ": " + strerror(errno));
  }
  std::string path = dir + "/" + name;
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && static_cast<size_t>(st.st_size) == data.size()) return Status::Ok();
  std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(pthread_self());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
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
  // Renamed into place whole: Nginx never serves half a file.
  if (!ok || rename(tmp.c_str(), path.c_str()) != 0) {
    unlink(tmp.c_str());
    return Status::Internal("media: cannot store " + path);
  }
  *created = true;
  return Status::Ok();
}

}  // namespace

Status StoreUpload(const Request& req, const char* field, const std::string& media_root, const Status& missing,
                   Upload* upload) {
  if (req.body.empty()) return missing;
  if (!IsMultipartFormData(req.content_type)) return Status::UnsupportedMedia(req.content_type);
  std::vector<MultipartPart> parts;
  Status s = ParseMultipart(req.content_type, req.body, MultipartLimits{}, &parts);
  if (!s.ok()) return Status::BadRequest(Msg::kMultipartParseError, s.message());
  const MultipartPart* part = FindPart(parts, field);
  if (part == nullptr || !part->filename || part->data.empty() || part->data.size() > kMaxPhotoBytes) return missing;
  ImageType type = SniffImage(part->data);
  if (type == ImageType::kNone) return Status::InvalidField(field, Msg::kNotAnImage);
  upload->file = Md5Hex(part->data) + ImageExtension(type);
  upload->url = "/media/images/" + upload->file;
  return StoreFile(media_root, upload->file, part->data, &upload->created);
}

void DiscardUpload(const std::string& media_root, const Upload& upload) {
  if (upload.created) unlink((media_root + "/images/" + upload.file).c_str());
}

}  // namespace zf
