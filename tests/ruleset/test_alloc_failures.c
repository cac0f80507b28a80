/*
 * Out of memory at every allocation of the whole path a user's `assess --ruleset` takes: read
 * and link the inventory, read the method, build the background, read, bind and evaluate the
 * product, load and apply the ruleset, write the report.  The n-th allocation fails for
 * n = 0, 1, 2, … until the path completes without touching a failure: each time the path must
 * report an error (never crash, never claim success with a failure behind it), and the
 * sanitizer build checks that nothing leaks.
 */
#include <criterion/criterion.h>

#include <stdio.h>

#include <glca/ruleset.h>

#define FIX GLCA_TEST_DIR "/fixtures/"

static int run_path(glca_error *err)
{
    const char *inv[] = {FIX "xml/loop.inventory.xml"};
    glca_background_options bo = GLCA_BACKGROUND_OPTIONS_INIT;
    glca_background *bg = NULL;
    glca_product *p = NULL;
    glca_rulebook *rb = NULL;
    glca_verdict *v = NULL;
    double impacts[GLCA_NSTAGES];
    glca_report_input in = GLCA_REPORT_INPUT_INIT;
    FILE *sink = fopen("/dev/null", "w");
    int rc;

    cr_assert_not_null(sink);
    if ((rc = glca_load_background(&bg, inv, 1, FIX "xml/gwp.method.xml", &bo, NULL, NULL,
                                   err)) < 0)
        goto cleanup;
    if ((rc = glca_read_product(&p, FIX "xml/heater.product.xml", NULL, NULL, NULL, err)) < 0)
        goto cleanup;
    if ((rc = glca_product_bind(p, bg, NULL, NULL, err)) < 0)
        goto cleanup;
    if ((rc = glca_evaluate(bg, p, impacts, err)) < 0)
        goto cleanup;
    if ((rc = glca_rulebook_load_file(&rb, FIX "cli/example.ruleset.xml", NULL, NULL, NULL,
                                      err)) < 0)
        goto cleanup;
    if ((rc = glca_rulebook_evaluate(&v, rb, p, bg, impacts, err)) < 0)
        goto cleanup;
    in.product = p;
    in.bg = bg;
    in.impacts = impacts;
    in.verdict = v;
    in.product_path = FIX "xml/heater.product.xml";
    in.inventory_paths = inv;
    in.ninventories = 1;
    in.method_path = FIX "xml/gwp.method.xml";
    rc = glca_report_write_html(sink, &in, err);
cleanup:
    glca_verdict_free(v);
    glca_rulebook_free(rb);
    glca_product_free(p);
    glca_background_free(bg);
    fclose(sink);
    return rc;
}

Test(ruleset_alloc_failures, every_allocation_failure_is_reported_and_cleaned_up, .timeout = 120)
{
    long n;

    for (n = 0;; n++) {
        glca_error err = GLCA_ERROR_INIT;
        int rc;
        size_t failed;

        glca_alloc_fail_after(n);
        rc = run_path(&err);
        failed = glca_alloc_failures();
        glca_alloc_fail_after(-1);
        if (failed == 0) {
            cr_assert_eq(rc, 0, "no failure injected at n=%ld but: %s", n, err.message);
            break;
        }
        cr_assert_lt(rc, 0, "allocation %ld failed but the path reported success", n);
        cr_assert_neq(err.message[0], '\0', "allocation %ld: no message", n);
    }
    cr_assert_gt(n, 50, "the path should allocate more than %ld times", n);
}
