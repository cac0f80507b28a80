/*
 * The ThreadSanitizer driver (scripts/tsan.sh; Criterion's runner does not start under TSan):
 * the multi-threaded paths run with 2 threads in a TSan build, where any data race is reported
 * and makes the exit status non-zero (TSan's exitcode).  Each run is also compared with the
 * same run on 1 thread, since results must not depend on the thread count:
 *   - the batch over a generated catalog of inline products: the parallel catalog reader (blocks
 *     parsed on every thread), binding, evaluation and rules judged concurrently
 *     (glca_rulebook_verdict_rows), one thread committing while the others work; bad products
 *     make error rows;
 *   - the batch over a catalog whose <include> hands it to the serial reader midway;
 *   - Monte Carlo of the example heater over the uncertain loop (draws and solves per thread).
 * Stores are compared through glca_results_export (CSV, 17 digits), Monte Carlo bitwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glca/engine.h>
#include <glca/inventories.h>
#include <glca/ruleset.h>

#define FIXTURES GLCA_TEST_DIR "/fixtures"
#define NPRODUCTS 1500

static char dir[256];

static void fail(const char *what, const glca_error *err)
{
    char msg[600] = "";

    if (err)
        glca_error_format(err, msg, sizeof msg);
    fprintf(stderr, "tsan_driver: %s%s%s\n", what, msg[0] ? ": " : "", msg);
    exit(1);
}

static char *in_dir(const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);

    if (!path)
        fail("out of memory", NULL);
    snprintf(path, len, "%s/%s", dir, name);
    return path;
}

/* Products like the example heater with varying amounts; every 97th is bad (an unknown unit).
 * With `include`, product NPRODUCTS/2 comes from an included file. */
static char *write_catalog(const char *name, bool include)
{
    char *path = in_dir(name);
    FILE *f = fopen(path, "w");
    size_t i;

    if (!f)
        fail("cannot write the catalog", NULL);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<catalog xmlns=\"urn:greenlca:catalog:1\" id=\"tsan\">\n",
          f);
    for (i = 0; i < NPRODUCTS; i++) {
        if (include && i == NPRODUCTS / 2) {
            fputs("  <include href=\"heater.product.xml\"/>\n", f);
            continue;
        }
        fprintf(f,
                "  <product xmlns=\"urn:greenlca:product:1\" id=\"p%zu\" category=\"example\">"
                "<declare name=\"rated-power-w\" value=\"%zu\"/>"
                "<material id=\"shell\" process=\"steel-sheet\" mass=\"%zu\" unit=\"kg\""
                " recyclable=\"true\"/>"
                "<use><input process=\"grid\" amount=\"%zu\" unit=\"%s\"/></use></product>\n",
                i, 1000 + i, 1 + i % 5, 100 + i, i % 97 == 3 ? "furlong" : "kWh");
    }
    fputs("</catalog>\n", f);
    fclose(f);
    return path;
}

static char *export_csv(const char *store)
{
    char *text = NULL;
    size_t len = 0;
    glca_error err = GLCA_ERROR_INIT;
    FILE *f = open_memstream(&text, &len);

    if (!f || glca_results_export(f, store, GLCA_EXPORT_CSV, 0, &err) < 0)
        fail("export", &err);
    fclose(f);
    return text;
}

