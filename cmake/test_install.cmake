# Test (ctest install_and_example): `cmake --install` into a scratch prefix, then the example in
# examples/measure built against it with find_package(calflops) and run, and the pkg-config file
# and the generated man page and bash completion checked.
#   cmake -DBUILD_DIR=<build> -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -P cmake/test_install.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
set(prefix "${WORK_DIR}/prefix")
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed: ${ARGN}\n${out}\n${err}")
  endif()
  set(out "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")
foreach(f bin/calflops include/calflops/calflops.h include/calflops/types.h lib/libcalflops.a
          lib/libcalflops.so lib/cmake/calflops/calflopsConfig.cmake lib/pkgconfig/calflops.pc
          share/man/man1/calflops.1 share/bash-completion/completions/calflops)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()
# No internal header leaks into the public ones.
file(GLOB public "${prefix}/include/calflops/*.h")
foreach(h IN LISTS public)
  file(STRINGS "${h}" bad REGEX "#include \"(model|ops|readers|archs|load|analysis|report|api)/")
  if(bad)
    message(FATAL_ERROR "${h} includes an internal header: ${bad}")
  endif()
endforeach()

run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/examples/measure" -B "${WORK_DIR}/example"
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}")
run(${CMAKE_COMMAND} --build "${WORK_DIR}/example")
run("${WORK_DIR}/example/measure" llama-3-8b)
# Llama-3-8B: 8,030,261,248 parameters (Meta's model card: 8.03B; 32 layers of 4096/14336
# with 128,256-token untied embeddings, as tests/decoder_flops_test.cc writes out).
if(NOT out MATCHES "llama-3-8b params 8030261248 ")
  message(FATAL_ERROR "the example printed:\n${out}")
endif()
if(NOT out MATCHES "error \\(exit 1\\): --zero: applies to --mode train, not --mode forward")
  message(FATAL_ERROR "the example's misplaced --zero was not refused:\n${out}")
endif()

file(READ "${prefix}/lib/pkgconfig/calflops.pc" pc)
if(NOT pc MATCHES "libdir=[^\n]*/lib\n" OR NOT pc MATCHES "Libs: -L\\\${libdir} -lcalflops")
  message(FATAL_ERROR "calflops.pc:\n${pc}")
endif()
file(READ "${prefix}/share/man/man1/calflops.1" man)
file(READ "${prefix}/share/bash-completion/completions/calflops" completion)
if(NOT man MATCHES "\\\\-\\\\-seq\\\\-len" OR NOT completion MATCHES "--seq-len")
  message(FATAL_ERROR "the man page or the completion lacks --seq-len")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "install: CLI, headers, static + shared library, CMake package, pkg-config, man page, completion; example built and run")
