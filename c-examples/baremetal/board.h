/* board.h: what differs between the QEMU boards the examples run on. The build
 * defines BOARD_MPS2_AN386 or BOARD_MPS2_AN505 (see CMakeLists.txt). */
#ifndef BAREMETAL_BOARD_H
#define BAREMETAL_BOARD_H

#if defined(BOARD_MPS2_AN386)
#define BOARD_NAME "mps2-an386 (Cortex-M4)"
#define BOARD_UART0 0x40004000u /* CMSDK UART0: QEMU's first -serial */
#define BOARD_TIMER0 0x40000000u /* CMSDK APB timer 0, counting PCLK */
#define BOARD_PCLK_HZ 25000000u
#define BOARD_CPU_HZ 25000000u
#elif defined(BOARD_MPS2_AN505)
#define BOARD_NAME "mps2-an505 (Cortex-M33)"
#define BOARD_UART0 0x50200000u /* CMSDK UART0, Secure alias */
#define BOARD_TIMER0 0x50000000u /* the SSE-200's CMSDK timer 0, Secure alias */
#define BOARD_PCLK_HZ 20000000u
#define BOARD_CPU_HZ 20000000u
#else
#error "define BOARD_MPS2_AN386 or BOARD_MPS2_AN505"
#endif

/* SysTick's external reference clock: 1 MHz on the AN386. The AN505's SysTick has none
 * (SYST_CALIB.NOREF) and counts BOARD_CPU_HZ (systick.c chooses). */
#define BOARD_SYSTICK_REF_HZ 1000000u

#endif
