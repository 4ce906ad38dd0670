/* startup.c: vector table and reset handler for a Cortex-M (v6-M, v7-M, v8-M main).
 * Reset: enable the FPU when the code uses it, copy .data from flash, zero .bss,
 * call main(), report its return value as the exit status (semihosting). */
#include <stdint.h>

#include "semihosting.h"

/* From the linker script (sections.ld). */
extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];

int main(void);
void Reset_Handler(void);
void Fault_Handler(void);
void SysTick_Handler(void);

void Reset_Handler(void)
{
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11 (the FPU) before any floating-point code. */
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = __bss_start; dst < __bss_end;) {
        *dst++ = 0;
    }
    sh_exit(main());
}

/* Any fault or unexpected interrupt: say so and stop with status 3. */
void Fault_Handler(void)
{
    sh_puts("FAIL: fault or unexpected exception\n");
    sh_exit(3);
}

/* The Cortex-M system exceptions; the board's own interrupts are not used. */
__attribute__((section(".vectors"), used)) static const uintptr_t vector_table[16] = {
    (uintptr_t)__stack_top, /* initial stack pointer */
    (uintptr_t)Reset_Handler,
    (uintptr_t)Fault_Handler, /* NMI */
    (uintptr_t)Fault_Handler, /* HardFault */
    (uintptr_t)Fault_Handler, /* MemManage */
    (uintptr_t)Fault_Handler, /* BusFault */
    (uintptr_t)Fault_Handler, /* UsageFault */
    (uintptr_t)Fault_Handler, /* SecureFault (v8-M) */
    0, 0, 0,
    (uintptr_t)Fault_Handler, /* SVCall */
    (uintptr_t)Fault_Handler, /* DebugMonitor */
    0,
    (uintptr_t)Fault_Handler, /* PendSV */
    (uintptr_t)SysTick_Handler,
};
