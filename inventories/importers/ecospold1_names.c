/*
 * The names and ids of EcoSpold 1 data, by the rules of the bundled converted USLCI
 * (tools/convert_uslci.py, tools/glca_common.py), so the ids in product files are the same
 * whether the data come from the converted file or from the EcoSpold 1 source:
 *   clean: whitespace runs (Unicode's too) collapse to one space, none at the ends;
 *   slug:  a few symbols spelled out (≤ le, ≥ ge, μ u, % pct, + plus, Greek letters), accents
 *          dropped (a compatibility decomposition keeping ASCII), lower case, every run of
 *          other characters one '-', none at the ends, at most 120 characters, "x" if empty;
 *   CAS:   "000124-38-9" -> "124-38-9".
 */
#include "importers/ecospold1.h"

#include <ctype.h>
#include <string.h>

/* Length of the UTF-8 whitespace character at s (Python's str.isspace), or 0. */
static size_t space_len(const unsigned char *s)
{
    if (*s == ' ' || (*s >= '\t' && *s <= '\r') || (*s >= 0x1c && *s <= 0x1f))
        return 1;
    if (s[0] == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
        return 2;
    if (s[0] == 0xe1 && s[1] == 0x9a && s[2] == 0x80)
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x80 &&
        ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf))
        return 3;
    if (s[0] == 0xe2 && s[1] == 0x81 && s[2] == 0x9f)
        return 3;
    if (s[0] == 0xe3 && s[1] == 0x80 && s[2] == 0x80)
        return 3;
    return 0;
}

void glca_inventories__es1_clean(char *s)
{
    unsigned char *r = (unsigned char *)s, *w = (unsigned char *)s;
    bool pending = false;
    size_t n;

    while (*r) {
        if ((n = space_len(r)) > 0) {
            pending = w != (unsigned char *)s;
            r += n;
            continue;
        }
        if (pending)
            *w++ = ' ';
        pending = false;
        *w++ = *r++;
    }
    *w = '\0';
}

/* Spelled-out symbols, before accents are dropped. */
static const struct {
    const char *utf8, *ascii;
} symbols[] = {{"\xe2\x89\xa4", " le "}, {"\xe2\x89\xa5", " ge "}, {"\xce\xbc", "u"},
               {"\xc2\xb5", "u"},        {"\xce\xb1", "alpha"},    {"\xce\xb2", "beta"},
               {"\xce\xb3", "gamma"},    {"%", " pct "},           {"+", " plus "}};

/* ASCII letters of Latin-1's U+00C0..U+00FF under NFKD (empty: none, e.g. × ÷ Æ ß Ð Þ). */
static const char *const latin1[64] = {
    "A", "A", "A", "A", "A", "A", "",  "C", "E", "E", "E", "E", "I", "I", "I", "I",
    "",  "N", "O", "O", "O", "O", "O", "",  "",  "U", "U", "U", "U", "Y", "",  "",
    "a", "a", "a", "a", "a", "a", "",  "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "",  "n", "o", "o", "o", "o", "o", "",  "",  "u", "u", "u", "u", "y", "",  "y"};

/* Length of the UTF-8 sequence starting with byte c. */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

void glca_inventories__es1_slug(const char *text, char *out, size_t size)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t w = 0, i, n, maxlen = size - 1 < 120 ? size - 1 : 120;
    bool dash = false;

    while (*s && w < maxlen) {
        const char *ascii = NULL;
        char one[2] = {0, 0};

        for (i = 0; i < sizeof symbols / sizeof *symbols && !ascii; i++)
            if (strncmp((const char *)s, symbols[i].utf8, strlen(symbols[i].utf8)) == 0) {
                ascii = symbols[i].ascii;
                n = strlen(symbols[i].utf8);
            }
        if (!ascii) {
            n = seq_len(*s);
            if (*s < 0x80) {
                one[0] = (char)*s;
                ascii = one;
            } else if (space_len(s)) {
                ascii = " ";
            } else if (s[0] == 0xc3 && s[1] >= 0x80 && s[1] <= 0xbf) {
                ascii = latin1[s[1] - 0x80];
            } else if (s[0] == 0xc2 && (s[1] == 0xb2 || s[1] == 0xb3 || s[1] == 0xb9)) {
                ascii = s[1] == 0xb2 ? "2" : s[1] == 0xb3 ? "3" : "1";
            } else {
                ascii = "";
            }
            for (i = 1; i < n; i++)
                if (!s[i]) {
                    n = i;
                    break;
                }
        }
        s += n;
        for (; *ascii && w < maxlen; ascii++) {
            int c = tolower((unsigned char)*ascii);

            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (dash && w > 0 && w < maxlen)
                    out[w++] = '-';
                dash = false;
                if (w < maxlen)
                    out[w++] = (char)c;
            } else {
                dash = true;
            }
        }
    }
    while (w > 0 && out[w - 1] == '-')
        w--;
    if (w == 0)
        out[w++] = 'x';
    out[w] = '\0';
}

bool glca_inventories__es1_cas(const char *cas, char *out, size_t size)
{
    const char *b, *e;
    size_t len, lead = 0;

    if (!cas)
        return false;
    for (b = cas; space_len((const unsigned char *)b); b += space_len((const unsigned char *)b))
        ;
    e = b + strlen(b);
    while (e > b && (e[-1] == ' ' || (e[-1] >= '\t' && e[-1] <= '\r')))
        e--;
    while (b < e && (*b == '=' || *b == '"'))
        b++;
    while (e > b && (e[-1] == '=' || e[-1] == '"'))
        e--;
    len = (size_t)(e - b);
    /* digits+ '-' digit digit '-' digit */
    if (len < 6 || e[-2] != '-' || e[-5] != '-' || !isdigit((unsigned char)e[-1]) ||
        !isdigit((unsigned char)e[-3]) || !isdigit((unsigned char)e[-4]))
        return false;
    for (const char *p = b; p < e - 5; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    while (b + lead < e - 6 && b[lead] == '0')
        lead++;
    if (len - lead >= size)
        return false;
    memcpy(out, b + lead, len - lead);
    out[len - lead] = '\0';
    return true;
}
