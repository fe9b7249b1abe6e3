# Writes OUT: a C++ file holding every hardware/*.json as a string, for
# readers/hardware/hardware_reader.cc. Usage: cmake -DHW_DIR=... -DOUT=... -P embed_hardware.cmake
file(GLOB files "${HW_DIR}/*.json")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(fname "${f}" NAME)
  string(REGEX REPLACE "\\.json$" "" name "${fname}")
  file(READ "${f}" text)
  string(APPEND body "    {\"${name}\", R\"hw_json(${text})hw_json\"},\n")
endforeach()
file(WRITE "${OUT}.tmp"
"// Generated from hardware/*.json by cmake/embed_hardware.cmake. Do not edit.\n"
"#include \"readers/hardware/hardware_reader.h\"\n\n"
"namespace calflops {\n"
"namespace {\n"
"const HardwareFile kFiles[] = {\n${body}};\n"
"}  // namespace\n"
"std::span<const HardwareFile> GeneratedHardwareFiles() { return kFiles; }\n"
"}  // namespace calflops\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUT}.tmp" "${OUT}")
file(REMOVE "${OUT}.tmp")
