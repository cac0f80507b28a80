/*
 * SHA-256 (FIPS 180-4, section 6.2) of buffers and files.
 *
 * Content hashes identify the inputs of a batch run (so a re-run can find its results) and key
 * the Lambda cache (so a changed inventory or method can never be served stale numbers).  The
 * algorithm is small enough to carry ourselves rather than pull in a crypto library; it is
 * checked against the standard's test vectors in tests/inventories/test_sha256.c.
 *
 * Speed matters: a batch hashes its whole catalog (hundreds of MB) before the first product,
 * and the portable code runs at about 200 MB/s.  On x86-64 processors with the SHA extensions
 * (sha256rnds2, sha256msg1/2) the same compression runs several times faster; the choice is
 * made once per process (cpuid), and both paths are tested against each other.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "common/sha256_int.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_SHANI 1
#include <cpuid.h>
#include <immintrin.h>
#endif

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

#ifdef HAVE_SHANI
/*
 * The same compression with the SHA extensions.  sha256rnds2 does two rounds on the state split
 * as {A,B,E,F} and {C,D,G,H} (A in the top lane); sha256msg1/msg2 compute the sigma0 and sigma1
 * terms of the message schedule four words at a time.
 */
__attribute__((target("sha,sse4.1,ssse3"))) static void compress_shani(uint32_t h[8],
                                                                       const unsigned char *p,
                                                                       size_t nblocks)
{
    const __m128i bswap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    __m128i abcd = _mm_loadu_si128((const __m128i *)(const void *)h);
    __m128i efgh = _mm_loadu_si128((const __m128i *)(const void *)(h + 4));
    __m128i abef, cdgh, t;

    abcd = _mm_shuffle_epi32(abcd, 0xB1);    /* B A D C (lanes 0..3) */
    efgh = _mm_shuffle_epi32(efgh, 0x1B);    /* H G F E */
    abef = _mm_alignr_epi8(abcd, efgh, 8);   /* F E B A */
    cdgh = _mm_blend_epi16(efgh, abcd, 0xF0); /* H G D C */
    for (; nblocks; nblocks--, p += 64) {
        const __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i w[4];
        int g;

        for (g = 0; g < 16; g++) {
            __m128i *m = &w[g % 4]; /* holds w[4g-16 .. 4g-13] until replaced */

            if (g < 4) {
                *m = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)(p + 16 * g)),
                                      bswap);
            } else {
                const __m128i w3 = w[(g + 3) % 4], w2 = w[(g + 2) % 4], w1 = w[(g + 1) % 4];

                *m = _mm_sha256msg1_epu32(*m, w1);           /* w[i-16] + sigma0(w[i-15]) */
                *m = _mm_add_epi32(*m, _mm_alignr_epi8(w3, w2, 4)); /* + w[i-7] */
                *m = _mm_sha256msg2_epu32(*m, w3);           /* + sigma1(w[i-2]) */
            }
            t = _mm_add_epi32(*m, _mm_loadu_si128((const __m128i *)(const void *)(k256 + 4 * g)));
            cdgh = _mm_sha256rnds2_epu32(cdgh, abef, t); /* rounds 4g, 4g+1: new ABEF */
            t = _mm_shuffle_epi32(t, 0x0E);
            abef = _mm_sha256rnds2_epu32(abef, cdgh, t); /* rounds 4g+2, 4g+3 */
        }
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
    }
    abef = _mm_shuffle_epi32(abef, 0x1B);    /* A B E F */
    cdgh = _mm_shuffle_epi32(cdgh, 0xB1);    /* G H C D */
    abcd = _mm_blend_epi16(abef, cdgh, 0xF0); /* A B C D */
    efgh = _mm_alignr_epi8(cdgh, abef, 8);   /* E F G H */
    _mm_storeu_si128((__m128i *)(void *)h, abcd);
    _mm_storeu_si128((__m128i *)(void *)(h + 4), efgh);
}

static bool shani;
static pthread_once_t shani_once = PTHREAD_ONCE_INIT;

static void detect_shani(void)
{
    unsigned a, b, c, d;

    /* leaf 1 ECX: SSSE3 bit 9, SSE4.1 bit 19; leaf 7 EBX: SHA bit 29 */
    if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & 1u << 9) || !(c & 1u << 19))
        return;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & 1u << 29))
        shani = true;
}
#endif

bool glca_inventories__sha256_accelerated(void)
{
#ifdef HAVE_SHANI
    pthread_once(&shani_once, detect_shani);
    return shani;
#else
    return false;
#endif
}

void glca_inventories__sha256_blocks(uint32_t h[8], const unsigned char *p, size_t nblocks,
                                     bool accelerated)
{
#ifdef HAVE_SHANI
    if (accelerated && glca_inventories__sha256_accelerated()) {
        compress_shani(h, p, nblocks);
        return;
    }
#else
    (void)accelerated;
#endif
    for (; nblocks; nblocks--, p += 64)
        compress(h, p);
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
        glca_inventories__sha256_blocks(s->h, s->buf, 1, true);
        s->nbuf = 0;
    }
    if (n >= 64) {
        glca_inventories__sha256_blocks(s->h, p, n / 64, true);
        p += n / 64 * 64;
        n %= 64;
    }
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
        glca_inventories__sha256_blocks(s->h, s->buf, 1, true);
        s->nbuf = 0;
    }
    memset(s->buf + s->nbuf, 0, 56 - s->nbuf);
    for (i = 0; i < 8; i++)
        s->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
    glca_inventories__sha256_blocks(s->h, s->buf, 1, true);
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
