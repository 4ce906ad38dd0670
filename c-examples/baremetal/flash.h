/* flash.h: what flash_store.c needs from a NOR flash, and all a port to a real part
 * replaces (ram_flash.c implements it over RAM under QEMU).
 *
 * The rules are those of NOR flash, and ram_flash.c enforces them so that the store
 * cannot rely on anything a real part would refuse:
 * - erase works on whole sectors and sets every byte to 0xFF;
 * - program writes whole units of FLASH_PROGRAM_UNIT bytes at unit-aligned offsets,
 *   each unit once between two erases (parts with ECC, e.g. STM32L4/G4 double words,
 *   refuse a second write; parts without it could only clear bits anyway);
 * - reads are memory-mapped (flash_base()), as on-chip flash is.
 * A power loss during program leaves the units written so far, the rest erased; during
 * erase, an unknown mix: the store treats anything it did not commit as garbage. */
#ifndef BAREMETAL_FLASH_H
#define BAREMETAL_FLASH_H

#include <stdint.h>

/* Geometry of the flash region (a firmware may set another sector count, e.g. the
 * update firmware's image region: -DFLASH_SECTOR_COUNT=64u). */
#define FLASH_SECTOR_SIZE 1024u
#ifndef FLASH_SECTOR_COUNT
#define FLASH_SECTOR_COUNT 20u
#endif
#define FLASH_PROGRAM_UNIT 8u
#define FLASH_REGION_SIZE (FLASH_SECTOR_SIZE * FLASH_SECTOR_COUNT)

/* The region, readable like memory. */
const uint8_t *flash_base(void);

/* Erases sector `sector` (0 .. FLASH_SECTOR_COUNT-1). Returns 0 once done. */
int flash_erase(uint32_t sector);

/* Programs `len` bytes at `offset` from the region's start; both multiples of
 * FLASH_PROGRAM_UNIT, every unit erased. Returns 0 once written and verified. */
int flash_program(uint32_t offset, const uint8_t *data, uint32_t len);

#endif
