/*
 * glca_inventories__parse_double's exact fast path (at most 15 significant digits, a power of
 * ten within 1e±22) against the C library's strtod, which is correctly rounded: the doubles
 * must be bitwise equal, for the short decimals catalogs are made of and for random ones at
 * the edges of the fast path (15 and 16 digits, exponents around ±22), plus signed zeros.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inventories/xml/xmlsafe_int.h"

static void assert_same_as_strtod(const char *text)
{
    double ours = 0, want = strtod(text, NULL);

    cr_assert_eq(glca_inventories__parse_double(text, &ours), 0, "%s", text);
    cr_assert(memcmp(&ours, &want, sizeof ours) == 0, "%s: got %.17g, strtod %.17g", text,
              ours, want);
}

Test(inventories_parse_double, fixed_cases_equal_strtod_bitwise)
{
    static const char *const cases[] = {
        "471.5", "0.9873", "1452", "4.443", "0.1", "0.3", "1e22", "1e-22", "123456789012345",
        "1234567890123456", "9007199254740993", "0.000123", "-0", "-0.0", "+0", "2.5e-3",
        "  7.25 ", "1E5", "3.14159265358979", "0.30000000000000004", "1e23", "8.5e-23",
        "000000000000000000001.5", "1.000000000000000000"};
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_same_as_strtod(cases[i]);
}

Test(inventories_parse_double, random_decimals_equal_strtod_bitwise)
{
    unsigned long long state = 88172645463325252ull;
    char text[64];
    int i;

    for (i = 0; i < 200000; i++) {
        unsigned long long r;
        int digits, point, exp10, len = 0, d;

        state ^= state << 13, state ^= state >> 7, state ^= state << 17; /* xorshift64 */
        r = state;
        digits = 1 + (int)(r % 17);
        point = (int)((r >> 8) % (unsigned)(digits + 1));
        exp10 = (int)((r >> 16) % 51) - 25;
        if ((r >> 24) & 1)
            text[len++] = '-';
        for (d = 0; d < digits; d++) {
            state ^= state << 13, state ^= state >> 7, state ^= state << 17;
            if (d == point && d > 0)
                text[len++] = '.';
            text[len++] = (char)('0' + state % 10);
        }
        if ((r >> 25) & 1)
            len += snprintf(text + len, sizeof text - (size_t)len, "e%d", exp10);
        text[len] = '\0';
        assert_same_as_strtod(text);
    }
}