static void batch_twice(const char *catalog, const glca_rulebook *rb, const char *what)
{
    static const char *const inventories[] = {FIXTURES "/xml/loop.inventory.xml"};
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    char name[64], *stores[2], *csv[2];
    char identity[256];
    int t;

    glca_rulebook_identity(rb, identity, sizeof identity);
    o.catalog = catalog;
    o.inventories = inventories;
    o.ninventories = 1;
    o.method = FIXTURES "/xml/gwp.method.xml";
    o.verdict = glca_rulebook_verdict_rows;
    o.verdict_payload = (void *)rb;
    o.ruleset_version = identity;
    o.chunk = 64; /* many chunks: the reader, evaluation and commit overlap often */
    for (t = 0; t < 2; t++) {
        snprintf(name, sizeof name, "%s-%d.sqlite", what, t + 1);
        stores[t] = in_dir(name);
        o.results = stores[t];
        o.threads = t + 1;
        if (glca_batch_run(&sum, &o, &err) < 0)
            fail("batch", &err);
        if (!sum.complete || sum.ok + sum.errors != NPRODUCTS || sum.errors == 0)
            fail("batch: unexpected counts", NULL);
        csv[t] = export_csv(stores[t]);
    }
    if (strcmp(csv[0], csv[1]) != 0)
        fail("batch: 1 and 2 threads stored different results", NULL);
    printf("tsan_driver: batch %s: %zu ok, %zu errors, %zu certified, same on 1 and 2 threads\n",
           what, sum.ok, sum.errors, sum.certified);
    for (t = 0; t < 2; t++) {
        unlink(stores[t]);
        free(stores[t]);
        free(csv[t]);
    }
}

static void montecarlo_twice(void)
{
    static const char *const inventories[] = {FIXTURES "/analysis/loop-uncertain.inventory.xml"};
    glca_background_options bo = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_montecarlo_options mo = GLCA_MONTECARLO_OPTIONS_INIT;
    glca_background *bg = NULL;
    glca_product *p = NULL;
    glca_montecarlo *mc[2] = {NULL, NULL};
    glca_error err = GLCA_ERROR_INIT;
    size_t k, i;
    int t;

    if (glca_load_background(&bg, inventories, 1, FIXTURES "/xml/gwp.method.xml", &bo, NULL,
                             NULL, &err) < 0 ||
        glca_read_product(&p, FIXTURES "/xml/heater.product.xml", NULL, NULL, NULL, &err) < 0 ||
        glca_product_bind(p, bg, NULL, NULL, &err) < 0)
        fail("Monte Carlo inputs", &err);
    mo.iterations = 400;
    for (t = 0; t < 2; t++) {
        mo.threads = t + 1;
        if (glca_montecarlo_run(&mc[t], bg, p, &mo, &err) < 0)
            fail("Monte Carlo", &err);
    }
    k = glca_background_ncategories(bg) * GLCA_NSTAGES;
    for (i = 0; i < mo.iterations; i++)
        if (memcmp(glca_montecarlo_impacts(mc[0], i), glca_montecarlo_impacts(mc[1], i),
                   k * sizeof(double)) != 0)
            fail("Monte Carlo: 1 and 2 threads drew different results", NULL);
    printf("tsan_driver: Monte Carlo: %zu iterations, same on 1 and 2 threads\n", mo.iterations);
    for (t = 0; t < 2; t++)
        glca_montecarlo_free(mc[t]);
    glca_product_free(p);
    glca_background_free(bg);
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    glca_rulebook *rb = NULL;
    glca_error err = GLCA_ERROR_INIT;
    char *inline_catalog, *include_catalog, *heater, cmd[600];

    snprintf(dir, sizeof dir, "%s/glca-tsan-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        fail("cannot make a scratch directory", NULL);
    if (glca_rulebook_load_file(&rb, FIXTURES "/cli/example.ruleset.xml", NULL, NULL, NULL,
                                &err) < 0)
        fail("rules", &err);
    inline_catalog = write_catalog("inline.catalog.xml", false);
    include_catalog = write_catalog("include.catalog.xml", true);
    heater = in_dir("heater.product.xml");
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", FIXTURES "/xml/heater.product.xml", heater);
    if (system(cmd) != 0)
        fail("cannot copy the heater", NULL);
    batch_twice(inline_catalog, rb, "inline");
    batch_twice(include_catalog, rb, "include");
    montecarlo_twice();
    unlink(inline_catalog);
    unlink(include_catalog);
    unlink(heater);
    rmdir(dir);
    free(inline_catalog);
    free(include_catalog);
    free(heater);
    glca_rulebook_free(rb);
    return 0;
}
