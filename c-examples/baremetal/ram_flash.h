/* ram_flash.h: the flash of flash.h over a RAM region that survives a warm reset
 * (section .noinit: neither loaded nor zeroed at start-up), with a power cut that
 * tests can arm. Stands for on-chip flash under QEMU; see README.md. */
#ifndef BAREMETAL_RAM_FLASH_H
#define BAREMETAL_RAM_FLASH_H

#include <stdint.h>

#include "flash.h"

/* Simulates a power loss in the middle of a write: after `units` more program units
 * have been written, `cut` is called instead of writing the next one (it must not
 * return: e.g. a system reset). */
void ram_flash_cut_power_after(uint32_t units, void (*cut)(void));

/* The power fails: resets the CPU at once (SCB AIRCR SYSRESETREQ); never returns. QEMU's
 * system reset reloads the image and keeps RAM outside it (.noinit, this flash). */
void ram_flash_power_fail(void) __attribute__((noreturn));

#endif
