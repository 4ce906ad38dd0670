/* ram_flash.c: flash.h over RAM (see ram_flash.h). A cold start finds the region as
 * the board left it (zeros under QEMU): not erased, so the store must treat it as
 * garbage and erase before writing, as it would a new part or a sector torn by a
 * power loss during erase. */
#include "ram_flash.h"

#include <stdbool.h>

/* Not in .bss: start-up code leaves it alone, and QEMU's system reset does too (it
 * reloads the image's sections, and this one has no contents in the image). */
static uint8_t region[FLASH_REGION_SIZE] __attribute__((section(".noinit"), aligned(FLASH_PROGRAM_UNIT)));

static void (*power_cut)(void);
static uint32_t units_before_cut;

const uint8_t *flash_base(void)
{
    return region;
}

int flash_erase(uint32_t sector)
{
    if (sector >= FLASH_SECTOR_COUNT) {
        return -1;
    }
    for (uint32_t i = 0; i < FLASH_SECTOR_SIZE; i++) {
        region[sector * FLASH_SECTOR_SIZE + i] = 0xFF;
    }
    return 0;
}

static bool erased(uint32_t offset)
{
    for (uint32_t i = 0; i < FLASH_PROGRAM_UNIT; i++) {
        if (region[offset + i] != 0xFF) {
            return false;
        }
    }
    return true;
}

int flash_program(uint32_t offset, const uint8_t *data, uint32_t len)
{
    if (offset % FLASH_PROGRAM_UNIT != 0 || len % FLASH_PROGRAM_UNIT != 0 || offset > FLASH_REGION_SIZE ||
        len > FLASH_REGION_SIZE - offset) {
        return -1;
    }
    for (uint32_t unit = 0; unit < len; unit += FLASH_PROGRAM_UNIT) {
        if (!erased(offset + unit)) {
            return -1; /* written twice without an erase: a real part refuses or corrupts it */
        }
        if (power_cut != 0 && units_before_cut-- == 0) {
            power_cut();
        }
        for (uint32_t i = 0; i < FLASH_PROGRAM_UNIT; i++) {
            region[offset + unit + i] = data[unit + i];
        }
    }
    return 0;
}

void ram_flash_cut_power_after(uint32_t units, void (*cut)(void))
{
    units_before_cut = units;
    power_cut = cut;
}

void ram_flash_power_fail(void)
{
    __asm__ volatile("dsb" ::: "memory");
    *(volatile uint32_t *)0xE000ED0Cu = (0x05FAu << 16) | (1u << 2); /* AIRCR: VECTKEY, SYSRESETREQ */
    __asm__ volatile("dsb" ::: "memory");
    for (;;) {
    }
}
