# libFuzzer targets, one per reader: fuzz/<reader>_fuzz.cc, whose body is a function in
# fuzz/fuzz_entries.cc (the corpus replay test, tests/fuzz_corpus_test.cc, calls the same one).
# Only with -DCALFLOPS_FUZZ=ON and clang. The whole build then has ASan + UBSan (CMakeLists.txt,
# as with CALFLOPS_SANITIZE) and the library's layers are instrumented for coverage
# (-fsanitize=fuzzer-no-link), so one build serves the sanitized tests and CLI (linked without
# libFuzzer) and the fuzz targets (linked with -fsanitize=fuzzer). scripts/sanitize-build.sh
# configures it; scripts/fuzz-smoke.sh builds and runs the targets. By hand:
#   cmake -S . -B build-sanitize -DCMAKE_CXX_COMPILER=clang++ -DCALFLOPS_FUZZ=ON -DCALFLOPS_BENCH=OFF
#   cmake --build build-sanitize -j2 --target gguf_fuzz
#   build-sanitize/gguf_fuzz -max_total_time=60 fuzz/corpus/gguf/
# Included at the end of CMakeLists.txt, after the layer libraries and calflops_lib exist.
if(NOT CALFLOPS_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CALFLOPS_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (Debian: clang libclang-rt-14-dev)")
endif()

# Coverage counters and comparison hooks in the code under test. A binary linked without
# libFuzzer (calflops, calflops_tests) gets the sanitizer runtime's no-op hooks.
foreach(layer IN LISTS CALFLOPS_LAYER_TARGETS)
  target_compile_options(${layer} PRIVATE -fsanitize=fuzzer-no-link)
endforeach()

# The targets' bodies, compiled once for all of them.
add_library(calflops_fuzz_entries OBJECT ${CMAKE_SOURCE_DIR}/fuzz/fuzz_entries.cc)
target_include_directories(calflops_fuzz_entries PRIVATE ${CMAKE_SOURCE_DIR})
target_compile_options(calflops_fuzz_entries PRIVATE -fsanitize=fuzzer-no-link)
target_link_libraries(calflops_fuzz_entries PRIVATE calflops_internal)

# calflops_add_fuzzer(name source): the libFuzzer executable `name` from `source`, a file that
# defines LLVMFuzzerTestOneInput by calling its body in fuzz/fuzz_entries.cc.
function(calflops_add_fuzzer name source)
  add_executable(${name} ${source} $<TARGET_OBJECTS:calflops_fuzz_entries>)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer-no-link)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE calflops_internal)
endfunction()

# One executable per fuzz/<reader>_fuzz.cc: a new reader adds its file, nothing here.
file(GLOB FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(src IN LISTS FUZZ_TARGETS)
  get_filename_component(name ${src} NAME_WE)
  calflops_add_fuzzer(${name} ${src})
endforeach()
