// Uploaded images: what a file is, judged by its first bytes; the size its
// header declares; the picture decoded and written again; the name it is
// stored under.
//
// SniffImage looks only at magic bytes and a few header fields; it does not
// decode. The client's file name and Content-Type are never consulted, so a
// text file renamed photo.jpg is kNone. Each type also needs a minimal
// plausible size (the smallest file of that type a decoder could accept), so
// a bare signature is kNone too.
//
// CleanImage is what an upload goes through: the declared width × height is
// read from the header first and refused above a limit before anything is
// decoded (a 65535×65535 PNG costs a few comparisons, not 16 GB), then libgd
// decodes the whole file and encodes the picture again in the same format.
// What is stored is only the pixels: bytes after the image (a script, a ZIP),
// comments and metadata (EXIF, GPS included) are gone, and whatever libgd
// cannot decode is refused.
//
// Thread-safety: pure functions; libgd's messages go to the log (base/log.h)
// through one handler installed once, thread-safely.
#ifndef ZUFANG_SHARED_IMAGE_H_
#define ZUFANG_SHARED_IMAGE_H_

#include <cstdint>
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

// The width and height the header of `data` (of `type`) declares, without
// decoding: JPEG's first frame header (SOFn), PNG's IHDR, GIF's logical
// screen (libgd refuses frames outside it), WebP's VP8/VP8L/VP8X header.
// False when the header is not there or not readable.
bool DeclaredSize(std::string_view data, ImageType type, uint32_t* width, uint32_t* height);

enum class CleanResult { kOk, kNotAnImage, kTooManyPixels };

// Decodes `data` and writes the picture again, same format, into *clean
// (JPEG at quality 90; PNG keeping its alpha channel; GIF its first frame;
// WebP at quality 90), with *type set. kTooManyPixels when the declared (or
// the decoded) width × height is over `max_pixels`; kNotAnImage when the
// magic bytes are not an image's, the header cannot be read, or libgd cannot
// decode or encode it. Memory: about 4 bytes per pixel while it runs.
CleanResult CleanImage(std::string_view data, int64_t max_pixels, ImageType* type, std::string* clean);

// ".jpg", ".png", ".gif", ".webp"; "" for kNone. A static string.
const char* ImageExtension(ImageType type);

// The MD5 of `data` as 32 lower-case hex digits, for content-addressed file
// names (not for security). "" only if the crypto library refuses MD5 (a
// FIPS-only configuration).
std::string Md5Hex(std::string_view data);

}  // namespace zf

#endif  // ZUFANG_SHARED_IMAGE_H_
