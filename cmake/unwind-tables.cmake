# unwind-tables.cmake: the archive without unwind tables (.eh_frame) on ELF hosts.
#
# The library is built with panic = "abort" and called from C, so nothing unwinds through
# its frames (an unwinder that reaches one is stopped by its personality routine). The host
# target still writes an .eh_frame entry for each of its functions: the prebuilt `core`,
# compiled with unwinding, brings landing-pad personalities and debug-info frames into the
# LTO module, which `-C force-unwind-tables=no` does not take out. On x86_64 they were 3.1 kB
# of the 23.8 kB a minimal client links from the archive (BENCHMARKS.md, section 8).
# MQTT_RS_UNWIND_TABLES=ON keeps them, for backtraces through the library's frames without
# debug information (glibc backtrace(), perf --call-graph=dwarf, gdb on a stripped program).
option(MQTT_RS_UNWIND_TABLES "Keep the unwind tables (.eh_frame) in the archive (ELF hosts)" OFF)

# LLVM's objcopy reads every relocation rustc emits (see bare-metal-archive.cmake); the
# toolchain's GNU objcopy does for x86_64 and Arm.
find_program(MQTT_RS_OBJCOPY NAMES llvm-objcopy llvm-objcopy-16 llvm-objcopy-15 llvm-objcopy-14
             DOC "objcopy that rewrites the Rust archive")

# Sets `out` to the command that copies archive `in` to `out_archive` without its unwind
# tables, or to "" when they stay (the option, not an ELF target, or no objcopy).
function(mqtt_rs_strip_unwind_command out in out_archive)
  set(${out} "" PARENT_SCOPE)
  if(MQTT_RS_UNWIND_TABLES OR NOT CMAKE_EXECUTABLE_FORMAT STREQUAL "ELF")
    return()
  endif()
  set(objcopy "${MQTT_RS_OBJCOPY}")
  if(NOT objcopy)
    set(objcopy "${CMAKE_OBJCOPY}")
  endif()
  if(NOT objcopy)
    message(STATUS "mqtt_rs: no objcopy found, the archive keeps its unwind tables")
    return()
  endif()
  set(${out} "${objcopy}" --remove-section=.eh_frame --remove-section=.rela.eh_frame
      "${in}" "${out_archive}" PARENT_SCOPE)
endfunction()
