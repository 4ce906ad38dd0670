# riscv64-unknown-elf.cmake: CMake toolchain file for 32-bit RISC-V microcontrollers
# with Debian's gcc-riscv64-unknown-elf and picolibc-riscv64-unknown-elf (one compiler,
# rv32 and rv64 multilibs).
#
#     cmake -S . -B build-rv32 --toolchain cmake/riscv64-unknown-elf.cmake
#
# MQTT_RS_RISCV_ARCH picks -march (default rv32imac, ABI ilp32); the Rust target
# (riscv32imac-unknown-none-elf) is derived from it (cmake/rust-target.cmake).
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR riscv32)

set(MQTT_RS_RISCV_ARCH "rv32imac" CACHE STRING "RISC-V -march: rv32i, rv32im, rv32imc, rv32imac, rv32imafc")
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES MQTT_RS_RISCV_ARCH)
if(MQTT_RS_RISCV_ARCH MATCHES "f")
  set(_mqtt_rs_riscv_abi ilp32f)
else()
  set(_mqtt_rs_riscv_abi ilp32)
endif()

set(CMAKE_C_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_CXX_COMPILER riscv64-unknown-elf-g++)
set(CMAKE_ASM_COMPILER riscv64-unknown-elf-gcc)
set(CMAKE_C_FLAGS_INIT "-march=${MQTT_RS_RISCV_ARCH} -mabi=${_mqtt_rs_riscv_abi} -ffunction-sections -fdata-sections --specs=picolibc.specs")
set(CMAKE_CXX_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
set(CMAKE_ASM_FLAGS_INIT "${CMAKE_C_FLAGS_INIT}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=picolibc.specs -Wl,--gc-sections")

set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
