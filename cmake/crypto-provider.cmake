# The crypto provider of the TLS build (included from CMakeLists.txt when MQTT_RS_TLS is ON).
#
#   MQTT_RS_CRYPTO=""          by target: ring on hosted targets, rustcrypto on bare metal
#   MQTT_RS_CRYPTO=ring        ring (hosted targets only: it does not build for Cortex-M)
#   MQTT_RS_CRYPTO=rustcrypto  the pure-Rust provider (RustCrypto crates), any target
#   MQTT_RS_CRYPTO=psa         PSA Crypto: the platform's implementation (Mbed TLS, TF-M,
#                              a vendor's driver) does every operation. Hosted builds link
#                              MQTT_RS_PSA_LIBS (default: mbedcrypto, e.g. Debian's
#                              libmbedtls-dev); on bare metal it defaults to empty and the
#                              firmware links its PSA implementation itself.
#
# The TLS diet (any provider; see the options at the end): MQTT_RS_TLS_NO_RSA,
# MQTT_RS_TLS_NO_P384, MQTT_RS_TLS_NO_SHA384, MQTT_RS_TLS13_ONLY.
#
# Appends the matching cargo features to _mqtt_rs_tls_features (MQTT_RS_TLS13_ONLY:
# --no-default-features to _mqtt_rs_cargo_args) and sets
# _mqtt_rs_crypto_libs (libraries linked after libmqtt_rs).
set(MQTT_RS_CRYPTO "" CACHE STRING
    "TLS crypto provider: empty (by target), ring, rustcrypto or psa")
set(_mqtt_rs_crypto_libs "")
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
  string(APPEND _mqtt_rs_tls_features ",crypto-psa")
  if(_mqtt_rs_bare_metal)
    set(_mqtt_rs_psa_default "")
  else()
    set(_mqtt_rs_psa_default "mbedcrypto")
  endif()
  set(MQTT_RS_PSA_LIBS "${_mqtt_rs_psa_default}" CACHE STRING
      "PSA Crypto implementation linked after libmqtt_rs (MQTT_RS_CRYPTO=psa)")
  set(_mqtt_rs_crypto_libs ${MQTT_RS_PSA_LIBS})
else()
  message(FATAL_ERROR "mqtt_rs: MQTT_RS_CRYPTO=${MQTT_RS_CRYPTO}: unknown provider; "
                      "use ring, rustcrypto, psa, or leave it empty (chosen by target)")
endif()

# The TLS diet: each option leaves out what a device may not need, with any provider. A
# broker that needs what was left out fails the handshake (MQTT_RS_TLS_HANDSHAKE_FAILED,
# MQTT_RS_TLS_PROTOCOL_VERSION), and the detail text names the option.
option(MQTT_RS_TLS_NO_RSA "TLS diet: no RSA signatures (the broker's chain and key must be ECDSA)" OFF)
option(MQTT_RS_TLS_NO_P384 "TLS diet: no P-384 keys or key exchange" OFF)
option(MQTT_RS_TLS_NO_SHA384 "TLS diet: no signatures over SHA-384 or SHA-512" OFF)
option(MQTT_RS_TLS13_ONLY "TLS diet: TLS 1.3 only, no TLS 1.2" OFF)
foreach(_mqtt_rs_diet IN ITEMS "MQTT_RS_TLS_NO_RSA tls-no-rsa" "MQTT_RS_TLS_NO_P384 tls-no-p384"
                               "MQTT_RS_TLS_NO_SHA384 tls-no-sha384")
  separate_arguments(_mqtt_rs_diet)
  list(GET _mqtt_rs_diet 0 _mqtt_rs_diet_option)
  list(GET _mqtt_rs_diet 1 _mqtt_rs_diet_feature)
  if(${_mqtt_rs_diet_option})
    string(APPEND _mqtt_rs_tls_features ",${_mqtt_rs_diet_feature}")
  endif()
endforeach()
# TLS 1.2 is the crate's default feature `tls12`: TLS 1.3 only is a build without it.
if(MQTT_RS_TLS13_ONLY)
  list(APPEND _mqtt_rs_cargo_args --no-default-features)
endif()
