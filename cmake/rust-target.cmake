# rust-target.cmake: the Rust target triple for a cross build, derived from the C
# toolchain when MQTT_RS_CARGO_TARGET is empty, and checked against the installed
# Rust targets. Included by the top-level CMakeLists.txt.
#
# Reads -mcpu, -march and -mfloat-abi from the C flags (any toolchain file) and
# CMAKE_SYSTEM_PROCESSOR. Anything it cannot map stops the configure step with a
# message naming MQTT_RS_CARGO_TARGET.

# Sets `out` to the triple for the flags, or to "" when they do not say.
function(mqtt_rs_rust_target_from_flags out flags processor)
  set(triple "")
  set(hard OFF)
  # The last -mcpu/-march/-mfloat-abi wins, as for the compiler.
  set(cpu "")
  string(REGEX MATCHALL "-mcpu=[^ ]+" cpus "${flags}")
  string(REGEX MATCHALL "-mfloat-abi=[a-z]+" abis "${flags}")
  string(REGEX MATCHALL "-march=[^ ]+" archs "${flags}")
  if(abis)
    list(GET abis -1 abi)
    if(abi STREQUAL "-mfloat-abi=hard")
      set(hard ON)
    endif()
  endif()
  if(cpus)
    list(GET cpus -1 cpu)
    string(REPLACE "-mcpu=" "" cpu "${cpu}")
  elseif(processor MATCHES "^cortex-m")
    set(cpu "${processor}")
  endif()
  string(REGEX REPLACE "\\+.*$" "" cpu "${cpu}")  # cortex-m33+nodsp -> cortex-m33
  if(cpu MATCHES "^cortex-m(0|0plus|1)$")
    set(triple thumbv6m-none-eabi)
  elseif(cpu STREQUAL "cortex-m3")
    set(triple thumbv7m-none-eabi)
  elseif(cpu MATCHES "^cortex-m(4|7)$")
    set(triple thumbv7em-none-eabi)
  elseif(cpu STREQUAL "cortex-m23")
    set(triple thumbv8m.base-none-eabi)
  elseif(cpu MATCHES "^cortex-m(33|35p|55|85)$")
    set(triple thumbv8m.main-none-eabi)
  elseif(archs)
    list(GET archs -1 arch)
    string(REGEX REPLACE "^-march=|_.*$" "" arch "${arch}")  # rv32imac_zicsr -> rv32imac
    if(arch MATCHES "^rv32(i|im|imc|imac|imafc)$")
      set(triple riscv32${CMAKE_MATCH_1}-unknown-none-elf)
    endif()
  endif()
  # Rust's "eabihf" targets pass floats in FPU registers (-mfloat-abi=hard); the
  # "eabi" ones use the soft calling convention (-mfloat-abi=soft or softfp).
  if(hard AND triple MATCHES "^thumbv(7em|8m\\.main)-none-eabi$")
    set(triple "${triple}hf")
  endif()
  set(${out} "${triple}" PARENT_SCOPE)
endfunction()

if(CMAKE_CROSSCOMPILING AND NOT MQTT_RS_CARGO_TARGET AND NOT MQTT_RS_PREBUILT_LIBRARY)
  string(TOUPPER "${CMAKE_BUILD_TYPE}" _mqtt_rs_bt)
  mqtt_rs_rust_target_from_flags(_mqtt_rs_triple
    "${CMAKE_C_FLAGS_INIT} ${CMAKE_C_FLAGS} ${CMAKE_C_FLAGS_${_mqtt_rs_bt}}" "${CMAKE_SYSTEM_PROCESSOR}")
  if(NOT _mqtt_rs_triple)
    message(FATAL_ERROR
      "mqtt_rs: cannot tell the Rust target for this C toolchain (processor "
      "'${CMAKE_SYSTEM_PROCESSOR}', flags '${CMAKE_C_FLAGS}'). Set MQTT_RS_CARGO_TARGET, "
      "e.g. -DMQTT_RS_CARGO_TARGET=thumbv7em-none-eabihf for a Cortex-M4F with "
      "-mfloat-abi=hard (`rustc --print target-list` lists them).")
  endif()
  set(MQTT_RS_CARGO_TARGET "${_mqtt_rs_triple}" CACHE STRING
      "Rust target triple to build for (empty: the host). Must match the C toolchain." FORCE)
  message(STATUS "mqtt_rs: Rust target ${MQTT_RS_CARGO_TARGET} (from the C toolchain flags)")
endif()

# A missing Rust target fails here, with the command that installs it.
if(MQTT_RS_CARGO_TARGET AND NOT MQTT_RS_PREBUILT_LIBRARY)
  find_program(MQTT_RS_RUSTC rustc HINTS "$ENV{CARGO_HOME}/bin" "$ENV{HOME}/.cargo/bin")
  if(MQTT_RS_RUSTC)
    execute_process(COMMAND "${MQTT_RS_RUSTC}" --print sysroot
                    OUTPUT_VARIABLE _mqtt_rs_sysroot OUTPUT_STRIP_TRAILING_WHITESPACE
                    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}")
    if(_mqtt_rs_sysroot AND NOT EXISTS "${_mqtt_rs_sysroot}/lib/rustlib/${MQTT_RS_CARGO_TARGET}")
      message(FATAL_ERROR "mqtt_rs: the Rust target ${MQTT_RS_CARGO_TARGET} is not installed: "
                          "rustup target add ${MQTT_RS_CARGO_TARGET}")
    endif()
  endif()
endif()
