/*
 * bench_mpi_copies: what a second copy of the background costs two evaluating cores, the
 * difference between 2 MPI ranks of one thread (a background each, restored from rank 0's blob)
 * and one process of 2 threads (one background, read by both).
 *
 * The first --products products of DIR/catalog.xml are read (not timed), then bound and
 * evaluated (glca_product_bind, glca_evaluate: the part of a batch that reads the background)
 * three ways, each thread taking every other product:
 *   - alone:  one thread, half of the products, the background as loaded from the Lambda cache
 *             (and, as a control, on the restored copy alone: the copy itself is not slower);
 *   - shared: two threads at once, both on that background (one process of 2 threads);
 *   - copies: two threads at once, the second on a copy restored from the first's blob, as
 *             rank 1 restores it (2 ranks of one thread, without MPI around them).
 * Each figure is the CPU time of the evaluating threads per product (CLOCK_THREAD_CPUTIME_ID),
 * best of --runs, so that neighbours on a shared machine inflate it as little as possible; the
 * ratios to "alone" are what each thread of the other two ways pays more per product.  Beside each
 * figure, the threads' CPU over the wall time (mean of the runs): 2 for two threads running all
 * along, 1 for one; on a machine shared with other work the threads also take turns with the
 * neighbours, and two threads that take turns on one core do not compete for its cache, so the
 * ratios are only as large as the overlap lets them be.  Every
 * way must give the same impacts, bit for bit (checked).  Last line:
 *   bench_mpi_copies products=P alone=Aus shared=Sus copies=Cus copy_alone_x=W shared_x=X
 *                    copies_x=Y overlap=O   (O: CPU / wall of the last way)
 *
 *   bench_mpi_copies --data DIR [--products N] [--runs R] [--work DIR]
 */
#include "bench_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glca/inventories.h>

typedef struct config {
    const char *data, *work;
    size_t products;
    int runs;
    glca_background *bg[2]; /* as loaded; restored from its blob */
    size_t k;
    double *want; /* products × k × GLCA_NSTAGES, from the first way */
} config;

/* One evaluating thread: products first, first + step, ... of `p`. */
typedef struct worker {
    const config *c;
    const glca_background *bg;
    glca_product **p;
    size_t first, step;
    double *impacts;
    double cpu;
    int rc;
} worker;

#define die(what, err) glca_bench_die("bench_mpi_copies", (what), (err))

