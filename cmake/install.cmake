# `cmake --install`: the CLI, the public headers (include/calflops), libcalflops.a and
# libcalflops.so, the CMake package (find_package(calflops): calflops::calflops, calflops::shared),
# calflops.pc, and the man page and bash completion generated from the option table by the
# built CLI (docs/install.md).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(GEN ${CMAKE_BINARY_DIR}/generated)
add_custom_command(
  OUTPUT ${GEN}/calflops.1 ${GEN}/calflops.bash
  COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:calflops> -DARG=--man -DOUT=${GEN}/calflops.1
          -P ${CMAKE_SOURCE_DIR}/cmake/run_to_file.cmake
  COMMAND ${CMAKE_COMMAND} -DEXE=$<TARGET_FILE:calflops> -DARG=--bash-completion
          -DOUT=${GEN}/calflops.bash -P ${CMAKE_SOURCE_DIR}/cmake/run_to_file.cmake
  DEPENDS calflops ${CMAKE_SOURCE_DIR}/cmake/run_to_file.cmake
  VERBATIM
  COMMENT "Generating the man page and bash completion from the option table")
add_custom_target(calflops_docs ALL DEPENDS ${GEN}/calflops.1 ${GEN}/calflops.bash)

install(TARGETS calflops RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS calflops_lib calflops_shared EXPORT calflopsTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/calflops DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT calflopsTargets NAMESPACE calflops::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/calflops)
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/calflopsConfig.cmake.in
                              ${GEN}/calflopsConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/calflops)
write_basic_package_version_file(${GEN}/calflopsConfigVersion.cmake
                                 COMPATIBILITY SameMajorVersion)
install(FILES ${GEN}/calflopsConfig.cmake ${GEN}/calflopsConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/calflops)
# pkg-config: the prefix is the one given at install time (cmake --install --prefix), so the
# file is written by an install script, not at configure time.
install(CODE "
  set(CMAKE_INSTALL_LIBDIR ${CMAKE_INSTALL_LIBDIR})
  set(CMAKE_INSTALL_INCLUDEDIR ${CMAKE_INSTALL_INCLUDEDIR})
  set(PROJECT_VERSION ${PROJECT_VERSION})
  set(CMAKE_INSTALL_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  configure_file(${CMAKE_SOURCE_DIR}/cmake/calflops.pc.in
                 \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/calflops.pc\" @ONLY)
  message(STATUS \"Installing: \${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig/calflops.pc\")")
install(FILES ${GEN}/calflops.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${GEN}/calflops.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME calflops)
