# The crypto provider of the TLS build (included from CMakeLists.txt when MQTT_RS_TLS is ON).
#
#   MQTT_RS_CRYPTO=""          by target: ring on hosted targets, rustcrypto on bare metal
#   MQTT_RS_CRYPTO=ring        ring (hosted targets only: it does not build for Cortex-M)
#   MQTT_RS_CRYPTO=rustcrypto  the pure-Rust provider (RustCrypto crates), any target
#   MQTT_RS_CRYPTO=psa         planned: PSA Crypto (Mbed TLS, TF-M, vendor drivers); not yet
#
# Appends the matching cargo feature to _mqtt_rs_tls_features.
set(MQTT_RS_CRYPTO "" CACHE STRING
    "TLS crypto provider: empty (by target), ring or rustcrypto")
set_property(CACHE MQTT_RS_CRYPTO PROPERTY STRINGS "" ring rustcrypto psa)

if(MQTT_RS_CRYPTO STREQUAL "")
  # build.rs picks the provider from the Rust target.
elseif(MQTT_RS_CRYPTO STREQUAL "ring")
  if(_mqtt_rs_bare_metal)
    message(FATAL_ERROR "mqtt_rs: MQTT_RS_CRYPTO=ring: ring does not build for bare-metal "
                        "targets; use MQTT_RS_CRYPTO=rustcrypto (the default there)")
  endif()
  string(APPEND _mqtt_rs_tls_features ",crypto-ring")
elseif(MQTT_RS_CRYPTO STREQUAL "rustcrypto")
  string(APPEND _mqtt_rs_tls_features ",crypto-rustcrypto")
elseif(MQTT_RS_CRYPTO STREQUAL "psa")
  message(FATAL_ERROR "mqtt_rs: MQTT_RS_CRYPTO=psa: the PSA Crypto provider is not "
                      "implemented yet; use ring or rustcrypto (or leave MQTT_RS_CRYPTO empty)")
else()
  message(FATAL_ERROR "mqtt_rs: MQTT_RS_CRYPTO=${MQTT_RS_CRYPTO}: unknown provider; "
                      "use ring, rustcrypto, or leave it empty (chosen by target)")
endif()
