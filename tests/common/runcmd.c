/* Running the CLI from tests (see runcmd.h); linked into every test executable. */
#include "runcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

char *read_whole_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0, cap = 0, got;

    if (!f)
        return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            char *nb;

            cap = cap ? cap * 2 : 8192;
            nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

char *make_temp_dir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl;

    if (!base || !*base)
        base = "/tmp";
    tmpl = malloc(strlen(base) + 32);
    if (!tmpl)
        return NULL;
    sprintf(tmpl, "%s/glca-test-XXXXXX", base);
    if (!mkdtemp(tmpl)) {
        free(tmpl);
        return NULL;
    }
    return tmpl;
}

char *write_temp_file(const char *dir, const char *name, const char *text)
{
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    FILE *f;

    if (!path)
        return NULL;
    sprintf(path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f) {
        free(path);
        return NULL;
    }
    fputs(text, f);
    fclose(f);
    return path;
}

int run_command(run_result *r, const char *cmd)
{
    char *dir = make_temp_dir();
    char *full = NULL, outp[512], errp[512];
    int st;

    memset(r, 0, sizeof *r);
    if (!dir)
        return -1;
    snprintf(outp, sizeof outp, "%s/out", dir);
    snprintf(errp, sizeof errp, "%s/err", dir);
    full = malloc(strlen(cmd) + 2 * sizeof outp + 32);
    if (!full) {
        free(dir);
        return -1;
    }
    sprintf(full, "%s >'%s' 2>'%s' </dev/null", cmd, outp, errp);
    st = system(full);
    r->status = (st != -1 && WIFEXITED(st)) ? WEXITSTATUS(st) : -1;
    r->out = read_whole_file(outp, NULL);
    r->err = read_whole_file(errp, NULL);
    unlink(outp);
    unlink(errp);
    rmdir(dir);
    free(full);
    free(dir);
    return (r->out && r->err) ? 0 : -1;
}

void run_result_free(run_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}
