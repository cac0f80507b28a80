/*
 * What the results store says when the file under it fails: disk full, read-only, not a store,
 * corrupt, removed while a batch runs.  Every message names the file and says what the user can
 * do; SQLite's own words are kept beside it.  The rules these messages rest on: a chunk is one
 * transaction, so a failed write loses only the chunk being written and a rerun resumes; a store
 * that is not ours is left as it was found (checked before WAL mode is set).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/results_store.h"

const char *glca_inventories__advice(int code)
{
    switch (code & 0xff) {
    case SQLITE_FULL:
        return " (disk full: every chunk committed before is kept; free space and run the same "
               "command again to resume)";
    case SQLITE_READONLY:
        return " (the store cannot be written: check the permissions of the file and of its "
               "directory)";
    case SQLITE_CORRUPT:
        return " (the store is damaged: keep it for inspection and write to a new store)";
    case SQLITE_NOTADB:
        return " (not a greenlca results store)";
    case SQLITE_CANTOPEN:
        return " (does its directory exist and can it be written?)";
    case SQLITE_IOERR:
        return " (every chunk committed before is kept; run the same command again to resume)";
    default:
        return "";
    }
}

int glca_inventories__db_error(glca_error *err, sqlite3 *db, const char *path,
                               const char *what)
{
    glca_srcloc where = {path, 0, 0};

    return glca_error_set(err, GLCA_EIO, &where, "%s: %s%s", what, db ? sqlite3_errmsg(db) : "",
                          db ? glca_inventories__advice(sqlite3_extended_errcode(db)) : "");
}

/* A store of a newer greenlca, or an SQLite database of someone else's, is left alone. */
int glca_inventories__check_ours(sqlite3 *db, const char *path, int version, glca_error *err)
{
    glca_srcloc where = {path, 0, 0};
    sqlite3_stmt *st = NULL;
    long long tables = 0;

    if (version > GLCA_INVENTORIES__SCHEMA_VERSION)
        return glca_error_set(err, GLCA_EIO, &where,
                              "results store has schema version %d, this greenlca knows %d",
                              version, GLCA_INVENTORIES__SCHEMA_VERSION);
    if (version > 0)
        return 0;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL) != SQLITE_OK)
        return glca_inventories__db_error(err, db, path, "results store");
    if (sqlite3_step(st) == SQLITE_ROW)
        tables = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (tables > 0)
        return glca_error_set(err, GLCA_EIO, &where,
                              "not a greenlca results store: an SQLite database with other "
                              "tables (left as it is)");
    return 0;
}

/* The store's file is still the one opened: a directory removed under a running batch leaves
 * SQLite writing, without an error, to a file nobody will ever see again. */
int glca_inventories__check_same_file(const char *path, dev_t dev, ino_t ino, glca_error *err)
{
    glca_srcloc where = {path, 0, 0};
    struct stat st;

    if (stat(path, &st) != 0 || st.st_dev != dev || st.st_ino != ino)
        return glca_error_set(err, GLCA_EIO, &where,
                              "results store was removed or replaced while the batch ran; what "
                              "it held went with it, so the next run starts over");
    return 0;
}

