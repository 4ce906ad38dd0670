# mqtt_rs-version.cmake — one version for cargo, CMake and the header.
# Cargo.toml's package version is the source; build.rs writes it into the
# header (MQTT_RS_VERSION_MAJOR/MINOR/PATCH); project(VERSION) must agree, or
# the CMake package would advertise another version than the code it ships.
file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/Cargo.toml" _mqtt_rs_cargo_version
     REGEX "^version = \"[^\"]+\"" LIMIT_COUNT 1)
string(REGEX REPLACE "^version = \"([^\"]+)\".*" "\\1" _mqtt_rs_cargo_version "${_mqtt_rs_cargo_version}")
if(NOT _mqtt_rs_cargo_version STREQUAL PROJECT_VERSION)
  message(FATAL_ERROR "mqtt_rs: project(VERSION ${PROJECT_VERSION}) in CMakeLists.txt differs from "
                      "Cargo.toml's version \"${_mqtt_rs_cargo_version}\": change both together")
endif()
