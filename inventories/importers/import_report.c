/*
 * The linking report: every note of an import (what was cut off, ambiguous, left out and why),
 * with a count per kind first, as Markdown for people or JSON for tools.
 */
#include "importers/import_int.h"

#include <math.h>
#include <string.h>

#define NKINDS (GLCA_IMP_CHOSEN + 1)

size_t glca_inventories__imp_nnotes(const glca_import *im)
{
    return im->nnotes;
}

const glca_imp_note *glca_inventories__imp_note_at(const glca_import *im, size_t i)
{
    return i < im->nnotes ? &im->notes[i] : NULL;
}

const char *glca_inventories__imp_note_kind_name(glca_imp_note_kind k)
{
    static const char *const names[NKINDS] = {"cutoff",       "ambiguous",     "coproduct",
                                              "dangling",     "not-evaluable", "unit",
                                              "out-of-scope", "provider-map",  "chosen"};

    return (unsigned)k < NKINDS ? names[k] : "?";
}

/* A Markdown table cell: '|' and line breaks would end the cell. */
static void md_cell(FILE *f, const char *s)
{
    if (!s)
        return;
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

static void write_markdown(FILE *f, const glca_import *im, const size_t counts[NKINDS])
{
    size_t i, k;

    fputs("# Linking report\n\n| kind | count |\n|---|---|\n", f);
    for (k = 0; k < NKINDS; k++)
        fprintf(f, "| %s | %zu |\n", glca_inventories__imp_note_kind_name(k), counts[k]);
    for (k = 0; k < NKINDS; k++) {
        if (!counts[k])
            continue;
        fprintf(f,
                "\n## %s\n\n| process | flow | amount | unit | where | candidates | "
                "message |\n|---|---|---|---|---|---|---|\n",
                glca_inventories__imp_note_kind_name(k));
        for (i = 0; i < im->nnotes; i++) {
            const glca_imp_note *n = &im->notes[i];
            const char *const *c;

            if ((size_t)n->kind != k)
                continue;
            fputs("| ", f);
            md_cell(f, n->process);
            fputs(" | ", f);
            md_cell(f, n->flow);
            fputs(" | ", f);
            if (!isnan(n->amount)) /* for people; the JSON has every digit */
                fprintf(f, "%.15g", n->amount);
            fputs(" | ", f);
            md_cell(f, n->unit);
            fputs(" | ", f);
            if (n->loc.file) {
                md_cell(f, n->loc.file);
                if (n->loc.line)
                    fprintf(f, ":%ld", n->loc.line);
            }
            fputs(" | ", f);
            for (c = n->candidates; c && *c; c++) {
                fputs(c == n->candidates ? "" : ", ", f);
                md_cell(f, *c);
            }
            fputs(" | ", f);
            md_cell(f, n->message);
            fputs(" |\n", f);
        }
    }
}

static void write_json(FILE *f, const glca_import *im, const size_t counts[NKINDS])
{
    size_t i, k;

    fputs("{\"counts\": {", f);
    for (k = 0; k < NKINDS; k++)
        fprintf(f, "%s\"%s\": %zu", k ? ", " : "", glca_inventories__imp_note_kind_name(k),
                counts[k]);
    fputs("},\n \"notes\": [", f);
    for (i = 0; i < im->nnotes; i++) {
        const glca_imp_note *n = &im->notes[i];
        const char *const *c;

        fputs(i ? ",\n  " : "\n  ", f);
        fprintf(f,
                "{\"kind\": \"%s\", \"process\": ", glca_inventories__imp_note_kind_name(n->kind));
        glca_write_json_string_or_null(f, n->process);
        fputs(", \"flow\": ", f);
        glca_write_json_string_or_null(f, n->flow);
        fputs(", \"amount\": ", f);
        glca_write_json_number(f, n->amount);
        fputs(", \"unit\": ", f);
        glca_write_json_string_or_null(f, n->unit);
        fputs(", \"file\": ", f);
        glca_write_json_string_or_null(f, n->loc.file);
        fprintf(f, ", \"line\": %ld, \"candidates\": [", n->loc.line);
        for (c = n->candidates; c && *c; c++) {
            fputs(c == n->candidates ? "" : ", ", f);
            glca_write_json_string(f, *c);
        }
        fputs("], \"message\": ", f);
        glca_write_json_string_or_null(f, n->message);
        fputs("}", f);
    }
    fputs(im->nnotes ? "\n ]}\n" : "]}\n", f);
}

int glca_inventories__imp_write_report(FILE *f, const glca_import *im, glca_report_format fmt,
                                       glca_error *err)
{
    size_t counts[NKINDS] = {0}, i;

    for (i = 0; i < im->nnotes; i++)
        counts[im->notes[i].kind]++;
    if (fmt == GLCA_REPORT_JSON)
        write_json(f, im, counts);
    else
        write_markdown(f, im, counts);
    if (ferror(f))
        return glca_error_set(err, GLCA_EIO, NULL, "cannot write the linking report");
    return 0;
}
