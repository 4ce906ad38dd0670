//! MQTT packet codec.
