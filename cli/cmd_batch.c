/*
 * greenlca batch CATALOG.xml: a catalog through the batch driver into a SQLite results store,
 * with progress on stderr and a summary at the end.  Also the glue that lets the batch apply
 * GB/T 32161 rulesets without inventories/ depending on ruleset/: the rulesets of --rules-dir
 * are loaded here and turned into the store's neutral verdict rows (judge_product).
 *
 * SIGINT sets a flag the driver polls between chunks, so an interrupted batch commits the chunk
 * in hand and stops; a second SIGINT kills as usual (SA_RESETHAND).  The flag is the one
 * mutable global of the program: a signal handler has nowhere else to write.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glca/ruleset.h>

#include "args.h"
#include "commands.h"

static const char help[] =
    "usage: greenlca batch CATALOG.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                      --results OUT.sqlite [--rules-dir DIR] [--threads N] [--chunk N]\n"
    "                      [--fresh] [--quiet] [--cache-dir DIR | --no-cache]\n"
    "\n"
    "Impacts (and, with --rules-dir, GB/T 32161 verdicts) of every product of a catalog, stored\n"
    "in a SQLite results store.  Running the same command again resumes an interrupted batch:\n"
    "products already stored are kept and not redone.\n"
    "  --inventory FILE   process inventory (repeatable)\n"
    "  --method FILE      LCIA method\n"
    "  --results FILE     SQLite results store (created if missing; see greenlca export)\n"
    "  --rules-dir DIR    category rulesets (*.xml); each product is judged by the ruleset of\n"
    "                     its category (products of other categories get impacts only)\n"
    "  --threads N        worker threads (default: all cores)\n"
    "  --chunk N          products per transaction (default 512)\n"
    "  --fresh            discard an earlier attempt of this run and start over\n"
    "  --quiet            no progress and no summary\n"
    "  --cache-dir DIR    Lambda cache (default $XDG_CACHE_HOME/greenlca or ~/.cache/greenlca)\n"
    "  --no-cache         neither read nor write the Lambda cache\n"
    "Exit status 0 every product assessed, 1 an input is wrong or some products are errors\n"
    "(stored with their file:line), 2 usage error, 130 interrupted (resume by re-running).\n";

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static bool should_stop(void *payload)
{
    (void)payload;
    return interrupted != 0;
}

/* ---------------------------------------------------------------- rulesets */

typedef struct rules {
    glca_ruleset **sets;
    size_t n;
    char version[1024]; /* "id@version,…" in file-name order: part of the run's identity */
} rules;

