/*
 * Result writers: the JSON members and CSV rows of an assessment (FORMATS.md "Machine
 * interface").  Numbers use 17 significant digits so a reader gets back the same double.
 */
#include <glca/inventories.h>

#include <math.h>
#include <string.h>

void glca_write_json_string(FILE *f, const char *s)
{
    const unsigned char *c;

    fputc('"', f);
    for (c = (const unsigned char *)(s ? s : ""); *c; c++) {
        switch (*c) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        default:
            if (*c < 0x20)
                fprintf(f, "\\u%04x", *c);
            else
                fputc(*c, f);
        }
    }
    fputc('"', f);
}

void glca_write_json_string_or_null(FILE *f, const char *s)
{
    if (s)
        glca_write_json_string(f, s);
    else
        fputs("null", f);
}

void glca_write_json_number(FILE *f, double v)
{
    /* An impact can only be non-finite through bad input that the readers refuse, so null
     * marks a bug rather than hiding it as 0. */
    if (!isfinite(v))
        fputs("null", f);
    else
        fprintf(f, "%.17g", v);
}

int glca_write_impacts_json(FILE *f, const glca_assessment *a, glca_error *err)
{
    size_t k = glca_background_ncategories(a->bg);
    size_t c;
    int s;

    fputs("\"impacts\": {", f);
    for (c = 0; c < k; c++) {
        const double *row = a->impacts + c * GLCA_NSTAGES;
        double total = 0;

        for (s = 0; s < GLCA_NSTAGES; s++)
            total += row[s];
        if (c)
            fputs(", ", f);
        glca_write_json_string(f, glca_background_category_id(a->bg, c));
        fputs(": {\"unit\": ", f);
        glca_write_json_string(f, glca_background_category_unit(a->bg, c));
        fputs(", \"total\": ", f);
        glca_write_json_number(f, total);
        fputs(", \"stages\": {", f);
        for (s = 0; s < GLCA_NSTAGES; s++) {
            if (s)
                fputs(", ", f);
            glca_write_json_string(f, glca_stage_name((glca_stage)s));
            fputs(": ", f);
            glca_write_json_number(f, row[s]);
        }
        fputs("}}", f);
    }
    fputc('}', f);
    if (ferror(f))
        return glca_error_set(err, GLCA_EIO, NULL, "cannot write JSON output");
    return 0;
}

void glca_write_csv_field(FILE *f, const char *s)
{
    const char *c;

    if (!s)
        s = "";
    if (!s[strcspn(s, ",\"\n\r")]) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (c = s; *c; c++) {
        if (*c == '"')
            fputc('"', f);
        fputc(*c, f);
    }
    fputc('"', f);
}

static void write_csv_row(FILE *f, const glca_assessment *a, size_t c, const char *stage, double v)
{
    glca_write_csv_field(f, glca_product_id(a->product));
    fputc(',', f);
    glca_write_csv_field(f, glca_background_category_id(a->bg, c));
    fputc(',', f);
    glca_write_csv_field(f, glca_background_category_unit(a->bg, c));
    fputc(',', f);
    glca_write_csv_field(f, stage);
    fputc(',', f);
    fprintf(f, "%.17g\n", v);
}

int glca_write_impacts_csv(FILE *f, const glca_assessment *a, bool header, glca_error *err)
{
    size_t k = glca_background_ncategories(a->bg);
    size_t c;
    int s;

    if (header)
        fputs("product,category,unit,stage,value\n", f);
    for (c = 0; c < k; c++) {
        const double *row = a->impacts + c * GLCA_NSTAGES;
        double total = 0;

        for (s = 0; s < GLCA_NSTAGES; s++) {
            total += row[s];
            write_csv_row(f, a, c, glca_stage_name((glca_stage)s), row[s]);
        }
        write_csv_row(f, a, c, "total", total);
    }
    if (ferror(f))
        return glca_error_set(err, GLCA_EIO, NULL, "cannot write CSV output");
    return 0;
}
