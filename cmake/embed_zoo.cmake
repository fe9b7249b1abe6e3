# Writes OUT: a C++ file holding every zoo/*.json as a string, for readers/zoo/zoo.cc.
# Usage: cmake -DZOO_DIR=... -DOUT=... -P embed_zoo.cmake
file(GLOB files "${ZOO_DIR}/*.json")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  # NAME_WE stops at the first dot ("llama-3.1-70b"): take the name without the .json suffix.
  get_filename_component(fname "${f}" NAME)
  string(REGEX REPLACE "\\.json$" "" name "${fname}")
  file(READ "${f}" text)
  string(APPEND body "    {\"${name}\", R\"zoo_json(${text})zoo_json\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
"// Generated from zoo/*.json by cmake/embed_zoo.cmake. Do not edit.\n"
"#include \"readers/zoo/zoo.h\"\n\n"
"namespace calflops {\n"
"namespace {\n"
"const ZooEntry kEntries[] = {\n${body}};\n"
"}  // namespace\n"
"std::span<const ZooEntry> GeneratedZooEntries() { return kEntries; }\n"
"}  // namespace calflops\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
