/* abi_check.c: the header's caller storage and enum widths on one target.
 * Compiled (never run) by tests/abi_targets.rs for each target's C compiler, with
 * -DEXPECT_CLIENT_SIZE=N -DEXPECT_SLOT_SIZE=N pinned per target, with and without
 * -fshort-enums. Any mismatch is a negative array size: the compile fails. */
#include "mqtt_rs.h"

#define ABI_ASSERT(name, cond) typedef char name[(cond) ? 1 : -1]

ABI_ASSERT(client_size_pinned, sizeof(mqtt_rs_client) == EXPECT_CLIENT_SIZE);
ABI_ASSERT(slot_size_pinned, sizeof(mqtt_rs_inflight_slot) == EXPECT_SLOT_SIZE);
ABI_ASSERT(client_size_macro, MQTT_RS_CLIENT_SIZE == EXPECT_CLIENT_SIZE);
ABI_ASSERT(slot_size_macro, MQTT_RS_INFLIGHT_SLOT_SIZE == EXPECT_SLOT_SIZE);
/* The SHA-256 context has one size on every target. */
ABI_ASSERT(sha256_ctx_size_pinned, sizeof(mqtt_rs_sha256_ctx) == 560 && MQTT_RS_SHA256_CTX_SIZE == 560);
/* Fixed-width results and event kinds, whatever the compiler does with enums. */
ABI_ASSERT(result_is_int32, sizeof(mqtt_rs_result) == sizeof(int32_t));
ABI_ASSERT(event_kind_is_int32, sizeof(mqtt_rs_event_kind) == sizeof(int32_t));
/* The storage is aligned like uint64_t, as the library's own view of it. */
struct abi_client_align { char c; mqtt_rs_client s; };
struct abi_slot_align { char c; mqtt_rs_inflight_slot s; };
ABI_ASSERT(client_align, offsetof(struct abi_client_align, s) == EXPECT_STORAGE_ALIGN);
ABI_ASSERT(slot_align, offsetof(struct abi_slot_align, s) == EXPECT_STORAGE_ALIGN);
/* The event the library writes: kind, result, then the packet id at offset 8. */
ABI_ASSERT(event_packet_id_offset, offsetof(mqtt_rs_event, packet_id) == 8);
