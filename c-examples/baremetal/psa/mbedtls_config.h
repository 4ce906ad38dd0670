/* mbedtls_config.h: Mbed TLS 2.28 built as the PSA Crypto implementation of the QEMU
 * firmware (MBEDTLS_CONFIG_FILE), with only what mqtt_rs's PSA provider asks of it:
 * SHA-256/384/512 and HMAC, AES-GCM, ECDH over X25519, P-256 and P-384, ECDSA
 * verification (P-256, P-384) and deterministic ECDSA signing (client keys), RSA
 * PKCS#1 v1.5 and PSS verification, and random numbers (CTR_DRBG seeded from the
 * board's entropy source through mbedtls_hardware_poll, see hardware_poll.c).
 * No file system, no network, no clock, no TLS or X.509 code of Mbed TLS itself:
 * rustls does TLS and webpki the certificates. A device's own configuration, or a
 * vendor's PSA driver with hardware acceleration, takes this file's place. */
#ifndef MQTT_RS_FW_MBEDTLS_CONFIG_H
#define MQTT_RS_FW_MBEDTLS_CONFIG_H

/* Platform: no OS entropy, no file system; the board supplies entropy. */
#define MBEDTLS_NO_PLATFORM_ENTROPY
#define MBEDTLS_ENTROPY_HARDWARE_ALT

/* PSA Crypto and the random generator behind it. */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C
#define MBEDTLS_CIPHER_C

/* Hashes and HMAC. */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA512_C

/* AES-128/256-GCM. */
#define MBEDTLS_AES_C
#define MBEDTLS_GCM_C

/* Elliptic curves: key exchange and ECDSA. */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECDSA_DETERMINISTIC
#define MBEDTLS_HMAC_DRBG_C

/* RSA signature verification: PKCS#1 v1.5 and PSS (keys read through PK). */
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
#define MBEDTLS_PKCS1_V21
#define MBEDTLS_OID_C
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_PK_WRITE_C

#include "mbedtls/check_config.h"

#endif /* MQTT_RS_FW_MBEDTLS_CONFIG_H */
