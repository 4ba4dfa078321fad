/* Private helpers of the store (csrc/store*.c). Not part of the API. */
#ifndef SP_STORE_H
#define SP_STORE_H

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), used for the input hash of runs. */
typedef struct sp_sha256 {
    uint32_t h[8];
    uint64_t length; /* bytes fed so far */
    unsigned char block[64];
    size_t used;
} sp_sha256;

void sp_sha256_init(sp_sha256 *c);
void sp_sha256_update(sp_sha256 *c, const void *data, size_t n);
/* Writes 64 hex digits and a NUL into hex. */
void sp_sha256_hex(sp_sha256 *c, char hex[65]);

#endif
