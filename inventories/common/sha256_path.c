/*
 * The content hash of an input named by a path that may be a file (a zip archive is a file: its
 * bytes cover every entry) or a directory of data sets, as the importers take them.  A
 * directory's hash covers every regular file below it, in sorted path order, with the relative
 * paths, so that a file added, removed, renamed or changed anywhere below gives another hash,
 * and the same tree hashes alike on every machine (readdir's order is the file system's).
 */
/* fdopendir and friends: POSIX 2008 */
#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glca/inventories.h>

/* Deeper than any data set; what stops a symbolic link to a parent from looping forever. */
#define MAX_DEPTH 32

typedef struct file_list {
    char **paths; /* relative to the root */
    size_t n, cap;
} file_list;

static void list_free(file_list *l)
{
    size_t i;

    for (i = 0; i < l->n; i++)
        glca_free(l->paths[i]);
    glca_free(l->paths);
}

static char *join(const char *a, const char *b)
{
    size_t len = strlen(a) + strlen(b) + 2;
    char *p = glca_malloc(len);

    if (p)
        snprintf(p, len, "%s%s%s", a, a[0] ? "/" : "", b);
    return p;
}

static int list_add(file_list *l, char *path, glca_error *err)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **p = glca_reallocarray(l->paths, cap, sizeof *p);

        if (!p) {
            glca_free(path);
            return glca_error_oom(err);
        }
        l->paths = p;
        l->cap = cap;
    }
    l->paths[l->n++] = path;
    return 0;
}

/* The regular files below root/rel (symbolic links followed), appended to `l`. */
static int walk(file_list *l, const char *root, const char *rel, int depth, glca_error *err)
{
    glca_srcloc where = {root, 0, 0};
    char *dir_path = NULL;
    DIR *d = NULL;
    struct dirent *e;
    int rc = 0;

    if (depth > MAX_DEPTH)
        return glca_error_set(err, GLCA_ELIMIT, &where,
                              "directories nested deeper than %d levels below '%s' (a link "
                              "loop?)",
                              MAX_DEPTH, rel);
    if (!(dir_path = join(root, rel)))
        return glca_error_oom(err);
    if (!(d = opendir(dir_path))) {
        rc = glca_error_set(err, GLCA_EIO, &where, "cannot read directory '%s': %s", dir_path,
                            strerror(errno));
        goto cleanup;
    }
    while ((e = readdir(d))) {
        struct stat st;
        char *child, *full;

        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!(child = join(rel, e->d_name)) || !(full = join(root, child))) {
            glca_free(child);
            rc = glca_error_oom(err);
            goto cleanup;
        }
        if (stat(full, &st) != 0) {
            rc = glca_error_set(err, GLCA_EIO, &where, "cannot read '%s': %s", full,
                                strerror(errno));
            glca_free(full);
            glca_free(child);
            goto cleanup;
        }
        glca_free(full);
        if (S_ISDIR(st.st_mode)) {
            rc = walk(l, root, child, depth + 1, err);
            glca_free(child);
        } else if (S_ISREG(st.st_mode)) {
            rc = list_add(l, child, err); /* takes `child` */
        } else {
            glca_free(child); /* sockets, devices, FIFOs: not data */
        }
        if (rc < 0)
            goto cleanup;
    }
cleanup:
    if (d)
        closedir(d);
    glca_free(dir_path);
    return rc;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int glca_sha256_path(unsigned char out[GLCA_SHA256_SIZE], const char *path, glca_error *err)
{
    glca_srcloc where = {path, 0, 0};
    file_list l = {NULL, 0, 0};
    unsigned char d[GLCA_SHA256_SIZE];
    char hex[GLCA_SHA256_HEX], *full;
    struct stat st;
    glca_sha256 s;
    size_t i;
    int rc;

    if (stat(path, &st) != 0)
        return glca_error_set(err, GLCA_EIO, &where, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return glca_sha256_file(out, path, err);
    if ((rc = walk(&l, path, "", 0, err)) < 0)
        goto cleanup;
    qsort(l.paths, l.n, sizeof *l.paths, by_path);
    glca_sha256_init(&s);
    glca_sha256_update(&s, "greenlca-tree-1\n", 16);
    for (i = 0; i < l.n; i++) {
        if (!(full = join(path, l.paths[i]))) {
            rc = glca_error_oom(err);
            goto cleanup;
        }
        rc = glca_sha256_file(d, full, err);
        glca_free(full);
        if (rc < 0)
            goto cleanup;
        glca_sha256_hex(d, hex);
        /* "relative/path\0<hex>\n": a NUL cannot occur in a path, so no two trees collide */
        glca_sha256_update(&s, l.paths[i], strlen(l.paths[i]) + 1);
        glca_sha256_update(&s, hex, GLCA_SHA256_HEX - 1);
        glca_sha256_update(&s, "\n", 1);
    }
    glca_sha256_final(&s, out);
cleanup:
    list_free(&l);
    return rc;
}
