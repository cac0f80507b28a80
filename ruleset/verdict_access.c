/*
 * Reading a verdict: its accessors and freeing it.  The evaluator that builds a verdict is
 * verdict.c; a verdict never changes once built, so these only read.
 */
#include "ruleset_int.h"

void glca_verdict_free(glca_verdict *v)
{
    if (!v)
        return;
    glca_free(v->items);
    glca_free(v->reasons);
    glca_free(v->text);
    glca_free(v);
}

bool glca_verdict_certified(const glca_verdict *v)
{
    return v->certified;
}

const char *glca_verdict_product_id(const glca_verdict *v)
{
    return v->product_id;
}

const char *glca_verdict_ruleset_id(const glca_verdict *v)
{
    return v->ruleset_id;
}

const char *glca_verdict_ruleset_version(const glca_verdict *v)
{
    return v->version;
}

const char *glca_verdict_standard(const glca_verdict *v)
{
    return v->standard;
}

glca_verdict_status glca_verdict_get_status(const glca_verdict *v)
{
    return v->status;
}

const char *glca_verdict_status_name(glca_verdict_status s)
{
    static const char *const names[] = {"certified", "certified-provisional", "not-certified",
                                        "not-certified-provisional", "not-evaluable"};

    return (size_t)s < sizeof names / sizeof names[0] ? names[s] : "?";
}

const char *glca_verdict_provisional(const glca_verdict *v)
{
    return v->provisional;
}

const char *glca_verdict_label(const glca_verdict *v)
{
    return v->label;
}

const char *glca_verdict_label_zh(const glca_verdict *v)
{
    return v->label_zh;
}

glca_framework glca_verdict_framework(const glca_verdict *v)
{
    return v->framework;
}

const char *glca_verdict_edition(const glca_verdict *v)
{
    return v->edition;
}

const glca_verdict_item *glca_verdict_items(const glca_verdict *v, size_t *n)
{
    *n = v->nitems;
    return v->items;
}

const char *const *glca_verdict_reasons(const glca_verdict *v, size_t *n)
{
    *n = v->nreasons;
    return v->reasons;
}
