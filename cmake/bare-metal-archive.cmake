# bare-metal-archive.cmake: keep the archive from overriding the firmware's C library.
#
# A Rust static library carries compiler_builtins, which defines memcpy, memmove,
# memset, memcmp, bcmp, strlen and (on Arm) the __aeabi_mem* helpers. When the archive
# comes before libc on the link line, the linker takes them from the archive and the
# whole firmware uses them instead of newlib's (or the vendor library's). Made local
# to their object file, they still serve compiler_builtins internally, and every other
# reference, the library's own included, binds to the firmware's C library.
# tests/qemu.sh checks in the firmware's link map which definitions were linked.

set(MQTT_RS_LIBC_SYMBOLS
    memcpy memmove memset memcmp bcmp strlen
    __aeabi_memcpy __aeabi_memcpy4 __aeabi_memcpy8
    __aeabi_memmove __aeabi_memmove4 __aeabi_memmove8
    __aeabi_memset __aeabi_memset4 __aeabi_memset8
    __aeabi_memclr __aeabi_memclr4 __aeabi_memclr8)

# LLVM's objcopy reads every relocation rustc emits; GNU objcopy 2.40 rejects some of
# the RISC-V ones ("unsupported relocation type") but handles Arm archives.
find_program(MQTT_RS_OBJCOPY NAMES llvm-objcopy llvm-objcopy-16 llvm-objcopy-15 llvm-objcopy-14
             DOC "objcopy that rewrites the Rust archive (LLVM's; for Arm GNU objcopy works too)")
if(NOT MQTT_RS_OBJCOPY AND CMAKE_OBJCOPY AND MQTT_RS_CARGO_TARGET MATCHES "^thumb")
  set(MQTT_RS_OBJCOPY "${CMAKE_OBJCOPY}")
endif()

# Sets `out` to the command that copies archive `in` to `out_archive` with those
# symbols made local.
function(mqtt_rs_localize_command out in out_archive)
  if(NOT MQTT_RS_OBJCOPY)
    message(FATAL_ERROR "mqtt_rs: no llvm-objcopy (Debian: llvm) to set MQTT_RS_OBJCOPY to: needed to keep "
                        "the archive's memcpy/memset out of the firmware's C library")
  endif()
  set(cmd "${MQTT_RS_OBJCOPY}")
  foreach(sym IN LISTS MQTT_RS_LIBC_SYMBOLS)
    list(APPEND cmd "--localize-symbol=${sym}")
  endforeach()
  list(APPEND cmd "${in}" "${out_archive}")
  set(${out} "${cmd}" PARENT_SCOPE)
endfunction()
