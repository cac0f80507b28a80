/*
 * SHA-256 against the test vectors of FIPS 180-4's examples (NIST "SHA256.pdf" example
 * values: "abc", the two-block 448-bit message, one million 'a') and the well-known digest of
 * the empty string; plus incremental feeding across block boundaries and whole files.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glca/inventories.h>

#include "inventories/common/sha256_int.h"

static void hex_of(const void *data, size_t n, char out[GLCA_SHA256_HEX])
{
    unsigned char d[GLCA_SHA256_SIZE];

    glca_sha256_buffer(d, data, n);
    glca_sha256_hex(d, out);
}

Test(inventories_sha256, empty_string)
{
    char hex[GLCA_SHA256_HEX];

    hex_of("", 0, hex);
    cr_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

Test(inventories_sha256, abc_one_block)
{
    char hex[GLCA_SHA256_HEX];

    hex_of("abc", 3, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

Test(inventories_sha256, two_blocks_448_bits)
{
    static const char msg[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    char hex[GLCA_SHA256_HEX];

    hex_of(msg, strlen(msg), hex);
    cr_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

Test(inventories_sha256, one_million_a_fed_in_odd_pieces)
{
    unsigned char d[GLCA_SHA256_SIZE];
    char block[997], hex[GLCA_SHA256_HEX];
    size_t left = 1000000;
    glca_sha256 s;

    /* 997 is prime: the pieces straddle every position of the 64-byte block */
    memset(block, 'a', sizeof block);
    glca_sha256_init(&s);
    while (left) {
        size_t n = left < sizeof block ? left : sizeof block;

        glca_sha256_update(&s, block, n);
        left -= n;
    }
    glca_sha256_final(&s, d);
    glca_sha256_hex(d, hex);
    cr_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(inventories_sha256, padding_boundaries_match_one_shot)
{
    unsigned char buf[200], a[GLCA_SHA256_SIZE], b[GLCA_SHA256_SIZE];
    size_t n, split;

    for (n = 0; n < sizeof buf; n++)
        buf[n] = (unsigned char)(n * 7 + 1);
    /* lengths 55, 56, 63, 64, 65 are where the padding spills into a second block */
    for (n = 50; n < 130; n++) {
        glca_sha256_buffer(a, buf, n);
        for (split = 0; split <= n; split += 13) {
            glca_sha256 s;

            glca_sha256_init(&s);
            glca_sha256_update(&s, buf, split);
            glca_sha256_update(&s, buf + split, n - split);
            glca_sha256_final(&s, b);
            cr_assert(memcmp(a, b, sizeof a) == 0, "length %zu split %zu", n, split);
        }
    }
}

Test(inventories_sha256, file_digest_equals_buffer_digest_and_missing_file_is_eio)
{
    char path[] = "/tmp/glca-sha-XXXXXX", hex[GLCA_SHA256_HEX];
    unsigned char d[GLCA_SHA256_SIZE];
    glca_error err = GLCA_ERROR_INIT;
    int fd = mkstemp(path);

    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, "abc", 3), 3);
    close(fd);
    cr_assert_eq(glca_sha256_file(d, path, &err), 0);
    glca_sha256_hex(d, hex);
    cr_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    cr_assert_eq(glca_sha256_file(d, path, &err), GLCA_EIO);
    cr_assert_str_eq(err.file, path);
}

/* The SHA-extension compression (where the processor has it) against the portable one: the
 * reference is the portable code, itself checked by the FIPS vectors above. */
Test(inventories_sha256, accelerated_blocks_equal_portable_blocks)
{
    unsigned char data[64 * 37];
    uint32_t a[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    uint32_t b[8];
    size_t i, n;

    if (!glca_inventories__sha256_accelerated())
        cr_skip_test("no SHA extensions on this processor");
    for (i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 131u + (i >> 7) * 17u);
    memcpy(b, a, sizeof b);
    for (n = 1; n <= 37; n += 9) {
        glca_inventories__sha256_blocks(a, data, n, false);
        glca_inventories__sha256_blocks(b, data, n, true);
        cr_assert_arr_eq(a, b, sizeof a, "differ after %zu blocks", n);
    }
}
