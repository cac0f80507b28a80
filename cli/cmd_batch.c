/*
 * greenlca batch CATALOG.xml: a catalog through the batch driver into a SQLite results store,
 * with progress on stderr and a summary at the end.  Verdicts come from a rulebook
 * (ruleset/), handed to the driver as a callback so that inventories/ need not depend on it.
 *
 * SIGINT sets a flag the driver polls between chunks, so an interrupted batch commits the chunk
 * in hand and stops; a second SIGINT kills as usual (SA_RESETHAND).  The flag is the one
 * mutable global of the program: a signal handler has nowhere else to write.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glca/ruleset.h>

#include "args.h"
#include "commands.h"
#include "study.h"

#ifdef GLCA_MPI
#define MPI_HELP                                                                                   \
    "Run by mpirun or srun, the processes share the catalog out and write one store (README).\n"
#else
#define MPI_HELP ""
#endif

static const char help[] =
    "usage: greenlca batch CATALOG.xml --inventory FILE [--inventory FILE…] --method FILE\n"
    "                      --results OUT.sqlite [--rules-dir DIR [--on DATE]] [--threads N]\n"
    "                      [--chunk N] [--fresh] [--quiet] [--cache-dir DIR | --no-cache]\n"
    "                      [--allocation A] [--provider-map FILE] [--linking-report FILE]\n"
    "\n"
    "Impacts (and, with --rules-dir, GB/T 32161 verdicts) of every product of a catalog, stored\n"
    "in a SQLite results store.  Running the same command again resumes an interrupted batch:\n"
    "products already stored are kept and not redone.  One batch writes a store at a time: a\n"
    "second one stops at once, naming the process that writes it (the lock of a killed process\n"
    "of this host is taken over; of another host: sqlite3 OUT.sqlite 'DELETE FROM writer').\n"
    "  --inventory FILE   process inventory (repeatable)\n"
    "  --method FILE      LCIA method\n"
    "  --results FILE     SQLite results store (created if missing; see greenlca export)\n"
    "  --rules-dir DIR    category rulesets (*.xml); each product is judged by the ruleset of\n"
    "                     its category (products of other categories get impacts only)\n"
    "  --on DATE          judge by the editions in force on DATE (YYYY-MM-DD; default today)\n"
    "  --threads N        worker threads (default: all cores)\n"
    "  --chunk N          products per transaction (default 512)\n"
    "  --fresh            discard an earlier attempt of this run and start over\n"
    "  --quiet            no progress; errors and the summary only when the exit status is not 0\n"
    "  --cache-dir DIR    Lambda cache and the inputs' digests (DIR/digests; default\n"
    "                     $XDG_CACHE_HOME/greenlca or ~/.cache/greenlca)\n"
    "  --no-cache         neither read nor write the Lambda cache or the digests\n"
    "  --allocation A     data (default), physical, economic or none, for multi-output processes\n"
    "  --provider-map F   CSV consumer,flow,provider: choices among several providers\n"
    "  --linking-report F every exchange left out and why, with file:line (.md, or .json)\n"
    "  --linking-report-format md|json\n"
    "The allocation and the provider map's content are part of the run: changing either starts a\n"
    "new run in the store.  The linking report is written whenever it is asked for (the Lambda\n"
    "cache is then not read).\n"
    "Exit status 0 every product assessed, 1 an input is wrong or some products are errors\n"
    "(stored with their file:line), 2 usage error, 130 interrupted (resume by re-running).\n"
    MPI_HELP;

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
        {"no-cache", false, false, 0, {0}},  {"on", true, false, 0, {0}},
        CLI_IMPORT_OPTIONS,
        {0},
    };
    cli_args a = {opts, 0, {0}};
    glca_batch_options o = GLCA_BATCH_OPTIONS_INIT;
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_batch_summary sum;
    glca_error err = GLCA_ERROR_INIT;
    progress_state ps = {false};
    struct sigaction sa;
    char cache_dir[4096];
    const cli_option *inv;
    const char *rules_dir;
    glca_rulebook *rules = NULL;
    char rules_identity[1024];
    bool quiet;
    int rank = 0;
    size_t problems = 0;
    long threads, chunk;
    int rc, status;

    if ((rc = cli_begin(&a, "batch", argc, argv, help, 1, 1, NULL, NULL)) >= 0)
        return rc;
    inv = cli_find(&a, "inventory");
    if (!inv->count || !cli_value(&a, "method") || !cli_value(&a, "results")) {
        fputs(help, stderr);
        return CLI_EXIT_USAGE;
    }
    if (!cli_int_value(&a, "batch", "threads", 0, 1, &threads) ||
        !cli_int_value(&a, "batch", "chunk", 512, 1, &chunk))
        return CLI_EXIT_USAGE;
    if ((rc = cli_import_options(&a, "batch", &lo)))
        return rc;
    quiet = cli_flag(&a, "quiet");
    o.catalog = a.positional[0];
    o.inventories = inv->values;
    o.ninventories = inv->count;
    o.method = cli_value(&a, "method");
    o.results = cli_value(&a, "results");
    o.threads = (int)threads;
    o.chunk = (size_t)chunk;
    o.fresh = cli_flag(&a, "fresh");
    o.load = &lo;
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
        if (glca_rulebook_load_dir(&rules, rules_dir, NULL, cli_diag_print, &problems, &err) < 0) {
            if (problems == 0)
                cli_print_error(&err);
            return CLI_EXIT_INPUT;
        }
        if (cli_value(&a, "on") && glca_rulebook_set_date(rules, cli_value(&a, "on"), &err) < 0) {
            cli_print_error(&err);
            glca_rulebook_free(rules);
            return CLI_EXIT_INPUT;
        }
        glca_rulebook_identity(rules, rules_identity, sizeof rules_identity);
        o.verdict = glca_rulebook_verdict_rows;
        o.verdict_payload = rules;
        o.ruleset_version = rules_identity;
        o.rules_path = rules_dir;
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

#ifdef GLCA_MPI
    /* under mpirun or srun every rank runs this command; rank 0 alone speaks */
    if (glca_batch_mpi_launched())
        rc = glca_batch_run_mpi(&sum, &o, &rank, &err);
    else
