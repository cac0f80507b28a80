/*
 * The "verdict" member of FORMATS.md's machine interface.  Numbers are printed with 17
 * significant digits so a reader gets back the same double (as inventories' writers do);
 * missing values are null, never 0, so a consumer cannot mistake "not evaluable" for a value.
 */
#include <glca/ruleset.h>

#include <string.h>

static void write_value(FILE *f, const glca_rule_value *v)
{
    if (!v->present)
        fputs("null", f);
    else if (v->kind == GLCA_VALUE_NUMBER)
        glca_write_json_number(f, v->number);
    else if (v->kind == GLCA_VALUE_BOOL)
        fputs(v->boolean ? "true" : "false", f);
    else
        glca_write_json_string(f, v->string);
}

static void write_member(FILE *f, const char *name, const char *s)
{
    fprintf(f, ", \"%s\": ", name);
    glca_write_json_string_or_null(f, s);
}

static void write_item(FILE *f, const glca_verdict_item *it)
{
    fputs("{\"id\": ", f);
    glca_write_json_string(f, it->id);
    write_member(f, "name", it->name);
    write_member(f, "kind", glca_item_kind_name(it->kind));
    write_member(f, "attribute", glca_attribute_name(it->attribute));
    write_member(f, "stage", it->has_stage ? glca_stage_name(it->stage) : NULL);
    write_member(f, "unit", it->unit);
    write_member(f, "comparator", glca_comparator_name(it->comparator));
    fputs(", \"value\": ", f);
    write_value(f, &it->value);
    fputs(", \"baseline\": ", f);
    write_value(f, &it->baseline);
    write_member(f, "baseline_when", it->baseline_when);
    write_member(f, "basis", glca_verdict_item_basis(it));
    write_member(f, "source", it->source);
    write_member(f, "outcome", glca_outcome_name(it->outcome));
    write_member(f, "reason", it->reason);
    write_member(f, "evidence", it->evidence);
    write_member(f, "verification", it->verification);
    fputc('}', f);
}

/* The ids glca_verdict_provisional lists, as JSON strings. */
static void write_provisional(FILE *f, const glca_verdict *v, const glca_verdict_item *items,
                              size_t n)
{
    glca_verdict_status s = glca_verdict_get_status(v);
    glca_outcome decided =
        s == GLCA_VERDICT_CERTIFIED_PROVISIONAL ? GLCA_OUTCOME_PASS : GLCA_OUTCOME_FAIL;
    size_t i, k = 0;

    if (s != GLCA_VERDICT_CERTIFIED_PROVISIONAL && s != GLCA_VERDICT_NOT_CERTIFIED_PROVISIONAL)
        return;
    for (i = 0; i < n; i++) {
        if (!items[i].provisional || items[i].outcome != decided)
            continue;
        if (k++)
            fputs(", ", f);
        glca_write_json_string(f, items[i].id);
    }
}

int glca_write_verdict_json(FILE *f, const glca_verdict *v, glca_error *err)
{
    const glca_verdict_item *items;
    const char *const *reasons;
    size_t n, i;

    fputs("\"verdict\": {\"ruleset\": ", f);
    glca_write_json_string(f, glca_verdict_ruleset_id(v));
    write_member(f, "version", glca_verdict_ruleset_version(v));
    write_member(f, "standard", glca_verdict_standard(v));
    write_member(f, "framework", glca_framework_name(glca_verdict_framework(v)));
    write_member(f, "edition", glca_verdict_edition(v));
    fprintf(f, ", \"certified\": %s", glca_verdict_certified(v) ? "true" : "false");
    write_member(f, "status", glca_verdict_status_name(glca_verdict_get_status(v)));
    write_member(f, "label", glca_verdict_label(v));
    write_member(f, "label_zh", glca_verdict_label_zh(v));
    fputs(", \"provisional\": [", f);
    items = glca_verdict_items(v, &n);
    write_provisional(f, v, items, n);
    fputs("], \"items\": [", f);
    for (i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        write_item(f, &items[i]);
    }
    fputs("], \"reasons\": [", f);
    reasons = glca_verdict_reasons(v, &n);
    for (i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        glca_write_json_string(f, reasons[i]);
    }
    fputs("]}", f);
    if (ferror(f))
        return glca_error_set(err, GLCA_EIO, NULL, "writing the verdict failed");
    return 0;
}
