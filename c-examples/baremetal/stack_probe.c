/* stack_probe.c: painted-stack high-water (see stack_probe.h). */
#include "stack_probe.h"

#define PAINT 0xA5A5A5A5u
/* Left unpainted below this function's own locals. */
#define FRAME_MARGIN 32u

extern uint32_t __stack_bottom[];

__attribute__((noinline)) uintptr_t stack_probe_paint(uintptr_t mark)
{
    uintptr_t end = (stack_probe_sp() - FRAME_MARGIN) & ~(uintptr_t)3u;
    for (volatile uint32_t *p = __stack_bottom; (uintptr_t)p < end; p++) {
        *p = PAINT;
    }
    return mark;
}

uint32_t stack_probe_end(uintptr_t mark)
{
    const uint32_t *p = __stack_bottom;
    while ((uintptr_t)p < mark && *p == PAINT) {
        p++;
    }
    return (uint32_t)(mark - (uintptr_t)p);
}
