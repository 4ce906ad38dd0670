# mqtt_rs-install.cmake — `cmake --install` rules: the archive, the header, a
# CMake package (find_package(mqtt_rs CONFIG) -> mqtt_rs::mqtt_rs) and a
# pkg-config file (mqtt_rs.pc). Included from the top-level CMakeLists.txt
# after the imported target is defined; uses MQTT_RS_LIBRARY (the archive) and
# _mqtt_rs_link_libs (the system libraries it needs in this build: none for
# the plain and the bare-metal builds, m;rt;pthread for TLS+POSIX on Linux).
#
#   cmake -S . -B build && cmake --build build
#   cmake --install build --prefix /opt/mqtt_rs
#
# installs
#   lib/libmqtt_rs.a
#   include/mqtt_rs.h
#   lib/cmake/mqtt_rs/mqtt_rsConfig.cmake, mqtt_rsConfigVersion.cmake
#   lib/pkgconfig/mqtt_rs.pc
# Both package files are relocatable: they find the prefix from their own
# location, so the tree may be moved or installed with DESTDIR.

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

option(MQTT_RS_INSTALL "Generate the install rules (archive, header, CMake package, mqtt_rs.pc)"
       ${MQTT_RS_TOP_LEVEL})
if(NOT MQTT_RS_INSTALL)
  return()
endif()

set(_mqtt_rs_archive_name "${CMAKE_STATIC_LIBRARY_PREFIX}mqtt_rs${CMAKE_STATIC_LIBRARY_SUFFIX}")
set(_mqtt_rs_cmake_dir "${CMAKE_INSTALL_LIBDIR}/cmake/mqtt_rs")
set(_mqtt_rs_gen_dir "${CMAKE_CURRENT_BINARY_DIR}/mqtt_rs-package")

install(FILES "${MQTT_RS_LIBRARY}"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}" RENAME "${_mqtt_rs_archive_name}")
install(FILES "${CMAKE_CURRENT_SOURCE_DIR}/include/mqtt_rs.h"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

# --- CMake package -------------------------------------------------------
# What the build was, for the consumer to inspect (mqtt_rs_TLS, ...).
set(MQTT_RS_PACKAGE_TLS ${MQTT_RS_TLS})
if(MQTT_RS_TLS AND MQTT_RS_POSIX_PLATFORM)
  set(MQTT_RS_PACKAGE_POSIX_PLATFORM ON)
else()
  set(MQTT_RS_PACKAGE_POSIX_PLATFORM OFF)
endif()
set(MQTT_RS_PACKAGE_LINK_LIBS "${_mqtt_rs_link_libs}")
# The definitions users must compile with (MQTT_RS_MQTT5: the v5 API and storage sizes).
set(MQTT_RS_PACKAGE_DEFINES "${_mqtt_rs_interface_defines}")
set(MQTT_RS_PACKAGE_ARCHIVE "${CMAKE_INSTALL_LIBDIR}/${_mqtt_rs_archive_name}")
configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/mqtt_rsConfig.cmake.in"
  "${_mqtt_rs_gen_dir}/mqtt_rsConfig.cmake"
  INSTALL_DESTINATION "${_mqtt_rs_cmake_dir}"
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR MQTT_RS_PACKAGE_ARCHIVE)
# 0.x: a minor release may break the ABI (docs/abi-policy.md), so a request
# for 0.1 accepts 0.1.* only; from 1.0 on, the same major version.
if(PROJECT_VERSION_MAJOR EQUAL 0)
  set(_mqtt_rs_compat SameMinorVersion)
else()
  set(_mqtt_rs_compat SameMajorVersion)
endif()
# ARCH_INDEPENDENT is not set: a static archive is for one architecture, and
# CMake then refuses a package built for another pointer size.
write_basic_package_version_file(
  "${_mqtt_rs_gen_dir}/mqtt_rsConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}" COMPATIBILITY ${_mqtt_rs_compat})
install(FILES "${_mqtt_rs_gen_dir}/mqtt_rsConfig.cmake" "${_mqtt_rs_gen_dir}/mqtt_rsConfigVersion.cmake"
        DESTINATION "${_mqtt_rs_cmake_dir}")

# --- pkg-config ----------------------------------------------------------
# Libs.private carries the system libraries: `pkg-config --libs --static`.
set(MQTT_RS_PC_LIBS_PRIVATE "")
foreach(_lib IN LISTS _mqtt_rs_link_libs)
  if(_lib MATCHES "^-" OR IS_ABSOLUTE "${_lib}")
    string(APPEND MQTT_RS_PC_LIBS_PRIVATE " ${_lib}")
  else()
    string(APPEND MQTT_RS_PC_LIBS_PRIVATE " -l${_lib}")
  endif()
endforeach()
string(STRIP "${MQTT_RS_PC_LIBS_PRIVATE}" MQTT_RS_PC_LIBS_PRIVATE)
set(MQTT_RS_PC_CFLAGS "")
foreach(_define IN LISTS _mqtt_rs_interface_defines)
  string(APPEND MQTT_RS_PC_CFLAGS " -D${_define}")
endforeach()
# The prefix relative to the .pc file's own directory (${pcfiledir}), so that
# the file stays right under `cmake --install --prefix` and DESTDIR.
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(MQTT_RS_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
else()
  file(RELATIVE_PATH _mqtt_rs_up "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  set(MQTT_RS_PC_PREFIX "\${pcfiledir}/${_mqtt_rs_up}")
endif()
configure_file("${CMAKE_CURRENT_LIST_DIR}/mqtt_rs.pc.in" "${_mqtt_rs_gen_dir}/mqtt_rs.pc" @ONLY)
install(FILES "${_mqtt_rs_gen_dir}/mqtt_rs.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
