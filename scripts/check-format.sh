#!/bin/sh
# Fails (non-zero exit) when a C++ file under src tools tests bench fuzz include python examples differs from
# what clang-format would write under .clang-format; lists each difference. Fix with
#   clang-format -i FILE
# Needs clang-format 14 (Debian 12's clang-format); a newer one may disagree on details.
set -eu
cd "$(dirname "$0")/.."
CF=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
if [ -z "$CF" ]; then
  echo "check-format: clang-format not found (Debian package clang-format)" >&2
  exit 2
fi
git ls-files -z -- src tools tests bench fuzz include python examples | grep -z -E '\.(cc|h)$' |
  xargs -0 "$CF" --dry-run -Werror --style=file
