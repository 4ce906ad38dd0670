/*
 * file_store - a POSIX file store for mqtt_rs's persistence hooks: one file per
 * unfinished outgoing QoS 1/2 flow ("<id>.rec": header, topic, payload, MQTT 5.0
 * properties), per held incoming QoS 2 id ("<id>.in", 3 bytes) and, with the
 * reconnect config's `persist_qos0`, per QoS 0 message kept offline ("q0-<order>.rec",
 * the same format as an outgoing flow, its order zero-padded so that the names sort in
 * order), in a directory of its own. Each record starts with its format version.
 *
 * Saving writes "<id>.tmp", then renames it over "<id>.rec": rename() is atomic, so
 * after a crash a record is either the old one or the new one, never half written.
 * With `durable` set, the file is fsync()ed before the rename and the directory after
 * it: only then does a record survive a power loss, as the library requires of
 * persist_store (it returns once the record is durable). Without it, records survive
 * the process being killed (the page cache outlives it) but not the machine stopping.
 * Removing an outgoing flow unlinks the file and needs no sync (a record left behind is
 * only resent); removing an incoming id syncs the directory with `durable` (a stale id
 * would swallow the next message with that id), and so does removing a QoS 0 record
 * (the library removes it before the message is written: one left behind would be sent
 * twice). QoS 0 records are removed oldest first: the store keeps the order of the
 * oldest and how many there are (the library gives them consecutive orders).
 *
 * An incoming id saved here is durable before the message reaches on_message: a reset
 * before the application made the message's effect durable loses that message (never
 * duplicates it). For exactly once, keep the id with the effect: see persist_sub.c.
 */
#ifndef FILE_STORE_H
#define FILE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mqtt_rs.h"

typedef struct file_store {
    char dir[200];
    bool durable;
    unsigned saves, removes, failures;
    /* QoS 0 records: the order of the oldest, and how many are stored. */
    uint32_t qos0_first;
    unsigned qos0_count;
} file_store;

/* Creates the directory if needed. Returns 0, or -1 (errno set). */
int file_store_open(file_store *fs, const char *dir, bool durable);

/* persist_store and persist_remove of mqtt_rs_reconnect_config, over `fs` (packet id 0
 * and not incoming: the oldest QoS 0 record). */
int32_t file_store_save(file_store *fs, const mqtt_rs_persist_record *record);
void file_store_remove(file_store *fs, uint16_t packet_id, bool incoming);

/* Reads every record back, sorted by `order`, and hands each to `each` (e.g. a call of
 * mqtt_rs_reconnect_restore()). The topic, payload and MQTT 5.0 properties of each
 * record are allocated and never freed: they must outlive the flow, which may outlive
 * this call by far; so must a record with properties (read in place by the library),
 * which is allocated on its own. A QoS 0 record's topic and payload are freed once
 * `each` returns (the library copies them into its queue). Records saved in format version 1 (before properties
 * were kept) are read, without properties. The QoS 0 records found here are what
 * file_store_remove() removes, oldest first (counted afresh at each load).
 * Returns the number of records, or -1 when the directory cannot be read or `each`
 * fails (returns non-zero). */
int file_store_load(file_store *fs, int (*each)(void *ctx, const mqtt_rs_persist_record *record), void *ctx);

#endif
