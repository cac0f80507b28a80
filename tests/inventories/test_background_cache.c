/*
 * The background cache of the commands that solve (glca_load_options.cache_solve: the
 * DIR/<key>.background file, engine blob version 2).  On the worked example (tests/fixtures/xml,
 * hand-worked in tests/fixtures/analysis/README.md) a background read back from the cache gives
 * the hand-worked contributions, and bitwise what the background loaded from the inputs gives
 * for contributions and Monte Carlo, with Lambda solved directly or by GMRES.  Damaged files
 * (truncated, a flipped byte, another key's file, a version 1 file) are a warning and a rebuild;
 * a damaged blob is GLCA_EPARSE at every truncation and for every flipped byte, never a crash
 * (the ASan build runs this too).
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glca/inventories.h>

#define FIX GLCA_TEST_DIR "/fixtures/xml/"
#define ANA GLCA_TEST_DIR "/fixtures/analysis/"

static const char *const loop_inv[] = {FIX "loop.inventory.xml"};
static const char *const unc_inv[] = {ANA "loop-uncertain.inventory.xml"};
static const char method[] = FIX "gwp.method.xml";

static char *temp_dir(void)
{
    char *dir = strdup("/tmp/glca-bgcache-XXXXXX");

    cr_assert_not_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(char *dir)
{
    char cmd[300];

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    free(dir);
}

/* Load through the cache; `hit` and whether a warning was given are checked. */
static glca_background *load(const char *dir, const char *const *inv,
                             const glca_background_options *opts, bool want_hit,
                             bool want_warning)
{
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_cache_report report;
    glca_error e = GLCA_ERROR_INIT;
    glca_background *bg = NULL;

    lo.cache_solve = true;
    cr_assert_eq(glca_load_background_cached_ex(&bg, &report, dir, inv, 1, method, &lo, opts, NULL,
                                                NULL, &e),
                 0, "%s", e.message);
    cr_assert_eq(report.hit, want_hit, "hit %d, warning '%s'", report.hit, report.warning);
    cr_assert_eq(report.warning[0] != '\0', want_warning, "warning '%s'", report.warning);
    cr_assert(glca_background_has_factorization(bg));
    return bg;
}

static glca_background *load_plain(const char *const *inv, const glca_background_options *opts)
{
    glca_background *bg = NULL;
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_load_background(&bg, inv, 1, method, opts, NULL, NULL, &e), 0, "%s",
                 e.message);
    return bg;
}

static glca_product *heater(const glca_background *bg)
{
    glca_product *p = NULL;
    glca_error e = GLCA_ERROR_INIT;

    cr_assert_eq(glca_read_product(&p, FIX "heater.product.xml", NULL, NULL, NULL, &e), 0, "%s",
                 e.message);
    cr_assert_eq(glca_product_bind(p, bg, NULL, NULL, &e), 0, "%s", e.message);
    return p;
}

static glca_contributions *contributions(glca_background *bg, glca_product **p)
{
    glca_contributions *c = NULL;
    glca_error e = GLCA_ERROR_INIT;

    *p = heater(bg);
    cr_assert_eq(glca_contributions_compute(&c, bg, *p, &e), 0, "%s", e.message);
    return c;
}

static void assert_rel(double got, double want, double tol)
{
    cr_assert(fabs(got - want) <= tol * fabs(want), "got %.17g, want %.17g", got, want);
}

static void assert_same_doubles(const double *a, const double *b, size_t n, const char *what)
{
    cr_assert_eq(memcmp(a, b, n * sizeof *a), 0, "%s differ", what);
}

/* The hand-worked breakdown of tests/fixtures/analysis/README.md, and bitwise the plain one. */
static void check_contributions(glca_background *cached, glca_background *plain)
{
    glca_product *p, *q;
    glca_contributions *c = contributions(cached, &p), *d = contributions(plain, &q);
    long grid = glca_background_find_process(cached, "grid");
    long steel = glca_background_find_process(cached, "steel-sheet");

    cr_assert(grid >= 0 && steel >= 0);
    assert_rel(c->total[0], 628.661025512757, 1e-12);
    assert_rel(c->process[grid], 612.08675 / 0.9995, 1e-12);
    assert_rel(c->process[steel], 8.5538 / 0.9995, 1e-12);
    assert_rel(c->scaling[grid], 1003.75 / 0.9995, 1e-12);
    assert_rel(c->scaling[steel], 4.502 / 0.9995, 1e-12);
    assert_same_doubles(c->total, d->total, c->ncategories, "totals");
    assert_same_doubles(c->process, d->process, c->ncategories * c->nprocesses, "processes");
    assert_same_doubles(c->flow, d->flow, c->ncategories * c->nflows, "flows");
    assert_same_doubles(c->scaling, d->scaling, c->nprocesses, "scaling");
    glca_contributions_free(c);
    glca_contributions_free(d);
    glca_product_free(p);
    glca_product_free(q);
}

