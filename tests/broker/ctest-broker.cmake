# ctest-broker.cmake — the shared mosquitto broker as a CTest fixture.
#
# Use from the top-level CMakeLists.txt, after enable_testing():
#
#   enable_testing()
#   include(tests/broker/ctest-broker.cmake)
#   add_executable(test_pubsub c-tests/test_pubsub.c)
#   mqtt_rs_add_broker_test(NAME c_pubsub COMMAND test_pubsub)
#
# This registers two tests, mqtt_rs_broker_start (FIXTURES_SETUP) and
# mqtt_rs_broker_stop (FIXTURES_CLEANUP), which run
#   bash tests/broker/mosquitto.sh start|stop ${CMAKE_BINARY_DIR}/broker
# CTest runs the start test before, and the stop test after, every test that
# requires the fixture `mqtt_rs_broker` (also with -R filters and -j).
#
# mqtt_rs_add_broker_test(NAME <name> COMMAND <cmd> [args...]
#                         [WORKING_DIRECTORY <dir>] [TIMEOUT <seconds>])
#   add_test() + FIXTURES_REQUIRED mqtt_rs_broker + the environment below.
# mqtt_rs_use_broker(<test> [<test>...])
#   The same for tests added with add_test() yourself.
#
# Environment of those tests (also available as CMake variables, e.g. for
# target_compile_definitions):
#   MQTT_RS_HOST=127.0.0.1
#   MQTT_RS_PORT_PLAIN         base+83  plain, anonymous
#   MQTT_RS_PORT_PASSWORD      base+84  plain, user/password required
#   MQTT_RS_PORT_TLS           base+93  TLS 1.2/1.3, server.crt
#   MQTT_RS_PORT_TLS13         base+94  TLS 1.3 only
#   MQTT_RS_PORT_MTLS          base+95  client certificate from ca.crt required
#   MQTT_RS_PORT_TLS_PASSWORD  base+96  TLS + user/password
#   MQTT_RS_PORT_EXPIRED       base+97  expired server certificate
#   MQTT_RS_PORT_WRONGHOST     base+98  certificate for wrong.example only
#   MQTT_RS_PORT_UNKNOWNCA     base+99  certificate from other-ca.crt
#   MQTT_RS_PKI=<build>/broker/pki  (ca.crt, client.crt, client.key, ...)
#   MQTT_RS_USER=mqttuser  MQTT_RS_PASS=mqttpass
# base is MQTT_RS_PORT_BASE: the CMake cache variable, defaulting to the
# environment variable of that name at configure time, else 18800.

if(DEFINED ENV{MQTT_RS_PORT_BASE} AND NOT "$ENV{MQTT_RS_PORT_BASE}" STREQUAL "")
  set(_mqtt_rs_default_base "$ENV{MQTT_RS_PORT_BASE}")
else()
  set(_mqtt_rs_default_base 18800)
endif()
set(MQTT_RS_PORT_BASE "${_mqtt_rs_default_base}" CACHE STRING
    "Test broker ports are this base plus 83, 84, 93..99")

find_program(MQTT_RS_BASH bash)
if(NOT MQTT_RS_BASH)
  message(FATAL_ERROR "bash is needed to run the test broker")
endif()

set(MQTT_RS_BROKER_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/mosquitto.sh")
set(MQTT_RS_BROKER_DIR "${CMAKE_BINARY_DIR}/broker")
set(MQTT_RS_PKI_DIR "${MQTT_RS_BROKER_DIR}/pki")
set(MQTT_RS_HOST 127.0.0.1)
set(MQTT_RS_USER mqttuser)
set(MQTT_RS_PASS mqttpass)

set(_mqtt_rs_env
    "MQTT_RS_PORT_BASE=${MQTT_RS_PORT_BASE}"
    "MQTT_RS_HOST=${MQTT_RS_HOST}"
    "MQTT_RS_PKI=${MQTT_RS_PKI_DIR}"
    "MQTT_RS_USER=${MQTT_RS_USER}"
    "MQTT_RS_PASS=${MQTT_RS_PASS}")
foreach(_pair PLAIN:83 PASSWORD:84 TLS:93 TLS13:94 MTLS:95 TLS_PASSWORD:96
              EXPIRED:97 WRONGHOST:98 UNKNOWNCA:99)
  string(REPLACE ":" ";" _pair "${_pair}")
  list(GET _pair 0 _name)
  list(GET _pair 1 _offset)
  math(EXPR MQTT_RS_PORT_${_name} "${MQTT_RS_PORT_BASE} + ${_offset}")
  list(APPEND _mqtt_rs_env "MQTT_RS_PORT_${_name}=${MQTT_RS_PORT_${_name}}")
endforeach()
set(MQTT_RS_BROKER_ENVIRONMENT "${_mqtt_rs_env}")

add_test(NAME mqtt_rs_broker_start
         COMMAND "${MQTT_RS_BASH}" "${MQTT_RS_BROKER_SCRIPT}" start "${MQTT_RS_BROKER_DIR}")
add_test(NAME mqtt_rs_broker_stop
         COMMAND "${MQTT_RS_BASH}" "${MQTT_RS_BROKER_SCRIPT}" stop "${MQTT_RS_BROKER_DIR}")
set_tests_properties(mqtt_rs_broker_start PROPERTIES
    FIXTURES_SETUP mqtt_rs_broker TIMEOUT 120
    ENVIRONMENT "MQTT_RS_PORT_BASE=${MQTT_RS_PORT_BASE}")
set_tests_properties(mqtt_rs_broker_stop PROPERTIES
    FIXTURES_CLEANUP mqtt_rs_broker TIMEOUT 60
    ENVIRONMENT "MQTT_RS_PORT_BASE=${MQTT_RS_PORT_BASE}")

function(mqtt_rs_use_broker)
  foreach(_test IN LISTS ARGN)
    set_property(TEST "${_test}" APPEND PROPERTY FIXTURES_REQUIRED mqtt_rs_broker)
    set_property(TEST "${_test}" APPEND PROPERTY ENVIRONMENT ${MQTT_RS_BROKER_ENVIRONMENT})
  endforeach()
endfunction()

function(mqtt_rs_add_broker_test)
  cmake_parse_arguments(ARG "" "NAME;WORKING_DIRECTORY;TIMEOUT" "COMMAND" ${ARGN})
  if(NOT ARG_NAME OR NOT ARG_COMMAND)
    message(FATAL_ERROR "mqtt_rs_add_broker_test: NAME and COMMAND are required")
  endif()
  if(ARG_WORKING_DIRECTORY)
    add_test(NAME "${ARG_NAME}" COMMAND ${ARG_COMMAND} WORKING_DIRECTORY "${ARG_WORKING_DIRECTORY}")
  else()
    add_test(NAME "${ARG_NAME}" COMMAND ${ARG_COMMAND})
  endif()
  if(ARG_TIMEOUT)
    set_tests_properties("${ARG_NAME}" PROPERTIES TIMEOUT "${ARG_TIMEOUT}")
  endif()
  mqtt_rs_use_broker("${ARG_NAME}")
endfunction()

# A check that the fixture itself works: every listener accepts.
add_test(NAME mqtt_rs_broker_status
         COMMAND "${MQTT_RS_BASH}" "${MQTT_RS_BROKER_SCRIPT}" status "${MQTT_RS_BROKER_DIR}")
mqtt_rs_use_broker(mqtt_rs_broker_status)
