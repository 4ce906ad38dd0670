# cmake -DOPENSSL=openssl -DPEM=release.pub -DOUT=fw_release_key.h -P fw-release-key.cmake
# Writes the P-256 public key of PEM as a C array of its uncompressed point
# (65 bytes, 04 || X || Y: the end of the SubjectPublicKeyInfo DER).
get_filename_component(_dir "${OUT}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
execute_process(COMMAND "${OPENSSL}" pkey -pubin -in "${PEM}" -outform DER -out "${OUT}.der"
                RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "fw-release-key: ${PEM} is not a PEM public key: ${_err}")
endif()
get_filename_component(_pem_name "${PEM}" NAME)
file(READ "${OUT}.der" _hex HEX)
string(LENGTH "${_hex}" _len)
# A P-256 SubjectPublicKeyInfo is 91 bytes and ends with the 65-byte point.
if(NOT _len EQUAL 182)
  message(FATAL_ERROR "fw-release-key: ${PEM} is not a P-256 public key (${_len} hex digits of DER)")
endif()
string(SUBSTRING "${_hex}" 52 130 _point)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," _bytes "${_point}")
file(WRITE "${OUT}"
"/* Generated from ${_pem_name} by cmake/fw-release-key.cmake; do not edit or commit. */\n"
"#ifndef FW_RELEASE_KEY_H\n#define FW_RELEASE_KEY_H\n#include <stdint.h>\n"
"/* The release public key (P-256, uncompressed point) fw_device trusts. */\n"
"static const uint8_t fw_release_key[65] = {${_bytes}};\n#endif\n")
file(REMOVE "${OUT}.der")
