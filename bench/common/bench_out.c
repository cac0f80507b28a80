/*
 * Buffered output and number formatting (see bench_out.h).  Numbers are formatted from an
 * integer mantissa so that the text is produced without printf; scaling by exact powers of ten
 * keeps the rounding within one unit of the last printed digit.
 */
#include "bench_out.h"

#include <assert.h>
#include <errno.h>
#include <math.h>

#define OUT_BUFSIZE (4u << 20)

int glca_bench_out_open(glca_bench_out *o, const char *path, glca_error *err)
{
    memset(o, 0, sizeof *o);
    o->path = path;
    if (!(o->f = fopen(path, "wb")))
        return glca_error_set(err, GLCA_EIO, NULL, "cannot create %s: %s", path,
                              strerror(errno));
    if (!(o->buf = glca_malloc(OUT_BUFSIZE))) {
        fclose(o->f);
        o->f = NULL;
        return glca_error_oom(err);
    }
    o->cap = OUT_BUFSIZE;
    return 0;
}

void glca_bench_out_flush(glca_bench_out *o)
{
    if (!o->failed && o->len && fwrite(o->buf, 1, o->len, o->f) != o->len)
        o->failed = errno ? errno : EIO;
    o->len = 0;
}

int glca_bench_out_close(glca_bench_out *o, glca_error *err)
{
    int rc = 0;

    if (o->f) {
        glca_bench_out_flush(o);
        if (fclose(o->f) != 0 && !o->failed)
            o->failed = errno ? errno : EIO;
        o->f = NULL;
        if (o->failed)
            rc = glca_error_set(err, GLCA_EIO, NULL, "cannot write %s: %s", o->path,
                                strerror(o->failed));
    }
    glca_free(o->buf);
    o->buf = NULL;
    return rc;
}

void glca_bench_out_mem(glca_bench_out *o, const char *s, size_t n)
{
    o->total += (long long)n;
    if (o->len + n > o->cap) {
        glca_bench_out_flush(o);
        if (n > o->cap) {
            if (!o->failed && fwrite(s, 1, n, o->f) != n)
                o->failed = errno ? errno : EIO;
            return;
        }
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void glca_bench_out_str(glca_bench_out *o, const char *s)
{
    glca_bench_out_mem(o, s, strlen(s));
}

void glca_bench_out_uint(glca_bench_out *o, unsigned long long v, int width)
{
    char tmp[32];
    int n = 0;

    do {
        tmp[sizeof tmp - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width && n < (int)sizeof tmp)
        tmp[sizeof tmp - 1 - n++] = '0';
    glca_bench_out_mem(o, tmp + sizeof tmp - n, (size_t)n);
}

/* 10^k for 0 <= k <= 22: every one is exact in a double */
static double pow10_exact(int k)
{
    static const double p[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    assert(k >= 0 && k <= 22);
    return p[k];
}

/* x · 10^k with at most one rounding for |k| <= 22, two beyond */
static double scale10(double x, int k)
{
    while (k > 22) {
        x *= 1e22;
        k -= 22;
    }
    while (k < -22) {
        x /= 1e22;
        k += 22;
    }
    return k >= 0 ? x * pow10_exact(k) : x / pow10_exact(-k);
}

void glca_bench_out_num(glca_bench_out *o, double x, int sig)
{
    char digits[20], text[48];
    unsigned long long m, limit;
    int e, nd, i, n = 0;

    assert(isfinite(x) && sig >= 1 && sig <= 17);
    if (x == 0) {
        GLCA_BENCH_OUT_LIT(o, "0");
        return;
    }
    if (x < 0) {
        text[n++] = '-';
        x = -x;
    }
    e = (int)floor(log10(x));
    m = (unsigned long long)llround(scale10(x, sig - 1 - e));
    limit = (unsigned long long)pow10_exact(sig);
    if (m < limit / 10) { /* log10 came out one too high */
        e--;
        m = (unsigned long long)llround(scale10(x, sig - 1 - e));
    }
    if (m >= limit) { /* log10 one too low, or rounding carried into a new digit */
        e++;
        m = (unsigned long long)llround(scale10(x, sig - 1 - e));
    }
    if (m >= limit) {
        m = limit / 10;
        e++;
    }
    for (nd = sig; nd > 0; nd--) { /* digits, most significant first */
        digits[nd - 1] = (char)('0' + m % 10);
        m /= 10;
    }
    nd = sig;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    if (e >= 15 || e < -7) {
        text[n++] = digits[0];
        if (nd > 1) {
            text[n++] = '.';
            for (i = 1; i < nd; i++)
                text[n++] = digits[i];
        }
        text[n++] = 'e';
        if (e < 0) {
            text[n++] = '-';
            e = -e;
        }
        if (e >= 100)
            text[n++] = (char)('0' + e / 100);
        if (e >= 10)
            text[n++] = (char)('0' + e / 10 % 10);
        text[n++] = (char)('0' + e % 10);
    } else if (e >= 0) {
        for (i = 0; i <= e; i++)
            text[n++] = i < nd ? digits[i] : '0';
        if (nd > e + 1) {
            text[n++] = '.';
            for (i = e + 1; i < nd; i++)
                text[n++] = digits[i];
        }
    } else {
        text[n++] = '0';
        text[n++] = '.';
        for (i = 0; i < -e - 1; i++)
            text[n++] = '0';
        for (i = 0; i < nd; i++)
            text[n++] = digits[i];
    }
    glca_bench_out_mem(o, text, (size_t)n);
}
