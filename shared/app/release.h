// The release label of this build: which commit it was built from and when
// that commit was made (or a label given at configure time, ZUFANG_RELEASE).
//
// The label lives in its own ELF section, .zf_release, as a fixed-size,
// NUL-padded array of kReleaseLabelBytes bytes that begins with
// kReleaseMarker. tools/relabel.sh rewrites that section in a copy of a
// built binary (objcopy --update-section), so the copy reports another
// label without a second compile: spawn/spawn.sh deploy files each release
// under its label, and the processes log it at start and answer --version
// with it.
//
// Threading: the label is read-only after load; safe from any thread.
#pragma once

#include <cstddef>
#include <string>

namespace zf {

inline constexpr size_t kReleaseLabelBytes = 128;
inline constexpr char kReleaseMarker[] = "zf-release:";

// The label without the marker, as the section holds it at run time (never
// folded in at compile time: a rewritten section is what the process reports).
std::string ReleaseLabel();

}  // namespace zf
