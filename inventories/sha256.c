/*
 * SHA-256 (FIPS 180-4, section 6.2) of buffers and files.
 *
 * Content hashes identify the inputs of a batch run (so a re-run can find its results) and key
 * the Lambda cache (so a changed inventory or method can never be served stale numbers).  The
 * algorithm is small enough to carry ourselves rather than pull in a crypto library; it is
 * checked against the standard's test vectors in tests/inventories/test_sha256.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glca/inventories.h>

/* FIPS 180-4 section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the
 * first 64 primes. */
static const uint32_t k256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
    0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
    0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
    0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
    0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
    0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
    0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
    0xc67178f2};

static uint32_t rotr(uint32_t x, unsigned n)
{
    return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char *block)
{
    uint32_t w[64], a, b, c, d, e, f, g, hh, t1, t2;
    int i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t)block[4 * i] << 24 | (uint32_t)block[4 * i + 1] << 16 |
               (uint32_t)block[4 * i + 2] << 8 | (uint32_t)block[4 * i + 3];
    for (i = 16; i < 64; i++) {
        uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);

        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (i = 0; i < 64; i++) {
        t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k256[i] +
             w[i];
        t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
    }
    h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
}

void glca_sha256_init(glca_sha256 *s)
{
    /* section 5.3.3: fractional parts of the square roots of the first 8 primes */
    static const uint32_t h0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

    memcpy(s->h, h0, sizeof h0);
    s->length = 0;
    s->nbuf = 0;
}

void glca_sha256_update(glca_sha256 *s, const void *data, size_t n)
{
    const unsigned char *p = data;

    s->length += n;
    if (s->nbuf) {
        size_t take = 64 - s->nbuf < n ? 64 - s->nbuf : n;

        memcpy(s->buf + s->nbuf, p, take);
        s->nbuf += take, p += take, n -= take;
        if (s->nbuf < 64)
            return;
        compress(s->h, s->buf);
        s->nbuf = 0;
    }
    for (; n >= 64; p += 64, n -= 64)
        compress(s->h, p);
    memcpy(s->buf, p, n);
    s->nbuf = n;
}

void glca_sha256_final(glca_sha256 *s, unsigned char out[GLCA_SHA256_SIZE])
{
    uint64_t bits = s->length * 8;
    int i;

    /* section 5.1.1: a 1 bit, zeros up to 56 mod 64 bytes, the message length in bits */
    s->buf[s->nbuf++] = 0x80;
    if (s->nbuf > 56) {
        memset(s->buf + s->nbuf, 0, 64 - s->nbuf);
        compress(s->h, s->buf);
        s->nbuf = 0;
    }
    memset(s->buf + s->nbuf, 0, 56 - s->nbuf);
    for (i = 0; i < 8; i++)
        s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    compress(s->h, s->buf);
    for (i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char)(s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char)s->h[i];
    }
}

void glca_sha256_buffer(unsigned char out[GLCA_SHA256_SIZE], const void *data, size_t n)
{
    glca_sha256 s;

    glca_sha256_init(&s);
    glca_sha256_update(&s, data, n);
    glca_sha256_final(&s, out);
}

int glca_sha256_update_file(glca_sha256 *s, const char *path, glca_error *err)
{
    unsigned char buf[65536];
    FILE *f = fopen(path, "rb");
    glca_srcloc where = {path, 0, 0};
    size_t got;
    int rc = 0;

    if (!f)
        return glca_error_set(err, GLCA_EIO, &where, "cannot open: %s", strerror(errno));
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        glca_sha256_update(s, buf, got);
    if (ferror(f))
        rc = glca_error_set(err, GLCA_EIO, &where, "read error");
    fclose(f);
    return rc;
}

int glca_sha256_file(unsigned char out[GLCA_SHA256_SIZE], const char *path, glca_error *err)
{
    glca_sha256 s;
    int rc;

    glca_sha256_init(&s);
    if ((rc = glca_sha256_update_file(&s, path, err)) < 0)
        return rc;
    glca_sha256_final(&s, out);
    return 0;
}

void glca_sha256_hex(const unsigned char digest[GLCA_SHA256_SIZE], char out[GLCA_SHA256_HEX])
{
    static const char hex[] = "0123456789abcdef";
    int i;

    for (i = 0; i < GLCA_SHA256_SIZE; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[2 * GLCA_SHA256_SIZE] = '\0';
}
