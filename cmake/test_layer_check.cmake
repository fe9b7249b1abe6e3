# Test (ctest layer_check): the build's layer check passes on the source tree and fails, naming
# the file and the include, when an upward include is planted in a copy of it.
#   cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> -P cmake/test_layer_check.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
file(COPY "${SOURCE_DIR}/src" DESTINATION "${WORK_DIR}")
set(check ${CMAKE_COMMAND} -DSRC_DIR=${WORK_DIR}/src -P ${SOURCE_DIR}/cmake/check_layers.cmake)

execute_process(COMMAND ${check} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the layer check fails on the unmodified tree:\n${err}")
endif()

# A reader reaching up into analysis: the build must refuse it.
file(WRITE "${WORK_DIR}/src/readers/planted.h" "#pragma once\n#include \"analysis/profile.h\"\n")
execute_process(COMMAND ${check} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "the layer check accepted readers/planted.h including analysis/profile.h")
endif()
if(NOT err MATCHES "readers/planted.h: #include \"analysis/profile.h\": layer 'readers' may include only readers, ops, model")
  message(FATAL_ERROR "the layer check failed without naming the planted include:\n${err}")
endif()

# The model layer including any other layer, from a .cc file.
file(REMOVE "${WORK_DIR}/src/readers/planted.h")
file(WRITE "${WORK_DIR}/src/model/planted.cc" "#include \"ops/op_def.h\"\n")
execute_process(COMMAND ${check} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(rc EQUAL 0 OR NOT err MATCHES "model/planted.cc")
  message(FATAL_ERROR "the layer check accepted model/planted.cc including ops/op_def.h:\n${err}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "layer check: passes on the tree, refuses planted upward includes")
