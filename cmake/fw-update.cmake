# The secure firmware update example's build helpers, for the POSIX programs
# (c-examples/fwupdate) and the QEMU firmware (c-examples/baremetal):
#
#   mqtt_rs_fw_release_key(TARGET)
#       compiles the release public key into TARGET as fw_release_key.h (the
#       65-byte P-256 point, generated at build time by fw-release-key.cmake).
#       The key is the PEM named by MQTT_RS_FW_RELEASE_PUBKEY; left empty, a
#       throwaway key pair is made in the build tree at configure time (for the
#       tests; never committed, never for devices): fwupdate-keys/release.key
#       signs, release.pub is compiled in. Needs MQTT_RS_OPENSSL (found here).
#   mqtt_rs_fw_pem_header(PEM_FILE HEADER SYMBOL)
#       writes HEADER with `static const char SYMBOL[]`, the text of PEM_FILE
#       (a certificate or key compiled into firmware), at configure time.

set(MQTT_RS_FW_RELEASE_PUBKEY "" CACHE FILEPATH
    "PEM public key (P-256) that fw_device trusts; empty: a throwaway test key made in the build tree")
find_program(MQTT_RS_OPENSSL openssl)

function(mqtt_rs_fw_release_key target)
  set(_pub "${MQTT_RS_FW_RELEASE_PUBKEY}")
  if(_pub STREQUAL "")
    set(_keys "${CMAKE_BINARY_DIR}/fwupdate-keys")
    set(_pub "${_keys}/release.pub")
    if(NOT EXISTS "${_pub}")
      file(MAKE_DIRECTORY "${_keys}")
      execute_process(COMMAND "${MQTT_RS_OPENSSL}" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256
                              -out "${_keys}/release.key" RESULT_VARIABLE _rc1)
      execute_process(COMMAND "${MQTT_RS_OPENSSL}" pkey -in "${_keys}/release.key" -pubout -out "${_pub}"
                      RESULT_VARIABLE _rc2)
      if(NOT _rc1 EQUAL 0 OR NOT _rc2 EQUAL 0)
        message(FATAL_ERROR "mqtt_rs: could not make the test release key in ${_keys}")
      endif()
    endif()
  endif()
  set(_dir "${CMAKE_CURRENT_BINARY_DIR}/generated-${target}")
  set(_header "${_dir}/fw_release_key.h")
  add_custom_command(OUTPUT "${_header}"
    COMMAND "${CMAKE_COMMAND}" -DOPENSSL=${MQTT_RS_OPENSSL} -DPEM=${_pub} -DOUT=${_header}
            -P "${PROJECT_SOURCE_DIR}/cmake/fw-release-key.cmake"
    DEPENDS "${_pub}" "${PROJECT_SOURCE_DIR}/cmake/fw-release-key.cmake"
    COMMENT "fw_release_key.h from ${_pub}")
  target_sources(${target} PRIVATE "${_header}")
  target_include_directories(${target} PRIVATE "${_dir}")
endfunction()

function(mqtt_rs_fw_pem_header pem header symbol)
  file(READ "${pem}" _text)
  get_filename_component(_name "${pem}" NAME)
  string(REPLACE "\n" "\\n\"\n    \"" _text "${_text}")
  file(WRITE "${header}"
       "/* Generated at configure time from ${_name}. */\nstatic const char ${symbol}[] =\n    \"${_text}\";\n")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${pem}")
endfunction()
