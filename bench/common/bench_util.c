/*
 * Timing, memory and file-size helpers and the exit on an error, for the benchmarks (see
 * bench_util.h).  Linux-specific on purpose: the peak RSS comes from /proc, which is what the
 * team's machines run.
 */
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

double glca_bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

long glca_bench_peak_rss_kb(void)
{
    char line[256];
    long kb = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmHWM:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    }
    fclose(f);
    return kb;
}

long long glca_bench_file_size(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return -1;
    return (long long)st.st_size;
}

int glca_bench_best_of(int runs, glca_bench_fn fn, void *payload, double *best)
{
    int i, rc = 0;

    *best = -1;
    for (i = 0; i < (runs > 0 ? runs : 1); i++) {
        double t0 = glca_bench_now(), dt;

        if ((rc = fn(payload)) < 0)
            break;
        dt = glca_bench_now() - t0;
        if (*best < 0 || dt < *best)
            *best = dt;
    }
    return rc < 0 ? rc : 0;
}

void glca_bench_die(const char *prog, const char *what, const glca_error *err)
{
    char buf[1024];

    glca_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: %s: %s\n", prog, what, buf);
    exit(1);
}
