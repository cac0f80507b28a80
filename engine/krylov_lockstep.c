/*
 * The steps the two lockstep GMRES share (krylov_multi.c for Lambda's categories, krylov_draws.c
 * for Monte Carlo's draws): scaling of interleaved vectors and one system's Givens step, and
 * krylov_multi.c's column norms (krylov_draws.c's follow krylov.c's partial sums instead).  Each
 * runs over the rows in order with the systems innermost.
 */
#include "krylov.h"

#include <math.h>

void glca_engine__lockstep_norms(const double *v, size_t n, size_t width, double *out)
{
    size_t i, c;

    for (c = 0; c < width; c++)
        out[c] = 0;
    for (i = 0; i < n * width; i += width)
        for (c = 0; c < width; c++)
            out[c] += v[i + c] * v[i + c];
    for (c = 0; c < width; c++)
        out[c] = sqrt(out[c]);
}

void glca_engine__lockstep_scale(double *u, size_t n, size_t width, const double *s)
{
    size_t i, c;

    for (i = 0; i < n * width; i += width)
        for (c = 0; c < width; c++)
            u[i + c] /= s[c];
}

int glca_engine__lockstep_givens(double *hj, double *cs, double *sn, double *g, size_t j, double hn,
                                 double tol, int *used)
{
    double den;
    size_t l;

    hj[j + 1] = hn;
    for (l = 0; l < j; l++) {
        double a = hj[l], b = hj[l + 1];

        hj[l] = cs[l] * a + sn[l] * b;
        hj[l + 1] = -sn[l] * a + cs[l] * b;
    }
    den = hypot(hj[j], hj[j + 1]);
    if (!(den > 0) || !isfinite(den))
        return 1;
    cs[j] = hj[j] / den;
    sn[j] = hj[j + 1] / den;
    hj[j] = den;
    hj[j + 1] = 0;
    g[j + 1] = -sn[j] * g[j];
    g[j] *= cs[j];
    *used = (int)j + 1;
    return fabs(g[j + 1]) <= tol || hn == 0;
}
