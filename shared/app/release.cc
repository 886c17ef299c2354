#include "app/release.h"

#include <cstring>

// ZUFANG_RELEASE_LABEL comes from the generated release_label.h, the one file
// that changes with each commit: a new commit recompiles this file alone and
// relinks the handlers.
#include "release_label.h"

namespace zf {

// "a" (allocated, read-only) section of its own, kept by the linker as an
// orphan section; objcopy can replace its bytes with the same count.
__attribute__((section(".zf_release"), used)) const char kReleaseSection[kReleaseLabelBytes] =
    "zf-release:" ZUFANG_RELEASE_LABEL;
static_assert(sizeof("zf-release:" ZUFANG_RELEASE_LABEL) <= kReleaseLabelBytes, "release label too long");

std::string ReleaseLabel() {
  const char* p = kReleaseSection;
  // The bytes may be rewritten after the link: read them, do not fold them.
  asm volatile("" : "+r"(p));
  size_t n = strnlen(p, kReleaseLabelBytes);
  size_t marker = sizeof(kReleaseMarker) - 1;
  if (n < marker || std::memcmp(p, kReleaseMarker, marker) != 0) return "unknown";
  return std::string(p + marker, n - marker);
}

}  // namespace zf
