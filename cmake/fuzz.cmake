# libFuzzer targets, one per reader: fuzz/<reader>_fuzz.cc. Only with -DCALFLOPS_FUZZ=ON and
# clang; the library is then instrumented for coverage and built with ASan + UBSan.
#   CXX=clang++ cmake -S . -B build-fuzz -DCALFLOPS_FUZZ=ON -DCALFLOPS_BENCH=OFF
#   cmake --build build-fuzz -j2 --target gguf_fuzz
#   build-fuzz/gguf_fuzz -max_total_time=60 fuzz/corpus/gguf/
# Without a fuzzing engine the corpora are replayed by tests/fuzz_corpus_test.cc.
if(NOT CALFLOPS_FUZZ)
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "CALFLOPS_FUZZ needs clang (libFuzzer); configure with CXX=clang++")
endif()

set(CALFLOPS_FUZZ_SANITIZERS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
target_compile_options(calflops_lib PRIVATE -fsanitize=fuzzer-no-link ${CALFLOPS_FUZZ_SANITIZERS})
target_link_options(calflops_lib INTERFACE -fsanitize=address,undefined)

file(GLOB FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(src IN LISTS FUZZ_TARGETS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src} ${CMAKE_SOURCE_DIR}/fuzz/fuzz_entries.cc)
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer ${CALFLOPS_FUZZ_SANITIZERS})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${name} PRIVATE calflops_lib)
endforeach()
