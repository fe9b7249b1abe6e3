# Runs EXE ARG and writes its standard output to OUT (a build step that needs a redirect, without
# depending on how the generator quotes a shell command). Fails the build if EXE fails.
#   cmake -DEXE=<program> -DARG=<one argument> -DOUT=<file> -P cmake/run_to_file.cmake
execute_process(COMMAND "${EXE}" "${ARG}" OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${EXE} ${ARG} failed (${rc})")
endif()
