# MQTT_RS_PERSIST: the persistence hooks of the reconnect supervisor (cargo feature
# 'persist'; mqtt_rs_reconnect_config.persist_store/persist_remove). ON by default for
# hosted builds, OFF for a "*-none-*" Rust target, where every byte counts: left out, the
# engine is unchanged and the hooks return MQTT_RS_PERSIST_NOT_BUILT.
# Appends the feature to _mqtt_rs_features.
if(MQTT_RS_CARGO_TARGET MATCHES "-none")
  set(_mqtt_rs_persist_default OFF)
else()
  set(_mqtt_rs_persist_default ON)
endif()
option(MQTT_RS_PERSIST "Persistence hooks for unfinished QoS 1/2 flows (cargo feature 'persist')" ${_mqtt_rs_persist_default})
if(MQTT_RS_PERSIST)
  if(_mqtt_rs_features)
    string(APPEND _mqtt_rs_features ",persist")
  else()
    set(_mqtt_rs_features "persist")
  endif()
endif()