static void rules_free(rules *r)
{
    size_t i;

    for (i = 0; i < r->n; i++)
        glca_ruleset_free(r->sets[i]);
    free(r->sets);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int rules_load(rules *r, const char *dir)
{
    glca_error err = GLCA_ERROR_INIT;
    char **names = NULL, path[4096];
    size_t n = 0, i, problems = 0, used = 0;
    struct dirent *e;
    DIR *d = opendir(dir);
    int rc = 0;

    memset(r, 0, sizeof *r);
    if (!d) {
        fprintf(stderr, "greenlca: %s: cannot open rules directory\n", dir);
        return -1;
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char **grown;

        if (len < 5 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        if (!(grown = realloc(names, (n + 1) * sizeof *names)) ||
            !(grown[n] = strdup(e->d_name))) {
            names = grown ? grown : names;
            rc = -1;
            break;
        }
        names = grown;
        n++;
    }
    closedir(d);
    if (rc == 0 && n)
        qsort(names, n, sizeof *names, by_name);
    if (rc == 0 && !(r->sets = calloc(n ? n : 1, sizeof *r->sets)))
        rc = -1;
    for (i = 0; rc == 0 && i < n; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (glca_ruleset_load(&r->sets[r->n], path, NULL, cli_diag_print, &problems, &err) < 0) {
            if (problems == 0)
                cli_print_error(&err);
            rc = -1;
            break;
        }
        used += (size_t)snprintf(r->version + used, used < sizeof r->version
                                                        ? sizeof r->version - used : 0,
                                 "%s%s@%s", r->n ? "," : "", glca_ruleset_id(r->sets[r->n]),
                                 glca_ruleset_version(r->sets[r->n]));
        r->n++;
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == 0 && r->n == 0) {
        fprintf(stderr, "greenlca: %s: no rulesets (*.xml) found\n", dir);
        rc = -1;
    }
    return rc;
}

static void rule_value(const glca_rule_value *v, bool *has, double *out)
{
    *has = v->present && v->kind != GLCA_VALUE_STRING;
    *out = !*has ? 0 : v->kind == GLCA_VALUE_BOOL ? (v->boolean ? 1 : 0) : v->number;
}

/* glca_verdict_fn: the ruleset of the product's category, as neutral rows.  Thread-safe: it
 * only reads the rulesets (glca_ruleset_evaluate is thread-safe). */
static int judge_product(glca_verdict_rows *out, const glca_product *p, const glca_background *bg,
                         const double *impacts, glca_error *err, void *payload)
{
    const rules *r = payload;
    const glca_ruleset *rs = NULL;
    const glca_verdict_item *items;
    const char *const *reasons;
    glca_verdict *v = NULL;
    size_t i, n, nreasons;
    int rc;

    for (i = 0; i < r->n && !rs; i++)
        if (glca_ruleset_check_category(r->sets[i], p, NULL) == 0)
            rs = r->sets[i];
    if (!rs)
        return 0; /* no ruleset for this category: impacts only */
    if ((rc = glca_ruleset_evaluate(&v, rs, p, bg, impacts, err)) < 0)
        return rc;
    if ((rc = glca_verdict_rows_set(out, glca_verdict_certified(v), glca_ruleset_id(rs), err)) <
        0)
        goto cleanup;
    items = glca_verdict_items(v, &n);
    for (i = 0; i < n; i++) {
        const glca_verdict_item *it = &items[i];
        glca_indicator_row row;

        row.id = it->id;
        rule_value(&it->value, &row.has_value, &row.value);
        rule_value(&it->baseline, &row.has_baseline, &row.baseline);
        row.comparator = glca_comparator_name(it->comparator);
        row.outcome = glca_outcome_name(it->outcome);
        row.reason = it->reason;
        if ((rc = glca_verdict_rows_add(out, &row, err)) < 0)
            goto cleanup;
    }
    reasons = glca_verdict_reasons(v, &nreasons);
    for (i = 0; i < nreasons; i++)
        if ((rc = glca_verdict_rows_add_reason(out, reasons[i], err)) < 0)
            goto cleanup;
    rc = 0;
cleanup:
    glca_verdict_free(v);
    return rc;
}

/* ---------------------------------------------------------------- progress */

typedef struct progress_state {
    bool tty;
} progress_state;

static void show_progress(const glca_batch_progress *p, void *payload)
{
    const progress_state *s = payload;
    double rate = p->elapsed > 0 ? (double)p->done / p->elapsed : 0;
    char eta[48] = "";

    if (p->bytes_done >= 0 && p->bytes_total > 0 && p->bytes_done > 0 && !p->final) {
        double left = p->elapsed * (double)(p->bytes_total - p->bytes_done) /
                      (double)p->bytes_done;

        snprintf(eta, sizeof eta, "  %3.0f%%  ETA %.0f s",
                 100.0 * (double)p->bytes_done / (double)p->bytes_total, left);
    }
    if (s->tty)
        fprintf(stderr, "\r\033[K%zu products  %.0f/s  ok %zu  error %zu%s%s", p->done, rate,
                p->ok, p->errors, p->skipped ? "  (resumed)" : "", eta);
    else if (!p->final)
        fprintf(stderr, "greenlca batch: %zu products, %.0f/s, ok %zu, error %zu%s\n", p->done,
                rate, p->ok, p->errors, eta);
    if (s->tty && p->final)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ---------------------------------------------------------------- command */

int cmd_batch(int argc, char **argv)
{
    cli_option opts[] = {
        {"help", false, false, 0, {0}},      {"inventory", true, true, 0, {0}},
        {"method", true, false, 0, {0}},     {"results", true, false, 0, {0}},
        {"rules-dir", true, false, 0, {0}},  {"threads", true, false, 0, {0}},
        {"chunk", true, false, 0, {0}},      {"fresh", false, false, 0, {0}},
        {"quiet", false, false, 0, {0}},     {"cache-dir", true, false, 0, {0}},
        {"no-cache", false, false, 0, {0}},  {0},
    };
    cli_args a = {opts, 0, {0}};
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    progress_state ps = {false};
    struct sigaction sa;
    char cache_dir[4096];
    const cli_option *inv;
    const char *rules_dir;
    rules r;
    bool quiet, have_rules = false;
    size_t problems = 0;
    long threads, chunk;
    int rc;

    if ((rc = cli_parse(&a, "batch", argc, argv)))
        return rc;
    if (cli_flag(&a, "help")) {
        fputs(help, stdout);
        return 0;
    }
    inv = cli_find(&a, "inventory");
    if (a.npositional != 1 || !inv->count || !cli_value(&a, "method") ||
        !cli_value(&a, "results")) {
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    if (!cli_int_value(&a, "batch", "threads", 0, 1, &threads) ||
        !cli_int_value(&a, "batch", "chunk", 512, 1, &chunk))
        return CLI_EXIT_USAGE;
    quiet = cli_flag(&a, "quiet");
    o.catalog = a.positional[0];
    o.inventories = inv->values;
    o.ninventories = inv->count;
    o.method = cli_value(&a, "method");
    o.results = cli_value(&a, "results");
    o.threads = (int)threads;
    o.chunk = (size_t)chunk;
    o.fresh = cli_flag(&a, "fresh");
    o.diag = cli_diag_print;
    o.diag_payload = &problems;
    if (!cli_flag(&a, "no-cache")) {
        if (cli_value(&a, "cache-dir"))
            snprintf(cache_dir, sizeof cache_dir, "%s", cli_value(&a, "cache-dir"));
        else if (glca_lambda_cache_default_dir(cache_dir, sizeof cache_dir, &err) < 0)
            cache_dir[0] = '\0'; /* no HOME: run without a cache */
        o.cache_dir = cache_dir[0] ? cache_dir : NULL;
    }
    if ((rules_dir = cli_value(&a, "rules-dir"))) {
        if (rules_load(&r, rules_dir) < 0) {
            rules_free(&r);
            return CLI_EXIT_INPUT;
        }
        have_rules = true;
        o.verdict = judge_product;
        o.verdict_payload = &r;
        o.ruleset_version = r.version;
    }
    if (!quiet) {
        ps.tty = isatty(STDERR_FILENO);
        o.progress = show_progress;
        o.progress_payload = &ps;
        o.progress_interval = ps.tty ? 0.25 : 5.0;
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    o.should_stop = should_stop;

    rc = glca_batch_run(&sum, &o, &err);
    signal(SIGINT, SIG_DFL);
    if (have_rules)
        rules_free(&r);
    if (sum.cache.warning[0])
        fprintf(stderr, "greenlca: warning: %s\n", sum.cache.warning);
    if (rc < 0) {
        if (problems == 0)
            cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    if (!quiet) {
        double secs = sum.seconds > 0 ? sum.seconds : 1e-9;

        fprintf(stderr,
                "greenlca batch: %s run %lld in %s: %zu ok, %zu error, %zu certified; "
                "%zu products this time (%zu already stored) in %.2f s, %.0f products/s "
                "(background %.2f s%s)\n",
                sum.complete ? "finished" : "interrupted", sum.run_id, o.results, sum.ok,
                sum.errors, sum.certified, sum.processed, sum.skipped, sum.seconds,
                (double)sum.processed / secs, sum.background_seconds,
                sum.cache.hit ? ", from the Lambda cache" : "");
    }
    if (!sum.complete)
        return 130;
    return sum.errors ? CLI_EXIT_INPUT : 0;
}
