# arm-none-eabi.cmake: CMake toolchain file for Cortex-M with the GNU Arm toolchain
# (Debian: gcc-arm-none-eabi, libnewlib-arm-none-eabi).
#
#     cmake -S . -B build-arm --toolchain cmake/arm-none-eabi.cmake [-DMQTT_RS_ARM_CPU=cortex-m33]
#
# MQTT_RS_ARM_CPU picks -mcpu and the floating-point ABI (hard float where the core
# has an FPU); the Rust target triple is derived from these flags (cmake/rust-target.cmake).
# A project with its own toolchain file (STM32Cube, MCUXpresso...) keeps it: mqtt_rs
# reads the -mcpu/-mfloat-abi flags from CMAKE_C_FLAGS whatever file set them.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)

set(MQTT_RS_ARM_CPU "cortex-m4" CACHE STRING
    "Cortex-M core: cortex-m0plus, cortex-m3, cortex-m4, cortex-m7, cortex-m33")
set_property(CACHE MQTT_RS_ARM_CPU PROPERTY STRINGS cortex-m0 cortex-m0plus cortex-m3 cortex-m4 cortex-m7 cortex-m33)
# try_compile() projects read this file again: hand them the choice.
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MQTT_RS_ARM_CPU)

if(MQTT_RS_ARM_CPU MATCHES "^cortex-m(0|0plus|1|3)$")
  set(_mqtt_rs_arm_fpu "-mfloat-abi=soft")
elseif(MQTT_RS_ARM_CPU STREQUAL "cortex-m4")
  set(_mqtt_rs_arm_fpu "-mfloat-abi=hard -mfpu=fpv4-sp-d16")
elseif(MQTT_RS_ARM_CPU STREQUAL "cortex-m7")
  set(_mqtt_rs_arm_fpu "-mfloat-abi=hard -mfpu=fpv5-d16")
elseif(MQTT_RS_ARM_CPU STREQUAL "cortex-m33")
  set(_mqtt_rs_arm_fpu "-mfloat-abi=hard -mfpu=fpv5-sp-d16")
else()
  message(FATAL_ERROR "arm-none-eabi.cmake: unknown MQTT_RS_ARM_CPU '${MQTT_RS_ARM_CPU}'")
endif()

set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
set(CMAKE_C_FLAGS_INIT "-mcpu=${MQTT_RS_ARM_CPU} -mthumb ${_mqtt_rs_arm_fpu} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
set(CMAKE_ASM_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
# newlib-nano; system calls stubbed (nosys): firmware has no operating system.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs --specs=nosys.specs -Wl,--gc-sections")

# No OS to run test programs on: compiler checks build a static library instead.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
