/*
 * glca_load_background: the usual way into a study.  Reads every inventory into one model
 * (so references may cross files), links it, reads the method and builds the background.
 * All files are read even after a problem, so one run reports every problem of the input.
 */
#include "native/inv_readers.h"

int glca_load_background(glca_background **out, const char *const *inventory_paths,
                         size_t ninventories, const char *method_path,
                         const glca_background_options *opts, glca_diag_fn diag, void *payload,
                         glca_error *err)
{
    glca_error e = GLCA_ERROR_INIT, first = GLCA_ERROR_INIT;
    glca_model *model = NULL;
    glca_method *method = NULL;
    size_t i;
    int rc;

    *out = NULL;
    if ((rc = glca_model_new(&model, err)) < 0)
        return rc;
    for (i = 0; i < ninventories; i++)
        if (glca_read_inventory(model, inventory_paths[i], NULL, diag, payload, &e) < 0 &&
            first.code == GLCA_OK)
            first = e;
    if (first.code == GLCA_OK && glca_model_link(model, diag, payload, &e) < 0)
        first = e;
    if (glca_read_method(&method, method_path, NULL, diag, payload, &e) < 0 &&
        first.code == GLCA_OK)
        first = e;
    if (first.code == GLCA_OK && glca_background_new(out, model, method, opts, &e) < 0) {
        first = e;
        if (diag)
            diag(&e, payload);
    }
    glca_model_free(model);
    glca_method_free(method);
    if (first.code != GLCA_OK) {
        if (err)
            *err = first;
        return first.code;
    }
    return 0;
}
