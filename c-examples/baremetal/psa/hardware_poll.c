/* hardware_poll.c: the entropy source of Mbed TLS on the QEMU firmware
 * (MBEDTLS_ENTROPY_HARDWARE_ALT in mbedtls_config.h): the same source the TLS platform
 * hooks use (tls_platform.c). Real hardware: the TRNG. */
#include <stddef.h>
#include <stdint.h>

#include "tls_platform.h"

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen);

int mbedtls_hardware_poll(void *data, unsigned char *output, size_t len, size_t *olen)
{
    (void)data;
    if (tls_platform_entropy(output, len) != 0) {
        *olen = 0;
        return -1;
    }
    *olen = len;
    return 0;
}
