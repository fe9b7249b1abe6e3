# libFuzzer targets (clang only). Included from CMakeLists.txt when -DCALFLOPS_FUZZ=ON, before
# any target is defined, so the library is built with coverage instrumentation, ASan and UBSan
# and the fuzzers see inside the readers. scripts/fuzz-smoke.sh configures such a build.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CALFLOPS_FUZZ=ON needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (Debian: clang libclang-rt-14-dev)")
endif()
add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                    -fno-omit-frame-pointer -gline-tables-only -D_GLIBCXX_ASSERTIONS)
add_link_options(-fsanitize=address,undefined)

# calflops_add_fuzzer(name source): the libFuzzer executable `name` from `source`, a file that
# defines its target with CALFLOPS_FUZZ_TARGET (fuzz/fuzz_target.h).
function(calflops_add_fuzzer name source)
  add_executable(${name} ${source} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_target.cc)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/fuzz)
  target_link_libraries(${name} PRIVATE calflops_lib)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
endfunction()
