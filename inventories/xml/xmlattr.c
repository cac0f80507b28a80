/*
 * Attributes of the current element of a glca_xml: lookup, the check that no unknown attribute
 * is present, and typed values (required strings, finite numbers, booleans), each problem
 * located at its element.
 *
 * Numbers are parsed in the C locale whatever the process locale is (a thread-local
 * uselocale around strtod), after our own grammar check: strtod alone would accept "nan",
 * "inf", hex floats and trailing junk.  Surrounding XML whitespace is allowed, because XML
 * attribute normalization already turns line breaks into spaces and xs:double allows it.
 */
#include "xml/xmlsafe_int.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;
static locale_t c_locale; /* written once under c_locale_once, read-only afterwards */

static void make_c_locale(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

static bool xml_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * The exact fast path (Clinger, 1990): a decimal of at most 15 significant digits is an exact
 * double m, and 10^k for |k| <= 22 is exact too, so m * 10^k or m / 10^-k is one correctly
 * rounded operation: the same double strtod returns, without its locale switch.  Returns false
 * when the number is outside that range (strtod decides then).
 */
static bool fast_decimal(const char *p, const char *end, double *out)
{
    static const double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                   1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                   1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    bool negative = false, after_point = false;
    uint64_t m = 0;
    int digits = 0, scale = 0, exp10 = 0;
    long k;

    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    for (; p < end && *p != 'e' && *p != 'E'; p++) {
        if (*p == '.') {
            after_point = true; /* digits after the point scale down */
            continue;
        }
        if (m || *p != '0')
            if (++digits > 15)
                return false;
        m = 10 * m + (uint64_t)(*p - '0');
        scale -= after_point;
    }
    if (p < end) {
        bool eneg = false;
        int n = 0;

        p++;
        if (*p == '+' || *p == '-')
            eneg = *p++ == '-';
        for (; p < end; p++)
            if (++n > 4)
                return false;
            else
                exp10 = 10 * exp10 + (*p - '0');
        if (eneg)
            exp10 = -exp10;
    }
    k = (long)scale + exp10;
    if (k < -22 || k > 22)
        return false;
    *out = k < 0 ? (double)m / pow10[-k] : (double)m * pow10[k];
    if (negative)
        *out = -*out;
    return true;
}

int glca_inventories__parse_double(const char *s, double *out)
{
    const char *p = s, *start, *end;
    size_t digits = 0;
    char *stop = NULL;
    locale_t previous = (locale_t)0;
    double v;

    while (xml_space(*p))
        p++;
    start = p;
    if (*p == '+' || *p == '-')
        p++;
    for (; *p >= '0' && *p <= '9'; p++)
        digits++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            digits++;
    if (!digits)
        return -1;
    if (*p == 'e' || *p == 'E') {
        const char *e = p + 1;
        if (*e == '+' || *e == '-')
            e++;
        if (!(*e >= '0' && *e <= '9'))
            return -1;
        while (*e >= '0' && *e <= '9')
            e++;
        p = e;
    }
    end = p;
    while (xml_space(*p))
        p++;
    if (*p)
        return -1;
    if (fast_decimal(start, end, out))
        return 0;

    pthread_once(&c_locale_once, make_c_locale);
    if (c_locale)
        previous = uselocale(c_locale);
    errno = 0;
    v = strtod(start, &stop);
    if (c_locale)
        uselocale(previous);
    if (stop != end)
        return -1;
    if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0))
        return -2;
    *out = v;
    return 0;
}

/* The value for a message: at most 40 bytes, control characters shown as '?'. */
static const char *shown(char *buf, size_t size, const char *s)
{
    size_t i, max = size - 4 < 40 ? size - 4 : 40;

    for (i = 0; s[i] && i < max; i++)
        buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
    if (s[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
    return buf;
}

const char *glca_xml_attr(glca_xml *x, const char *name)
{
    const xml_event *ev = glca_xml__current(x);
    size_t i;

    if (!ev || ev->type != GLCA_XML_START)
        return NULL;
    for (i = 0; i < ev->nattrs; i++) {
        const xml_attr *a = &x->attrs[ev->first_attr + i];
        const char *an = glca_xml__str(x, a->name);

        /* the first byte tells most names apart without a call */
        if (!a->qualified && an[0] == name[0] && strcmp(an, name) == 0)
            return glca_xml__str(x, a->value);
    }
    return NULL;
}

int glca_xml_check_attrs(glca_xml *x, const char *const *allowed, glca_error *err)
{
    const xml_event *ev = glca_xml__current(x);
    glca_srcloc loc = glca_xml_loc(x);
    size_t i;

    if (!ev || ev->type != GLCA_XML_START)
        return 0;
    for (i = 0; i < ev->nattrs; i++) {
        const xml_attr *a = &x->attrs[ev->first_attr + i];
        const char *name = glca_xml__str(x, a->name);
        const char *const *ok = allowed;
        if (!a->qualified)
            while (*ok && ((*ok)[0] != name[0] || strcmp(*ok, name) != 0))
                ok++;
        if (a->qualified || !*ok)
            return glca_error_set(err, GLCA_EPARSE, &loc, "unknown attribute '%s' on <%s>", name,
                                  glca_xml_name(x));
    }
    return 0;
}

int glca_xml_attr_required(glca_xml *x, const char *name, const char **out, glca_error *err)
{
    glca_srcloc loc = glca_xml_loc(x);

    if (!(*out = glca_xml_attr(x, name)))
        return glca_error_set(err, GLCA_EPARSE, &loc, "missing required attribute '%s' on <%s>",
                              name, glca_xml_name(x));
    return 0;
}

int glca_xml_attr_double(glca_xml *x, const char *name, bool required, double dflt, double *out,
                         glca_error *err)
{
    const char *s = glca_xml_attr(x, name), *p;
    glca_srcloc loc = glca_xml_loc(x);
    char buf[48];
    int rc;

    if (!s) {
        if (required)
            return glca_xml_attr_required(x, name, &s, err);
        *out = dflt;
        return 0;
    }
    if ((rc = glca_inventories__parse_double(s, out)) == 0)
        return 0;
    for (p = s; xml_space(*p) || *p == '+' || *p == '-'; p++)
        ;
    if (rc == -2 || strncasecmp(p, "nan", 3) == 0 || strncasecmp(p, "inf", 3) == 0)
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "non-finite number '%s' in attribute '%s' on <%s>",
                              shown(buf, sizeof buf, s), name, glca_xml_name(x));
    return glca_error_set(err, GLCA_EPARSE, &loc,
                          "unparsable number '%s' in attribute '%s' on <%s>",
                          shown(buf, sizeof buf, s), name, glca_xml_name(x));
}

int glca_xml_attr_bool(glca_xml *x, const char *name, bool dflt, bool *out, glca_error *err)
{
    const char *s = glca_xml_attr(x, name);
    glca_srcloc loc = glca_xml_loc(x);
    char buf[48];

    if (!s)
        *out = dflt;
    else if (strcmp(s, "true") == 0)
        *out = true;
    else if (strcmp(s, "false") == 0)
        *out = false;
    else
        return glca_error_set(err, GLCA_EPARSE, &loc,
                              "attribute '%s' on <%s> must be true or false, not '%s'", name,
                              glca_xml_name(x), shown(buf, sizeof buf, s));
    return 0;
}
