/* flash_store.c: see flash_store.h for the slot layout and the rules. */
#include "flash_store.h"

#include <stdbool.h>
#include <stddef.h>

enum { SLOT_FREE = 0, SLOT_LIVE = 1, SLOT_DEAD = 2 };

#define SLOTS_PER_SECTOR (FLASH_SECTOR_SIZE / FLASH_STORE_SLOT_SIZE)
#define MARK_SIZE 8u
#define TOMBSTONE_AT 8u
#define CRC_AT 16u
#define CRC_FROM 20u
#define FLAG_RELEASED 1u
#define FLAG_RETAIN 2u
#define FLAG_INCOMING 4u

typedef char slots_fill_sectors[(FLASH_SECTOR_SIZE % FLASH_STORE_SLOT_SIZE == 0) ? 1 : -1];
typedef char slots_fill_units[(FLASH_STORE_SLOT_SIZE % FLASH_PROGRAM_UNIT == 0 && MARK_SIZE % FLASH_PROGRAM_UNIT == 0) ? 1 : -1];

/* Any value other than all-0xFF (erased) and all-0x00 will do. */
static const uint8_t commit_mark[MARK_SIZE] = {'m', 'q', 't', 't', '-', 'r', 's', '1'};
static const uint8_t tombstone_mark[MARK_SIZE] = {0};

static const uint8_t *slot_at(uint32_t slot)
{
    return flash_base() + slot * FLASH_STORE_SLOT_SIZE;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

/* CRC-32 (IEEE 802.3, reflected), bit by bit: small, and a record is short. */
static uint32_t crc32(const uint8_t *p, uint32_t len)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint32_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static bool all_bytes(const uint8_t *p, uint32_t len, uint8_t value)
{
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] != value) {
            return false;
        }
    }
    return true;
}

static bool same_bytes(const uint8_t *a, const uint8_t *b, uint32_t len)
{
    for (uint32_t i = 0; i < len; i++) {
        if (a[i] != b[i]) {
            return false;
        }
    }
    return true;
}

/* Bytes of the record in `slot` (header and data), or 0 when its lengths are impossible. */
static uint32_t record_size(const uint8_t *slot)
{
    uint32_t data = (uint32_t)get16(slot + 30) + get16(slot + 32);
    return data <= FLASH_STORE_MAX_DATA ? FLASH_STORE_HEADER_SIZE + data : 0;
}

/* A committed, not tombstoned record whose checksum matches. */
static bool is_live(const uint8_t *slot)
{
    uint32_t size = record_size(slot);
    uint8_t qos = slot[34];
    return same_bytes(slot, commit_mark, MARK_SIZE) && all_bytes(slot + TOMBSTONE_AT, MARK_SIZE, 0xFF) && size != 0 &&
           qos <= 2 && get32(slot + CRC_AT) == crc32(slot + CRC_FROM, size - CRC_FROM);
}

/* A record's key: its packet id, and whether it is an incoming id (bit 16). */
static uint32_t key(uint16_t packet_id, bool incoming)
{
    return (uint32_t)packet_id | (incoming ? 0x10000u : 0u);
}

static uint32_t key_of(uint32_t slot)
{
    return key(get16(slot_at(slot) + 28), (slot_at(slot)[35] & FLAG_INCOMING) != 0);
}

/* A QoS 0 message kept offline (persist_qos0): packet id 0, so no key of its own; its
 * order tells it from the others. */
static bool is_qos0(uint32_t slot)
{
    return slot_at(slot)[34] == 0;
}

static uint32_t order_of(uint32_t slot)
{
    return get32(slot_at(slot) + 24);
}

static uint32_t seq_of(uint32_t slot)
{
    return get32(slot_at(slot) + 20);
}

