/* semihosting.h: the debugger's (here QEMU's) console, clock and exit status, reached
 * with the Arm semihosting call (BKPT 0xAB; on RISC-V, EBREAK between the marker
 * instructions of the RISC-V semihosting specification). Run QEMU with -semihosting. On a board
 * without a debugger attached a semihosting call stops the CPU: use it for tests and
 * bring-up only, and route the log to a UART or RTT in production. */
#ifndef BAREMETAL_SEMIHOSTING_H
#define BAREMETAL_SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

/* Writes a NUL-terminated string to the host's console (SYS_WRITE0). */
void sh_puts(const char *s);

/* Writes a decimal unsigned number (no heap, no printf). */
void sh_put_u32(uint32_t value);

/* Ends the program: QEMU exits with `status` (SYS_EXIT_EXTENDED). */
void sh_exit(int status) __attribute__((noreturn));

/* Opens a host file (SYS_OPEN); mode 0 = "r", 1 = "rb". Returns a handle or -1. */
int32_t sh_open(const char *path, uint32_t mode);

/* Reads up to `len` bytes (SYS_READ). Returns the number of bytes NOT read (0: all). */
int32_t sh_read(int32_t handle, void *buf, size_t len);

/* Closes a host file (SYS_CLOSE). */
void sh_close(int32_t handle);

/* Seconds since 1970 from the host's clock (SYS_TIME). */
uint32_t sh_time(void);

/* Milliseconds of the host's monotonic clock since the program started (SYS_ELAPSED
 * over SYS_TICKFREQ); 0 when the debugger does not implement them. */
uint32_t sh_elapsed_ms(void);

#endif
