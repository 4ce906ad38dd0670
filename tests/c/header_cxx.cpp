// header_cxx.cpp: include/mqtt_rs.h must compile as C++ and give its
// functions C linkage (extern "C"), or C++ firmware cannot link the library.
// header_test.sh checks the object's undefined symbols are unmangled.
#include "mqtt_rs.h"
#include "mqtt_rs.h"

extern "C" const char *header_cxx_probe(void);

extern "C" const char *header_cxx_probe(void)
{
    mqtt_rs_connect_options options;
    mqtt_rs_connect_options_init(&options);
    return mqtt_rs_result_str(MQTT_RS_OK);
}
