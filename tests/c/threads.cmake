# Several threads on one client with the `lock` callback (tests/c/threads_test.c):
#   c_threads            under ThreadSanitizer (the test and the POSIX port instrumented)
#   c_threads_helgrind   under valgrind's helgrind (sees the Rust library's memory too)
#   c_threads_*_control  the same without the lock: must fail
# Registered only for plain builds: the ASan and valgrind builds of
# tests/sanitizers.sh cannot add TSan, and run their own launcher.
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" AND NOT CMAKE_C_FLAGS MATCHES "sanitize"
   AND "${MQTT_RS_TEST_LAUNCHER}" STREQUAL "")
  find_package(Threads REQUIRED)
  set(_threads_src threads_test.c "${PROJECT_SOURCE_DIR}/c-examples/port/posix_net.c")
  foreach(_variant tsan plain)
    add_executable(threads_test_${_variant} ${_threads_src})
    target_include_directories(threads_test_${_variant} PRIVATE "${PROJECT_SOURCE_DIR}/c-examples/port")
    target_link_libraries(threads_test_${_variant} PRIVATE mqtt_rs::mqtt_rs Threads::Threads)
    target_compile_options(threads_test_${_variant} PRIVATE ${_mqtt_rs_c_warnings} -g -O1)
    set_target_properties(threads_test_${_variant} PROPERTIES C_STANDARD 99 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  endforeach()
  target_compile_options(threads_test_tsan PRIVATE -fsanitize=thread)
  target_link_options(threads_test_tsan PRIVATE -fsanitize=thread)

  add_test(NAME c_threads COMMAND threads_test_tsan ${MQTT_RS_PORT_PLAIN})
  add_test(NAME c_threads_control COMMAND threads_test_tsan ${MQTT_RS_PORT_PLAIN} nolock)
  set_tests_properties(c_threads c_threads_control PROPERTIES
    TIMEOUT 120 ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1 exitcode=66")
  set(_threads_tests c_threads c_threads_control)
  find_program(MQTT_RS_VALGRIND valgrind)
  if(MQTT_RS_VALGRIND)
    set(_helgrind ${MQTT_RS_VALGRIND} --tool=helgrind --error-exitcode=9 -q)
    add_test(NAME c_threads_helgrind COMMAND ${_helgrind} $<TARGET_FILE:threads_test_plain> ${MQTT_RS_PORT_PLAIN})
    add_test(NAME c_threads_helgrind_control
             COMMAND ${_helgrind} $<TARGET_FILE:threads_test_plain> ${MQTT_RS_PORT_PLAIN} nolock)
    set_tests_properties(c_threads_helgrind c_threads_helgrind_control PROPERTIES TIMEOUT 300)
    list(APPEND _threads_tests c_threads_helgrind c_threads_helgrind_control)
    set_tests_properties(c_threads_helgrind_control PROPERTIES WILL_FAIL TRUE)
  endif()
  set_tests_properties(c_threads_control PROPERTIES WILL_FAIL TRUE)
  foreach(_t ${_threads_tests})
    mqtt_rs_use_broker(${_t})
  endforeach()
endif()
