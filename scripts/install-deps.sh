#!/usr/bin/env bash
# Installs every build and test dependency from Debian packages. Idempotent: packages already
# present are skipped, and apt-get runs only when something is missing.
#   scripts/install-deps.sh       everything (make test)
#   scripts/install-deps.sh cli   only what the calflops program needs (make run)
set -euo pipefail

packages=(
  g++ cmake make            # toolchain
  nlohmann-json3-dev        # JSON reading and ordered JSON output
  libcli11-dev              # the command line parser (tools/calflops)
  libcurl4-openssl-dev      # the Hugging Face Hub client (src/readers/hub/)
)
if [[ "${1:-all}" != cli ]]; then packages+=(
  libgtest-dev              # unit tests
  libbenchmark-dev          # bench/ programs
  libonnx-testdata          # ONNX node tests: the shape-inference conformance corpus
  python3-dev pybind11-dev  # the Python package's extension (python/)
  python3-pytest python3-torch python3-torchvision  # python/tests (run by make test)
  chromium                  # the HTML report's browser test (tests/html/)
); fi
if [[ "${CALFLOPS_ONNX_FIXTURES:-0}" == 1 ]]; then
  packages+=(python3-torch python3-torchvision python3-onnx)  # tests/onnx/make_fixtures.py
fi
if [[ "${CALFLOPS_FUZZ:-0}" == 1 ]]; then
  packages+=(clang libclang-rt-14-dev)   # libFuzzer and sanitizers
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) == 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