Test(inventories_background_cache, hit_gives_hand_worked_contributions_bitwise, .timeout = 30)
{
    glca_background_options direct = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_background_options gmres = GLCA_BACKGROUND_OPTIONS_INIT;
    char *dir = temp_dir();
    glca_background *miss, *hit, *plain;
    glca_bg_stats s;

    direct.solver = GLCA_BG_SOLVER_DIRECT;
    gmres.solver = GLCA_BG_SOLVER_ITERATIVE;
    miss = load(dir, loop_inv, &direct, false, false);
    hit = load(dir, loop_inv, &direct, true, false);
    plain = load_plain(loop_inv, &direct);
    check_contributions(hit, plain);
    glca_background_free(hit);
    glca_background_free(miss);
    glca_background_free(plain);
    /* GMRES with the kept ILU: another key, and the ILU is remade on a hit */
    miss = load(dir, loop_inv, &gmres, false, false);
    hit = load(dir, loop_inv, &gmres, true, false);
    plain = load_plain(loop_inv, &gmres);
    glca_background_stats(hit, &s);
    cr_assert_eq(s.solver, GLCA_BG_SOLVER_ITERATIVE);
    cr_assert_eq(s.fill, 0, "a hit on the GMRES path factorizes nothing up front");
    check_contributions(hit, plain);
    glca_background_free(hit);
    glca_background_free(miss);
    glca_background_free(plain);
    remove_dir(dir);
}

/*
 * A loop of `n` processes in one strongly connected component (a ring, plus two more suppliers
 * each), with inputs of 0.1-0.3 per unit so that A is diagonally dominant, hence nonsingular,
 * and an ILU(1) of it keeps fill that an ILU(0) has not: on it a background whose ILU were
 * remade differently on a hit would solve differently in the last bits.
 */
static void write_ring(const char *path, size_t n)
{
    FILE *f = fopen(path, "w");
    unsigned long long state = 42;
    size_t i, j;

    cr_assert_not_null(f);
    fprintf(f, "<inventory xmlns=\"urn:greenlca:inventory:1\" id=\"ring\" version=\"1\">\n"
               "<flow id=\"co2-fossil\" kind=\"elementary\" compartment=\"air\" unit=\"kg\"/>\n");
    for (i = 0; i < n; i++)
        fprintf(f, "<flow id=\"g%zu\" kind=\"product\" unit=\"kg\"/>\n", i);
    for (i = 0; i < n; i++) {
        fprintf(f, "<process id=\"p%zu\" product=\"g%zu\" amount=\"1\" unit=\"kg\">\n", i, i);
        for (j = 0; j < 3; j++) {
            size_t from = j == 0 ? (i + 1) % n : (size_t)((state >> 33) % n);

            state = state * 6364136223846793005ULL + 1442695040888963407ULL;
            if (from == i)
                from = (i + 2) % n;
            fprintf(f, "<input flow=\"g%zu\" amount=\"%.3f\" provider=\"p%zu\"/>\n", from,
                    0.1 + 0.2 * (double)((state >> 40) % 1000) / 1000.0, from);
        }
        fprintf(f, "<output flow=\"co2-fossil\" amount=\"%zu\"/>\n</process>\n", 1 + i % 7);
    }
    fprintf(f, "</inventory>\n");
    fclose(f);
}

