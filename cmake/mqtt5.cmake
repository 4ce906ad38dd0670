# MQTT 5.0 (included from CMakeLists.txt, before the cargo build is set up).
#
#   MQTT_RS_MQTT5=ON   builds the library with the cargo feature 'mqtt5' and defines
#                      MQTT_RS_MQTT5 for every target linking mqtt_rs::mqtt_rs: the header's
#                      v5 declarations and the larger client and slot storage sizes
#                      (MQTT_RS_CLIENT_SIZE, MQTT_RS_INFLIGHT_SLOT_SIZE) must match the library.
#
# Sets _mqtt_rs_interface_defines (compile definitions of mqtt_rs::mqtt_rs) and, with the
# option ON, adds mqtt5 to MQTT_RS_CARGO_FEATURES for this directory.
option(MQTT_RS_MQTT5 "Build mqtt_rs with MQTT 5.0 (cargo feature 'mqtt5'); its users get MQTT_RS_MQTT5 defined" OFF)
set(_mqtt_rs_interface_defines "")
if(MQTT_RS_MQTT5)
  list(APPEND _mqtt_rs_interface_defines MQTT_RS_MQTT5)
  if(MQTT_RS_CARGO_FEATURES)
    set(MQTT_RS_CARGO_FEATURES "${MQTT_RS_CARGO_FEATURES},mqtt5")
  else()
    set(MQTT_RS_CARGO_FEATURES "mqtt5")
  endif()
endif()
