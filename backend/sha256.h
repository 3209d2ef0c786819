/*
 * SHA-256 (FIPS 180-4), for keys and checksums of the persistent code cache.
 *
 *   Sha256 h; sha256_init(&h);
 *   sha256_update(&h, data, len); ...
 *   uint8_t digest[SHA256_SIZE]; sha256_final(&h, digest);
 */
#ifndef SCION_SHA256_H
#define SCION_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_SIZE 32

typedef struct Sha256 {
    uint32_t state[8];
    uint64_t length; /* bytes hashed so far */
    uint8_t block[64];
    unsigned used;   /* bytes waiting in block[] */
} Sha256;

void sha256_init(Sha256 *h);
void sha256_update(Sha256 *h, const void *data, size_t len);
void sha256_final(Sha256 *h, uint8_t digest[SHA256_SIZE]);
void sha256(const void *data, size_t len, uint8_t digest[SHA256_SIZE]);

#endif