#endif
        rc = glca_batch_run(&sum, &o, &err);
    signal(SIGINT, SIG_DFL);
    glca_rulebook_free(rules);
    if (rank != 0) /* rank 0 reports the job's outcome and gives its exit status */
        return 0;
    if (sum.cache.warning[0])
        fprintf(stderr, "greenlca: warning: %s\n", sum.cache.warning);
    if (rc < 0) {
        if (problems == 0)
            cli_print_error(&err);
        return CLI_EXIT_INPUT;
    }
    status = !sum.complete ? 130 : sum.errors ? CLI_EXIT_INPUT : 0;
    /* quiet is for scripts that read the exit status: a failure still says why */
    if (!quiet || status != 0) {
        double secs = sum.seconds > 0 ? sum.seconds : 1e-9;
        glca_verdict_counts vc;

        fprintf(stderr,
                "greenlca batch: %s run %lld in %s: %zu ok, %zu error, %zu certified (any basis); "
                "%zu products this time (%zu already stored) in %.2f s, %.0f products/s "
                "(background %.2f s%s)\n",
                sum.complete ? "finished" : "interrupted", sum.run_id, o.results, sum.ok,
                sum.errors, sum.certified, sum.processed, sum.skipped, sum.seconds,
                (double)sum.processed / secs, sum.background_seconds,
                sum.cache.hit ? ", from the Lambda cache" : "");
        if (rules_dir && glca_results_verdict_counts(&vc, o.results, sum.run_id, &err) == 0)
            fprintf(stderr,
                    "greenlca batch: verdicts: %zu certified, %zu certified on provisional "
                    "thresholds, %zu not certified (%zu of them on provisional thresholds), "
                    "%zu not evaluable\n",
                    vc.certified, vc.certified_provisional,
                    vc.not_certified + vc.not_certified_provisional, vc.not_certified_provisional,
                    vc.not_evaluable);
    }
    if (sum.errors)
        fprintf(stderr, "greenlca batch: the errors, with file:line: greenlca export %s\n",
                o.results);
    return status;
}
