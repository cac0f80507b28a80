/*
 * Life-cycle stage names as written in product files (FORMATS.md) and reports.
 */
#include <glca/engine.h>

#include <string.h>

static const char *const stage_names[GLCA_NSTAGES] = {
    "raw-materials", "production", "distribution", "use", "end-of-life",
};

const char *glca_stage_name(glca_stage s)
{
    if ((int)s < 0 || s >= GLCA_NSTAGES)
        return NULL;
    return stage_names[s];
}

int glca_stage_parse(const char *name, glca_stage *out)
{
    int s;

    if (!name)
        return GLCA_ENOTFOUND;
    for (s = 0; s < GLCA_NSTAGES; s++) {
        if (strcmp(stage_names[s], name) == 0) {
            *out = (glca_stage)s;
            return 0;
        }
    }
    return GLCA_ENOTFOUND;
}