Test(inventories_background_cache, hit_remakes_the_kept_ilu_as_the_miss_made_it, .timeout = 60)
{
    glca_background_options gmres = GLCA_BACKGROUND_OPTIONS_INIT;
    char *dir = temp_dir(), inv_path[300], prod_path[300];
    const char *inv[1] = {inv_path};
    glca_background *hit, *plain;
    glca_product *p, *q;
    glca_contributions *c, *d;
    glca_error e = GLCA_ERROR_INIT;
    FILE *f;

    snprintf(inv_path, sizeof inv_path, "%s/ring.inventory.xml", dir);
    snprintf(prod_path, sizeof prod_path, "%s/ring.product.xml", dir);
    write_ring(inv_path, 300);
    cr_assert_not_null(f = fopen(prod_path, "w"));
    fprintf(f, "<product xmlns=\"urn:greenlca:product:1\" id=\"r\" name=\"r\" category=\"x\" "
               "functional-unit=\"1 kg\"><production><input process=\"p0\" amount=\"1\" "
               "unit=\"kg\"/></production></product>\n");
    fclose(f);
    gmres.solver = GLCA_BG_SOLVER_ITERATIVE;
    glca_background_free(load(dir, (const char *const *)inv, &gmres, false, false));
    hit = load(dir, (const char *const *)inv, &gmres, true, false);
    plain = load_plain((const char *const *)inv, &gmres);
    cr_assert_eq(glca_read_product(&p, prod_path, NULL, NULL, NULL, &e), 0, "%s", e.message);
    cr_assert_eq(glca_read_product(&q, prod_path, NULL, NULL, NULL, &e), 0, "%s", e.message);
    cr_assert_eq(glca_product_bind(p, hit, NULL, NULL, &e), 0, "%s", e.message);
    cr_assert_eq(glca_product_bind(q, plain, NULL, NULL, &e), 0, "%s", e.message);
    cr_assert_eq(glca_contributions_compute(&c, hit, p, &e), 0, "%s", e.message);
    cr_assert_eq(glca_contributions_compute(&d, plain, q, &e), 0, "%s", e.message);
    /* every process emits 1-7 kg per kg and supplies 0.3-0.9 kg of inputs: more than 1 */
    cr_assert(c->total[0] > 1.0, "total %g", c->total[0]);
    assert_same_doubles(c->total, d->total, c->ncategories, "totals");
    assert_same_doubles(c->scaling, d->scaling, c->nprocesses, "scaling");
    glca_contributions_free(c);
    glca_contributions_free(d);
    glca_product_free(p);
    glca_product_free(q);
    glca_background_free(hit);
    glca_background_free(plain);
    remove_dir(dir);
}

/* A Lambda load (assess, batch) after a background miss: the Lambda file was written too, and
 * without it the background file serves. */
Test(inventories_background_cache, lambda_load_hits_after_a_background_miss, .timeout = 30)
{
    char *dir = temp_dir(), cmd[300];
    glca_background *bg = NULL, *plain = load_plain(loop_inv, NULL);
    glca_cache_report report;
    glca_error e = GLCA_ERROR_INIT;
    int pass;

    glca_background_free(load(dir, loop_inv, NULL, false, false));
    for (pass = 0; pass < 2; pass++) {
        cr_assert_eq(glca_load_background_cached(&bg, &report, dir, loop_inv, 1, method, NULL,
                                                 NULL, NULL, &e),
                     0, "%s", e.message);
        cr_assert(report.hit, "pass %d: warning '%s'", pass, report.warning);
        cr_assert_eq(report.warning[0], '\0', "%s", report.warning);
        /* first the Lambda file (no A), then the background file (with A) */
        cr_assert_eq(glca_background_has_factorization(bg), pass == 1);
        cr_assert_eq(memcmp(glca_background_lambda(bg), glca_background_lambda(plain),
                            glca_background_nprocesses(bg) * sizeof(double)),
                     0);
        glca_background_free(bg);
        snprintf(cmd, sizeof cmd, "rm -f %s/*.lambda", dir);
        cr_assert_eq(system(cmd), 0);
    }
    glca_background_free(plain);
    remove_dir(dir);
}

/* Monte Carlo on the uncertain loop (3 uncertain exchanges, README): bitwise the same draws. */
Test(inventories_background_cache, hit_gives_the_same_monte_carlo_draws, .timeout = 60)
{
    glca_montecarlo_options mo = GLCA_MONTECARLO_OPTIONS_INIT;
    char *dir = temp_dir();
    glca_background *hit, *plain;
    glca_montecarlo *a = NULL, *b = NULL;
    glca_product *p, *q;
    glca_error e = GLCA_ERROR_INIT;
    glca_mc_stats sa, sb;
    size_t i, k;

    glca_background_free(load(dir, unc_inv, NULL, false, false));
    hit = load(dir, unc_inv, NULL, true, false);
    plain = load_plain(unc_inv, NULL);
    p = heater(hit);
    q = heater(plain);
    mo.iterations = 200;
    mo.seed = 7;
    cr_assert_eq(glca_montecarlo_run(&a, hit, p, &mo, &e), 0, "%s", e.message);
    cr_assert_eq(glca_montecarlo_run(&b, plain, q, &mo, &e), 0, "%s", e.message);
    glca_montecarlo_stats(a, &sa);
    glca_montecarlo_stats(b, &sb);
    cr_assert_eq(sa.background, 3);
    cr_assert_eq(sa.solver, sb.solver, "AUTO chose the same solver");
    k = glca_background_ncategories(hit);
    for (i = 0; i < mo.iterations; i++)
        assert_same_doubles(glca_montecarlo_impacts(a, i), glca_montecarlo_impacts(b, i),
                            k * GLCA_NSTAGES, "draws");
    glca_montecarlo_free(a);
    glca_montecarlo_free(b);
    glca_product_free(p);
    glca_product_free(q);
    glca_background_free(hit);
    glca_background_free(plain);
    remove_dir(dir);
}

