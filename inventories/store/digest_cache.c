/*
 * Input digests kept across runs (digest_memo.h): a file's content hash, found again from what
 * stat says of it, so that a batch run again on the same files (a resume after a kill, a second
 * method, an MPI job after a trial run) does not read hundreds of MB to learn what it knew.
 *
 * An entry is trusted only while the file is the same inode of the same device with the same
 * size, modification time and status-change time, to the nanosecond.  The status-change time is
 * what makes this safe: no call can set it back, and every write, truncation, rename onto the
 * path or utime moves it (so does `cp -p` or `touch -r`, which put an old mtime back).  Git
 * trusts its index on the same fields.  What those fields cannot show is a second change within
 * the file system's timestamp granularity (Linux stamps files from a clock that ticks every few
 * milliseconds), so a file changed less than GLCA_DIGEST_SETTLE_S seconds before it was hashed
 * is not kept: it is hashed again next time, until it has settled.  An entry is also dropped
 * when the file changed while it was hashed.
 *
 * Each entry is a small text file under DIR/digests, named by the SHA-256 of its kind and the
 * file's real path, written whole and renamed into place, so that concurrent runs never read
 * half of one.  Everything here is best effort: an entry that cannot be read, parsed or written
 * only costs the hash.  The directory is the user's own (the Lambda cache's), trusted as the
 * Lambda cache is.
 */
#define _GNU_SOURCE /* realpath's PATH_MAX buffer, st_mtim */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/digest_memo.h"

#define MAGIC "greenlca-digest-1"

/* What an entry records of its file, in the order it is written. */
typedef struct file_id {
    long long dev, ino, size, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
} file_id;

static file_id id_of(const struct stat *st)
{
    file_id id = {(long long)st->st_dev,          (long long)st->st_ino,
                  (long long)st->st_size,         (long long)st->st_mtim.tv_sec,
                  (long long)st->st_mtim.tv_nsec, (long long)st->st_ctim.tv_sec,
                  (long long)st->st_ctim.tv_nsec};
    return id;
}

static bool same_id(const file_id *a, const file_id *b)
{
    return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec &&
           a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

/* DIR/digests/<SHA-256 of kind and real path>, and the real path; false if either does not
 * fit or the path cannot be resolved. */
static bool entry_path(const char *dir, const char *path, const char *kind, char *out, size_t size,
                       char real[PATH_MAX])
{
    unsigned char d[GLCA_SHA256_SIZE];
    char hex[GLCA_SHA256_HEX];
    glca_sha256 s;
    int n;

    if (!dir || !realpath(path, real))
        return false;
    glca_sha256_init(&s);
    glca_sha256_update(&s, kind, strlen(kind));
    glca_sha256_update(&s, "\n", 1);
    glca_sha256_update(&s, real, strlen(real));
    glca_sha256_final(&s, d);
    glca_sha256_hex(d, hex);
    n = snprintf(out, size, "%s/digests/%s", dir, hex);
    return n > 0 && (size_t)n < size;
}

static bool is_hex(const char *h)
{
    size_t i;

    for (i = 0; i < GLCA_SHA256_HEX - 1; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return false;
    return h[i] == '\0';
}

bool glca_inventories__digest_cache_get(const char *dir, const char *path, const char *kind,
                                        char hex[GLCA_SHA256_HEX], bool *flag)
{
    char name[PATH_MAX + 128], real[PATH_MAX], text[PATH_MAX + 512];
    char *line[5], *save = NULL, *p;
    char got[GLCA_SHA256_HEX + 1];
    file_id rec, now;
    struct stat st;
    size_t n;
    int i, f;
    FILE *in;

    if (!entry_path(dir, path, kind, name, sizeof name, real) || stat(path, &st) != 0 ||
        !S_ISREG(st.st_mode) || !(in = fopen(name, "rb")))
        return false;
    n = fread(text, 1, sizeof text - 1, in);
    fclose(in);
    text[n] = '\0';
    /* magic, kind, real path, the file's id, digest and flag: one line each */
    for (i = 0, p = text; i < 5; i++, p = NULL)
        if (!(line[i] = strtok_r(p, "\n", &save)))
            return false;
    now = id_of(&st);
    if (strcmp(line[0], MAGIC) != 0 || strcmp(line[1], kind) != 0 || strcmp(line[2], real) != 0 ||
        sscanf(line[3], "%lld %lld %lld %lld %lld %lld %lld", &rec.dev, &rec.ino, &rec.size,
               &rec.mtime_sec, &rec.mtime_nsec, &rec.ctime_sec, &rec.ctime_nsec) != 7 ||
        !same_id(&rec, &now) || sscanf(line[4], "%64s %d", got, &f) != 2 || !is_hex(got) ||
        (f != 0 && f != 1))
        return false;
    memcpy(hex, got, GLCA_SHA256_HEX);
    if (flag)
        *flag = f != 0;
    return true;
}

void glca_inventories__digest_cache_put(const char *dir, const char *path,
                                        const struct stat *before, const char *kind,
                                        const char hex[GLCA_SHA256_HEX], bool flag)
{
    char name[PATH_MAX + 128], real[PATH_MAX], tmp[PATH_MAX + 160], sub[PATH_MAX];
    const file_id id = id_of(before);
    file_id after;
    struct stat st;
    struct timespec now;
    FILE *out;
    bool ok;

    if (!S_ISREG(before->st_mode) || stat(path, &st) != 0)
        return;
    after = id_of(&st);
    clock_gettime(CLOCK_REALTIME, &now);
    /* changed while hashed, or too recently to tell a second change from this one */
    if (!same_id(&id, &after) || (long long)now.tv_sec - id.mtime_sec < GLCA_DIGEST_SETTLE_S ||
        (long long)now.tv_sec - id.ctime_sec < GLCA_DIGEST_SETTLE_S)
        return;
    if (!entry_path(dir, path, kind, name, sizeof name, real) ||
        snprintf(sub, sizeof sub, "%s/digests", dir) >= (int)sizeof sub ||
        (mkdir(dir, 0777) != 0 && errno != EEXIST) || (mkdir(sub, 0777) != 0 && errno != EEXIST) ||
        snprintf(tmp, sizeof tmp, "%s.%ld.tmp", name, (long)getpid()) >= (int)sizeof tmp ||
        !(out = fopen(tmp, "wb")))
        return;
    ok = fprintf(out, "%s\n%s\n%s\n%lld %lld %lld %lld %lld %lld %lld\n%s %d\n", MAGIC, kind, real,
                 id.dev, id.ino, id.size, id.mtime_sec, id.mtime_nsec, id.ctime_sec, id.ctime_nsec,
                 hex, flag ? 1 : 0) > 0;
    ok = fclose(out) == 0 && ok;
    if (!ok || rename(tmp, name) != 0)
        unlink(tmp);
}