static double thread_cpu(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void load(config *c)
{
    glca_background_options bo = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    glca_cache_report rep;
    char inv[1024], method[1024], cache[1024];
    const char *invs[1] = {inv};
    unsigned char *blob = NULL;
    size_t size = 0;

    snprintf(inv, sizeof inv, "%s/background.inventory.xml", c->data);
    snprintf(method, sizeof method, "%s/method.method.xml", c->data);
    snprintf(cache, sizeof cache, "%s/cache", c->work);
    if (glca_load_background_cached(&c->bg[0], &rep, cache, invs, 1, method, &bo, NULL, NULL,
                                    &err) < 0 ||
        glca_background_to_blob(&blob, &size, c->bg[0], &err) < 0 ||
        glca_background_from_blob(&c->bg[1], blob, size, &err) < 0)
        die("background", &err);
    glca_free(blob);
    c->k = glca_background_ncategories(c->bg[0]);
}

static glca_product **read_products(const config *c)
{
    glca_product **p = glca_calloc(c->products, sizeof *p);
    glca_error err = GLCA_ERROR_INIT;
    glca_catalog *cat = NULL;
    char path[1024];
    size_t n = 0, ordinal;

    snprintf(path, sizeof path, "%s/catalog.xml", c->data);
    if (!p || glca_catalog_open(&cat, path, NULL, &err) < 0)
        die(path, &err);
    while (n < c->products && glca_catalog_next(cat, &p[n], &ordinal, &err) > 0)
        n++;
    if (n < c->products)
        die("the catalog has fewer products than --products", &err);
    glca_catalog_free(cat);
    return p;
}

static void *evaluate(void *arg)
{
    worker *w = arg;
    const size_t stride = w->c->k * GLCA_NSTAGES;
    glca_error err = GLCA_ERROR_INIT;
    double t0 = thread_cpu();
    size_t i;

    for (i = w->first; i < w->c->products && w->rc == 0; i += w->step)
        if ((w->rc = glca_product_bind(w->p[i], w->bg, NULL, NULL, &err)) == 0)
            w->rc = glca_evaluate(w->bg, w->p[i], w->impacts + i * stride, &err);
    w->cpu = thread_cpu() - t0;
    return NULL;
}

/* CPU seconds per product of `nthreads` threads at once on backgrounds bg[which[t]]; *overlap
 * is their CPU over the wall time (2 when both ran all along). */
static double run_way(config *c, int nthreads, const int which[2], double *impacts,
                      double *overlap)
{
    glca_product **p = read_products(c);
    worker w[2];
    pthread_t tid[2];
    double cpu = 0;
    size_t done = 0, i;
    int t;

    double t0 = glca_bench_now();

    for (t = 0; t < nthreads; t++) {
        w[t] = (worker){c, c->bg[which[t]], p, (size_t)t, 2, impacts, 0, 0};
        if (t > 0 && pthread_create(&tid[t], NULL, evaluate, &w[t]) != 0)
            exit(1);
    }
    evaluate(&w[0]);
    for (t = 1; t < nthreads; t++)
        pthread_join(tid[t], NULL);
    t0 = glca_bench_now() - t0;
    for (t = 0; t < nthreads; t++) {
        if (w[t].rc < 0) {
            fprintf(stderr, "bench_mpi_copies: a product failed (%d)\n", w[t].rc);
            exit(1);
        }
        cpu += w[t].cpu;
        done += (c->products - (size_t)t + 1) / 2;
    }
    for (i = 0; i < c->products; i++)
        glca_product_free(p[i]);
    glca_free(p);
    *overlap = t0 > 0 ? cpu / t0 : 0;
    return cpu / (double)done;
}

int main(int argc, char **argv)
{
    config c = {.data = NULL, .work = ".", .products = 2000, .runs = 3};
    static const int alone[2] = {0, 0}, copy[2] = {1, 1}, shared[2] = {0, 0}, copies[2] = {0, 1};
    double best[4] = {-1, -1, -1, -1}, *impacts;
    double overlaps[4] = {0, 0, 0, 0};
    size_t n;
    int i, r;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            c.data = argv[++i];
        else if (strcmp(argv[i], "--work") == 0 && i + 1 < argc)
            c.work = argv[++i];
        else if (strcmp(argv[i], "--products") == 0 && i + 1 < argc)
            c.products = (size_t)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc)
            c.runs = atoi(argv[++i]);
        else
            c.data = NULL, i = argc;
    }
    if (!c.data || c.products < 2) {
        fprintf(stderr, "usage: bench_mpi_copies --data DIR [--products N] [--runs R] "
                        "[--work DIR]\n");
        return 2;
    }
    load(&c);
    n = c.products * c.k * GLCA_NSTAGES;
    if (!(c.want = glca_calloc(n, sizeof *c.want)) ||
        !(impacts = glca_calloc(n, sizeof *impacts)))
        return 1;
    /* the reference impacts: every product on the loaded background, one thread */
    {
        glca_product **p = read_products(&c);
        worker w = {&c, c.bg[0], p, 0, 1, c.want, 0, 0};

        evaluate(&w);
        for (i = 0; i < (int)c.products; i++)
            glca_product_free(p[i]);
        glca_free(p);
        if (w.rc < 0)
            return 1;
    }
    /* the ways alternate within each run, so that a neighbour's burst hits all three alike */
    for (r = 0; r < (c.runs > 0 ? c.runs : 1); r++) {
        const int *ways[4] = {alone, copy, shared, copies};

        for (i = 0; i < 4; i++) {
            double cpu, overlap;

            memset(impacts, 0, n * sizeof *impacts);
            cpu = run_way(&c, i < 2 ? 1 : 2, ways[i], impacts, &overlap);
            if (i > 1 && memcmp(impacts, c.want, n * sizeof *impacts) != 0) {
                fprintf(stderr, "bench_mpi_copies: impacts differ from one thread's\n");
                return 1;
            }
            overlaps[i] += overlap / (double)(c.runs > 0 ? c.runs : 1);
            if (best[i] < 0 || cpu < best[i])
                best[i] = cpu;
        }
    }
    printf("evaluation CPU per product (bind + evaluate), best of %d, %zu products "
           "(CPU / wall, mean):\n",
           c.runs, c.products);
    printf("  1 thread alone                       %8.1f us          (%.2f)\n", 1e6 * best[0],
           overlaps[0]);
    printf("  1 thread alone on the restored copy  %8.1f us  %.2fx  (%.2f)\n", 1e6 * best[1],
           best[1] / best[0], overlaps[1]);
    printf("  2 threads, one background            %8.1f us  %.2fx  (%.2f)\n", 1e6 * best[2],
           best[2] / best[0], overlaps[2]);
    printf("  2 threads, a background each         %8.1f us  %.2fx  (%.2f)\n", 1e6 * best[3],
           best[3] / best[0], overlaps[3]);
    printf("bench_mpi_copies products=%zu alone=%.1fus shared=%.1fus copies=%.1fus "
           "copy_alone_x=%.2f shared_x=%.2f copies_x=%.2f overlap=%.2f\n",
           c.products, 1e6 * best[0], 1e6 * best[2], 1e6 * best[3], best[1] / best[0],
           best[2] / best[0], best[3] / best[0], overlaps[3]);
    glca_free(c.want);
    glca_free(impacts);
    glca_background_free(c.bg[0]);
    glca_background_free(c.bg[1]);
    return 0;
}