/* True when counter `a` comes after `b` (both wrap). */
static bool after(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

static void tombstone(flash_store *fs, uint32_t slot)
{
    /* A failed tombstone leaves a record that is resent after a reset: allowed. */
    (void)flash_program(slot * FLASH_STORE_SLOT_SIZE + TOMBSTONE_AT, tombstone_mark, MARK_SIZE);
    fs->state[slot] = SLOT_DEAD;
}

void flash_store_open(flash_store *fs)
{
    *fs = (flash_store){0};
    for (uint32_t s = 0; s < FLASH_STORE_SLOTS; s++) {
        const uint8_t *slot = slot_at(s);
        if (is_live(slot)) {
            fs->state[s] = SLOT_LIVE;
        } else if (all_bytes(slot, FLASH_STORE_SLOT_SIZE, 0xFF)) {
            fs->state[s] = SLOT_FREE;
        } else {
            fs->state[s] = SLOT_DEAD;
            /* Not committed but written: a write (or erase) the power cut short. */
            fs->found_torn += all_bytes(slot, 2 * MARK_SIZE, 0xFF);
            fs->found_dead++;
        }
    }
    /* Of two live records with one packet id, the newer stands (QoS 0 records all have
     * id 0 and are each a message of their own: never merged); the next seq follows all. */
    bool any = false;
    for (uint32_t s = 0; s < FLASH_STORE_SLOTS; s++) {
        if (fs->state[s] != SLOT_LIVE) {
            continue;
        }
        for (uint32_t t = s + 1; t < FLASH_STORE_SLOTS && !is_qos0(s); t++) {
            if (fs->state[t] == SLOT_LIVE && key_of(t) == key_of(s)) {
                tombstone(fs, after(seq_of(t), seq_of(s)) ? s : t);
                if (fs->state[s] != SLOT_LIVE) {
                    break;
                }
            }
        }
        if (fs->state[s] == SLOT_LIVE) {
            fs->found_live++;
            if (!any || after(seq_of(s) + 1, fs->next_seq)) {
                fs->next_seq = seq_of(s) + 1;
                fs->cursor = s + 1; /* round the region from the newest record on */
            }
            any = true;
        }
    }
    fs->cursor %= FLASH_STORE_SLOTS;
}

/* Erases a sector without live records, starting at the cursor's; returns its first
 * slot, or -1 when every sector holds a live record. */
static int32_t reclaim(flash_store *fs)
{
    for (uint32_t i = 0; i < FLASH_SECTOR_COUNT; i++) {
        uint32_t sector = (fs->cursor / SLOTS_PER_SECTOR + i) % FLASH_SECTOR_COUNT;
        uint32_t first = sector * SLOTS_PER_SECTOR;
        bool busy = false;
        for (uint32_t s = first; s < first + SLOTS_PER_SECTOR; s++) {
            busy |= fs->state[s] == SLOT_LIVE;
        }
        if (busy || flash_erase(sector) != 0) {
            continue;
        }
        fs->erases++;
        for (uint32_t s = first; s < first + SLOTS_PER_SECTOR; s++) {
            fs->state[s] = SLOT_FREE;
        }
        return (int32_t)first;
    }
    return -1;
}

/* The next free slot round the region (erasing a sector if none is free), or -1. */
static int32_t take_slot(flash_store *fs)
{
    int32_t slot = -1;
    for (uint32_t i = 0; i < FLASH_STORE_SLOTS && slot < 0; i++) {
        uint32_t s = (fs->cursor + i) % FLASH_STORE_SLOTS;
        if (fs->state[s] == SLOT_FREE) {
            slot = (int32_t)s;
        }
    }
    if (slot < 0) {
        slot = reclaim(fs);
    }
    if (slot >= 0) {
        fs->cursor = ((uint32_t)slot + 1) % FLASH_STORE_SLOTS;
    }
    return slot;
}

int32_t flash_store_save(flash_store *fs, const mqtt_rs_persist_record *r)
{
    static uint8_t image[FLASH_STORE_SLOT_SIZE];
    /* MQTT 5.0 properties are not kept here (see flash_store.h): refused, never dropped. */
    if (r->properties_len != 0 || r->qos > 2 || r->topic_len > FLASH_STORE_MAX_DATA ||
        r->payload_len > FLASH_STORE_MAX_DATA - r->topic_len) {
        fs->failures++;
        return -1;
    }
    int32_t slot = take_slot(fs);
    if (slot < 0) {
        fs->failures++;
        return -1;
    }
    uint32_t size = FLASH_STORE_HEADER_SIZE + (uint32_t)(r->topic_len + r->payload_len);
    uint32_t padded = (size + FLASH_PROGRAM_UNIT - 1) / FLASH_PROGRAM_UNIT * FLASH_PROGRAM_UNIT;
    for (uint32_t i = 0; i < padded; i++) {
        image[i] = 0xFF;
    }
    put32(image + 20, fs->next_seq);
    put32(image + 24, r->order);
    put16(image + 28, r->packet_id);
    put16(image + 30, (uint16_t)r->topic_len);
    put16(image + 32, (uint16_t)r->payload_len);
    image[34] = r->qos;
    image[35] = (uint8_t)((r->released ? FLAG_RELEASED : 0u) | (r->retain ? FLAG_RETAIN : 0u) | (r->incoming ? FLAG_INCOMING : 0u));
    for (size_t i = 0; i < r->topic_len; i++) {
        image[FLASH_STORE_HEADER_SIZE + i] = (uint8_t)r->topic[i];
    }
    for (size_t i = 0; i < r->payload_len; i++) {
        image[FLASH_STORE_HEADER_SIZE + r->topic_len + i] = r->payload[i];
    }
    put32(image + CRC_AT, crc32(image + CRC_FROM, size - CRC_FROM));
    /* The body first, the commit mark last: until the mark is written the slot is dead. */
    uint32_t base = (uint32_t)slot * FLASH_STORE_SLOT_SIZE;
    fs->state[slot] = SLOT_DEAD;
    if (flash_program(base + CRC_AT, image + CRC_AT, padded - CRC_AT) != 0 ||
        flash_program(base, commit_mark, MARK_SIZE) != 0) {
        fs->failures++;
        return -1;
    }
    fs->state[slot] = SLOT_LIVE;
    fs->next_seq++;
    fs->saves++;
    return 0;
}

/* Tombstones the live QoS 0 record of the oldest order: the library sends (or drops)
 * its QoS 0 queue oldest first and forgets them in the same order. */
static void remove_oldest_qos0(flash_store *fs)
{
    int32_t oldest = -1;
    for (uint32_t s = 0; s < FLASH_STORE_SLOTS; s++) {
        if (fs->state[s] == SLOT_LIVE && is_qos0(s) && (oldest < 0 || after(order_of((uint32_t)oldest), order_of(s)))) {
            oldest = (int32_t)s;
        }
    }
    if (oldest >= 0) {
        tombstone(fs, (uint32_t)oldest);
        fs->removes++;
    }
}

void flash_store_remove(flash_store *fs, uint16_t packet_id, bool incoming)
{
    if (packet_id == 0 && !incoming) {
        remove_oldest_qos0(fs);
        return;
    }
    bool found = false;
    for (uint32_t s = 0; s < FLASH_STORE_SLOTS; s++) {
        if (fs->state[s] == SLOT_LIVE && key_of(s) == key(packet_id, incoming)) {
            tombstone(fs, s);
            found = true;
        }
    }
    fs->removes += found;
}

uint32_t flash_store_count(const flash_store *fs)
{
    uint32_t live = 0;
    for (uint32_t s = 0; s < FLASH_STORE_SLOTS; s++) {
        live += fs->state[s] == SLOT_LIVE;
    }
    return live;
}

int flash_store_load(const flash_store *fs, int (*each)(void *ctx, const mqtt_rs_persist_record *record), void *ctx)
{
    /* The live slots by increasing order: insertion sort, a few dozen at most. */
    uint16_t sorted[FLASH_STORE_SLOTS];
    uint32_t count = 0;
    for (uint32_t s = 0; s < FLASH_STORE_SLOTS; s++) {
        if (fs->state[s] != SLOT_LIVE) {
            continue;
        }
        uint32_t order = order_of(s), i = count++;
        for (; i > 0 && after(order_of(sorted[i - 1]), order); i--) {
            sorted[i] = sorted[i - 1];
        }
        sorted[i] = (uint16_t)s;
    }
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *slot = slot_at(sorted[i]);
        mqtt_rs_persist_record r = {
            .packet_id = get16(slot + 28),
            .qos = slot[34],
            .released = (slot[35] & FLAG_RELEASED) != 0,
            .retain = (slot[35] & FLAG_RETAIN) != 0,
            .incoming = (slot[35] & FLAG_INCOMING) != 0,
            .order = order_of(sorted[i]),
            .topic = (const char *)slot + FLASH_STORE_HEADER_SIZE,
            .topic_len = get16(slot + 30),
            .payload = slot + FLASH_STORE_HEADER_SIZE + get16(slot + 30),
            .payload_len = get16(slot + 32),
        };
        if (each(ctx, &r) != 0) {
            return -1;
        }
    }
    return (int)count;
}
