# libFuzzer targets, one per reader: fuzz/<reader>_fuzz.cc, whose body is a function in
# fuzz/fuzz_entries.cc (the corpus replay test, tests/fuzz_corpus_test.cc, calls the same one).
# Only with -DCALFLOPS_FUZZ=ON and clang; the library is then instrumented for coverage and built
# with ASan + UBSan. scripts/fuzz-smoke.sh builds and runs them all; by hand:
#   cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DCALFLOPS_FUZZ=ON -DCALFLOPS_BENCH=OFF
#   cmake --build build-fuzz -j2 --target gguf_fuzz
#   build-fuzz/gguf_fuzz -max_total_time=60 fuzz/corpus/gguf/
# Included at the end of CMakeLists.txt, after the layer libraries and calflops_lib exist.
if(NOT CALFLOPS_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CALFLOPS_FUZZ needs clang (libFuzzer): configure with "
                      "-DCMAKE_CXX_COMPILER=clang++ (Debian: clang libclang-rt-14-dev)")
endif()

# libstdc++ assertions bound-check the containers; line tables make sanitizer reports readable.
set(CALFLOPS_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all
    -fno-omit-frame-pointer -gline-tables-only -D_GLIBCXX_ASSERTIONS)
foreach(layer IN LISTS CALFLOPS_LAYER_TARGETS)
  target_compile_options(${layer} PRIVATE -fsanitize=fuzzer-no-link ${CALFLOPS_FUZZ_SANITIZERS})
endforeach()
target_link_options(calflops_lib INTERFACE -fsanitize=address,undefined)

# calflops_add_fuzzer(name source): the libFuzzer executable `name` from `source`, a file that
# defines LLVMFuzzerTestOneInput by calling its body in fuzz/fuzz_entries.cc.
function(calflops_add_fuzzer name source)
  add_executable(${name} ${source} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_entries.cc)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${CALFLOPS_FUZZ_SANITIZERS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE calflops_internal)
endfunction()

# One executable per fuzz/<reader>_fuzz.cc: a new reader adds its file, nothing here.
file(GLOB FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(src IN LISTS FUZZ_TARGETS)
  get_filename_component(name ${src} NAME_WE)
  calflops_add_fuzzer(${name} ${src})
endforeach()
