/* stack_probe.h: stack high-water of one call, by painting the free stack below the
 * caller's frame and finding the deepest word overwritten. Interrupts taken during
 * the call (SysTick) are counted too, as they would be on the device.
 *
 *     uintptr_t mark = STACK_PROBE_BEGIN();
 *     rc = mqtt_rs_client_connect(...);
 *     uint32_t used = stack_probe_end(mark);   // bytes below the caller's stack pointer
 */
#ifndef BAREMETAL_STACK_PROBE_H
#define BAREMETAL_STACK_PROBE_H

#include <stdint.h>

/* The caller's stack pointer. */
static inline uintptr_t stack_probe_sp(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Paints the free stack below the caller's stack pointer; returns it as the mark. */
#define STACK_PROBE_BEGIN() stack_probe_paint(stack_probe_sp())

/* Paints the stack from its bottom up to just below this call's own frame; returns `mark`. */
uintptr_t stack_probe_paint(uintptr_t mark);

/* Bytes of stack used below `mark` since it was painted. */
uint32_t stack_probe_end(uintptr_t mark);

#endif
