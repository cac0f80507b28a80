/*
 * Shared helpers of the benchmark programs: a monotonic clock, the peak resident set size, the
 * best of N runs, file sizes, the exit on an error.  Benchmarks report the best of N (zstd found it the most stable
 * figure) and the memory high-water mark (VmHWM), so both live here rather than in each bench.
 */
#ifndef GLCA_BENCH_UTIL_H
#define GLCA_BENCH_UTIL_H

#include <stddef.h>

#include <glca/engine.h>

/** Seconds on a monotonic clock (only differences mean anything). */
double glca_bench_now(void);

/** Peak resident set size of this process in kB (VmHWM of /proc/self/status), -1 if unknown. */
long glca_bench_peak_rss_kb(void);

/** Size of a file in bytes, -1 if it cannot be read. */
long long glca_bench_file_size(const char *path);

/** A timed body: returns 0 on success, negative to stop the runs. */
typedef int (*glca_bench_fn)(void *payload);

/**
 * Run `fn` `runs` times (at least once) and store the shortest wall time in `best`.  Returns 0,
 * or the first negative value `fn` returned (then `best` holds the runs that completed, or -1).
 */
int glca_bench_best_of(int runs, glca_bench_fn fn, void *payload, double *best);

/** Print "prog: what: the error's message" on stderr and exit(1): the benchmark cannot go on. */
_Noreturn void glca_bench_die(const char *prog, const char *what, const glca_error *err);

#endif
