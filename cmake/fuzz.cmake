# libFuzzer targets. Only with -DCALFLOPS_FUZZ=ON and clang; the library is then instrumented for
# coverage and built with AddressSanitizer + UndefinedBehaviorSanitizer.
#   CXX=clang++ cmake -S . -B build-fuzz -DCALFLOPS_FUZZ=ON -DCALFLOPS_BENCH=OFF -DCALFLOPS_TESTS=OFF
#   cmake --build build-fuzz -j2 --target onnx_fuzz
#   build-fuzz/onnx_fuzz -max_total_time=60 tests/data/onnx/
if(NOT CALFLOPS_FUZZ)
  function(calflops_add_fuzzer name source)
  endfunction()
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CALFLOPS_FUZZ needs clang (libFuzzer); configure with CXX=clang++")
endif()

set(CALFLOPS_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
target_compile_options(calflops_lib PRIVATE -fsanitize=fuzzer-no-link ${CALFLOPS_FUZZ_SANITIZERS})
target_link_options(calflops_lib INTERFACE -fsanitize=address,undefined)

# One fuzz target: `source` defines LLVMFuzzerTestOneInput.
function(calflops_add_fuzzer name source)
  add_executable(${name} ${source})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${CALFLOPS_FUZZ_SANITIZERS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE calflops_lib)
endfunction()
