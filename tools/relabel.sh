#!/usr/bin/env bash
# Copies a built handler binary with another release label: the bytes of its
# .zf_release section (shared/app/release.h) are replaced, the same count,
# so the copy is the same program answering --version (and logging at start)
# with LABEL. This is how a test gets a genuinely different build of a group
# without a second compile.
#
#   tools/relabel.sh BINARY LABEL OUT
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: tools/relabel.sh BINARY LABEL OUT" >&2; exit 64; }
bin="$1" label="$2" out="$3"
bytes=128  # kReleaseLabelBytes
marker="zf-release:"
[[ "$label" =~ ^[A-Za-z0-9._+-]+$ ]] || { echo "relabel: LABEL must be letters, digits and ._+-" >&2; exit 64; }
[ $(( ${#marker} + ${#label} )) -lt "$bytes" ] || { echo "relabel: LABEL longer than $((bytes - ${#marker} - 1)) characters" >&2; exit 64; }
size="$(objdump -h "$bin" | awk '$2 == ".zf_release" {print $3}')"
[ -n "$size" ] || { echo "relabel: $bin has no .zf_release section" >&2; exit 65; }
[ $((16#$size)) -eq "$bytes" ] || { echo "relabel: $bin's .zf_release is 0x$size bytes, expected $bytes" >&2; exit 65; }
section="$(mktemp)"
trap 'rm -f "$section"' EXIT
{ printf '%s%s' "$marker" "$label"; head -c $((bytes - ${#marker} - ${#label})) /dev/zero; } > "$section"
objcopy --update-section ".zf_release=$section" "$bin" "$out.tmp"
chmod 0755 "$out.tmp"
mv -f "$out.tmp" "$out"