/* The one .background file of `dir`. */
static void cache_file(const char *dir, char *path, size_t size)
{
    char cmd[300];
    FILE *f;

    snprintf(cmd, sizeof cmd, "ls %s/*.background", dir);
    cr_assert_not_null(f = popen(cmd, "r"));
    cr_assert_not_null(fgets(path, (int)size, f));
    path[strcspn(path, "\n")] = '\0';
    pclose(f);
}

static long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n;

    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fclose(f);
    return n;
}

static void flip_byte(const char *path, long at)
{
    FILE *f = fopen(path, "r+b");
    int c;

    cr_assert_not_null(f);
    fseek(f, at, SEEK_SET);
    c = fgetc(f);
    fseek(f, at, SEEK_SET);
    fputc(c ^ 0x40, f);
    fclose(f);
}

static void copy_file(const char *from, const char *to)
{
    char cmd[700];

    snprintf(cmd, sizeof cmd, "cp %s %s", from, to);
    cr_assert_eq(system(cmd), 0);
}

Test(inventories_background_cache, damaged_files_are_a_warning_and_a_rebuild, .timeout = 60)
{
    char *dir = temp_dir(), *other = temp_dir(), path[600], other_path[600];
    glca_background *plain = load_plain(loop_inv, NULL), *bg;

    glca_background_free(load(dir, loop_inv, NULL, false, false));
    cache_file(dir, path, sizeof path);
    /* truncated */
    cr_assert_eq(truncate(path, file_size(path) - 1), 0);
    bg = load(dir, loop_inv, NULL, false, true);
    check_contributions(bg, plain);
    glca_background_free(bg);
    glca_background_free(load(dir, loop_inv, NULL, true, false)); /* rewritten whole */
    /* a flipped byte in the payload (the checksum) and in the header's key */
    flip_byte(path, file_size(path) - 3);
    glca_background_free(load(dir, loop_inv, NULL, false, true));
    flip_byte(path, 8 + 8 + 32 + 5);
    glca_background_free(load(dir, loop_inv, NULL, false, true));
    glca_background_free(load(dir, loop_inv, NULL, true, false));
    /* another input's valid file under this key's name: the key in the header refuses it */
    glca_background_free(load(other, unc_inv, NULL, false, false));
    cache_file(other, other_path, sizeof other_path);
    copy_file(other_path, path);
    bg = load(dir, loop_inv, NULL, false, true);
    check_contributions(bg, plain);
    glca_background_free(bg);
    /* a Lambda-only file (version 1, same key) under the .background name: not one of ours */
    {
        glca_error e = GLCA_ERROR_INIT;
        char lambda[600];

        snprintf(lambda, sizeof lambda, "%s", path);
        strcpy(strrchr(lambda, '.'), ".lambda");
        cr_assert_eq(glca_lambda_cache_store(plain, dir, loop_inv, 1, method, NULL, &e), 0, "%s",
                     e.message);
        copy_file(lambda, path);
        glca_background_free(load(dir, loop_inv, NULL, false, true));
    }
    /* an empty file */
    cr_assert_eq(truncate(path, 0), 0);
    glca_background_free(load(dir, loop_inv, NULL, false, true));
    glca_background_free(plain);
    remove_dir(dir);
    remove_dir(other);
}

/* Blob level, no checksum in the way: every prefix and every flipped byte of a version 2 blob
 * is refused or read without harm; only the whole blob reads back as the original. */
Test(inventories_background_cache, every_truncation_and_flipped_byte_of_a_blob_is_safe,
     .timeout = 120)
{
    glca_background *plain = load_plain(unc_inv, NULL), *bg;
    glca_error e = GLCA_ERROR_INIT;
    unsigned char *blob = NULL, *copy;
    size_t size, i;

    cr_assert_eq(glca_background_to_blob_solve(&blob, &size, plain, &e), 0, "%s", e.message);
    copy = malloc(size);
    cr_assert_not_null(copy);
    for (i = 0; i < size; i++) {
        memcpy(copy, blob, i);
        cr_assert_eq(glca_background_from_blob(&bg, copy, i, &e), GLCA_EPARSE, "prefix %zu", i);
        cr_assert_null(bg);
    }
    for (i = 0; i < size; i++) {
        memcpy(copy, blob, size);
        copy[i] ^= 0x81;
        if (glca_background_from_blob(&bg, copy, size, &e) == 0)
            glca_background_free(bg);
        else
            cr_assert_eq(e.code, GLCA_EPARSE, "byte %zu: %s", i, e.message);
    }
    cr_assert_eq(glca_background_from_blob(&bg, blob, size, &e), 0, "%s", e.message);
    check_contributions(bg, plain);
    glca_background_free(bg);
    free(copy);
    glca_free(blob);
    glca_background_free(plain);
}
