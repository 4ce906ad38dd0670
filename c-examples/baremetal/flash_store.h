/* flash_store.h: a store of unfinished QoS 1/2 flows and, with the reconnect config's
 * `persist_qos0`, of the QoS 0 offline queue (mqtt_rs persistence hooks) in NOR flash
 * (flash.h), with no heap and no file system. README.md has the design.
 *
 * The region is cut into fixed slots of FLASH_STORE_SLOT_SIZE bytes, one record each:
 *
 *   0   commit     8 bytes, programmed last: the record exists only once it reads
 *                  FLASH_STORE_COMMIT (a write cut by a power loss leaves it erased)
 *   8   tombstone  8 bytes, programmed when the flow completes (erased = live)
 *   16  crc        CRC-32 of bytes 20 .. 40 + topic + payload
 *   20  seq        store-wide write counter: of two live records with one packet id,
 *                  the higher seq is the newer (a QoS 2 flow after PUBREC)
 *   24  order, packet id, topic length, payload length, QoS, flags (released, retain,
 *       incoming)
 *   40  topic, then payload (none for an incoming QoS 2 id)
 *
 * A record's key is its packet id and the incoming flag (incoming and outgoing ids are
 * separate). A QoS 0 record (packet id 0) has no key: each is a message of its own, told
 * apart by its order, and persist_remove(0, false) tombstones the one of the oldest order.
 * A save writes a new slot and never touches the old record of the same key, so
 * a power loss at any point leaves the old record or the new one; the older is
 * tombstoned when the flow completes (or at the next open). Slots are taken round the
 * region; a sector is erased only when none of its slots is live (wear is spread over
 * the whole region). Live records: at most two per flow in flight plus one per QoS 0
 * message queued offline, so the region needs FLASH_SECTOR_COUNT >= 2 * window + (QoS 0
 * messages the offline queue can hold) + 1 to always find a sector to erase.
 *
 * MQTT 5.0 properties (record.properties) are not kept: a record with properties is
 * refused (the publish returns MQTT_RS_PERSIST_FAILED), never saved without them. To keep
 * them, store properties_len in the unused header bytes 36..37 (0xFFFF, erased, in the
 * records written so far: read as none) and the bytes after the payload, and keep each
 * restored record with properties in RAM until its flow ends (the library reads the
 * properties through it). */
#ifndef BAREMETAL_FLASH_STORE_H
#define BAREMETAL_FLASH_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "flash.h"
#include "mqtt_rs.h"

#define FLASH_STORE_SLOT_SIZE 256u
#define FLASH_STORE_HEADER_SIZE 40u
#define FLASH_STORE_SLOTS (FLASH_REGION_SIZE / FLASH_STORE_SLOT_SIZE)
/* Largest topic + payload of one record. */
#define FLASH_STORE_MAX_DATA (FLASH_STORE_SLOT_SIZE - FLASH_STORE_HEADER_SIZE)

/* State of the store in RAM: rebuilt from the flash by flash_store_open(). */
typedef struct flash_store {
    uint8_t state[FLASH_STORE_SLOTS]; /* per slot: free (erased), live, dead */
    uint32_t next_seq;
    uint32_t cursor; /* where the search for a free slot starts */
    /* What flash_store_open() found. */
    uint32_t found_live, found_torn, found_dead;
    /* Since open. */
    uint32_t saves, removes, erases, failures;
} flash_store;

/* Reads the region: live records are kept, the older of two with one packet id (QoS 0
 * records excepted) is tombstoned, everything else (a write or erase cut short, a tombstoned record,
 * whatever a new part holds) is dead and erased before reuse. */
void flash_store_open(flash_store *fs);

/* persist_store: writes `record` to a free slot and returns 0 once it is committed;
 * -1 when it is too large (topic + payload over FLASH_STORE_MAX_DATA) or the flash
 * failed. */
int32_t flash_store_save(flash_store *fs, const mqtt_rs_persist_record *record);

/* persist_remove: tombstones every live record of `packet_id` (an incoming id when
 * `incoming`), or with packet id 0 (outgoing) the QoS 0 record of the oldest order; the
 * tombstone is programmed before it returns. */
void flash_store_remove(flash_store *fs, uint16_t packet_id, bool incoming);

/* Hands each live record to `each` in increasing `order` (e.g. to
 * mqtt_rs_reconnect_restore()); topic and payload point into the flash, which keeps
 * them until the record is removed. Returns the number of records, or -1 when `each`
 * returned non-zero. */
int flash_store_load(const flash_store *fs, int (*each)(void *ctx, const mqtt_rs_persist_record *record), void *ctx);

/* Number of live records. */
uint32_t flash_store_count(const flash_store *fs);

#endif
