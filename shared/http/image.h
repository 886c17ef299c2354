// Uploaded images: what a file is, judged by its first bytes, and the name it
// is stored under.
//
// SniffImage looks only at magic bytes and a few header fields; it does not
// decode. The client's file name and Content-Type are never consulted, so a
// text file renamed photo.jpg is kNone. Each type also needs a minimal
// plausible size (the smallest file of that type a decoder could accept), so
// a bare signature is kNone too.
//
// Thread-safety: pure functions.
#ifndef ZUFANG_SHARED_IMAGE_H_
#define ZUFANG_SHARED_IMAGE_H_

#include <string>
#include <string_view>

namespace zf {

enum class ImageType { kNone, kJpeg, kPng, kGif, kWebp };

// JPEG: FF D8 FF and a marker byte, at least 97 bytes.
// PNG: the 8-byte signature and an IHDR chunk first, at least 67 bytes.
// GIF: "GIF87a" or "GIF89a", at least 26 bytes.
// WebP: "RIFF", a size that fits the data, "WEBP" and a VP8/VP8L/VP8X chunk,
// at least 26 bytes.
ImageType SniffImage(std::string_view data);

// ".jpg", ".png", ".gif", ".webp"; "" for kNone. A static string.
const char* ImageExtension(ImageType type);

// The MD5 of `data` as 32 lower-case hex digits, for content-addressed file
// names (not for security). "" only if the crypto library refuses MD5 (a
// FIPS-only configuration).
std::string Md5Hex(std::string_view data);

}  // namespace zf

#endif  // ZUFANG_SHARED_IMAGE_H_
