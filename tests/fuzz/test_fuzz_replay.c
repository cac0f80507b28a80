/*
 * Every kept fuzz input through its harness, in the ordinary suite: the seed corpus of each
 * harness (tests/fuzz/corpus/<name>/) and the inputs of fixed findings
 * (tests/fuzz/regressions/<name>/), so a fixed finding stays fixed where CI runs the tests,
 * ASan and UBSan included.  The harnesses are the libFuzzer ones (harness.h); their checks
 * abort on a wrong answer, which fails the test, and the input is named on stderr first.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int (*harness_fn)(const uint8_t *data, size_t size);

typedef struct harness {
    const char *name;
    harness_fn fn;
} harness;

#define GLCA_FUZZ_HARNESS(name) int glca_fuzz_##name(const uint8_t *data, size_t size);
#include "fuzz_harnesses.h"
#undef GLCA_FUZZ_HARNESS

#define GLCA_FUZZ_HARNESS(name) {#name, glca_fuzz_##name},
static harness harnesses[] = {
#include "fuzz_harnesses.h"
};
#undef GLCA_FUZZ_HARNESS

/* Replay every file of `dir` (absent: none); returns how many. */
static size_t replay_dir(const harness *h, const char *dir)
{
    struct dirent **names = NULL;
    char path[2048];
    int n, i;
    size_t count = 0;

    if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
        return 0;
    for (i = 0; i < n; i++) {
        FILE *f;
        uint8_t *data = NULL;
        long size;

        if (names[i]->d_name[0] == '.')
            goto next;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        cr_assert_not_null(f = fopen(path, "rb"), "%s", path);
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fseek(f, 0, SEEK_SET);
        cr_assert_not_null(data = malloc((size_t)size + 1));
        cr_assert_eq(fread(data, 1, (size_t)size, f), (size_t)size, "%s", path);
        fclose(f);
        fprintf(stderr, "fuzz_%s %s\n", h->name, path);
        cr_assert_eq(h->fn(data, (size_t)size), 0, "%s", path);
        free(data);
        count++;
    next:
        free(names[i]);
    }
    free(names);
    return count;
}

#define NHARNESSES (sizeof harnesses / sizeof harnesses[0])

/* Indexes, not pointers: each test runs in a process of its own, at other addresses. */
ParameterizedTestParameters(fuzz_replay, kept_inputs_pass_the_harness)
{
    static size_t indexes[NHARNESSES];
    size_t i;

    for (i = 0; i < NHARNESSES; i++)
        indexes[i] = i;
    return cr_make_param_array(size_t, indexes, NHARNESSES);
}

ParameterizedTest(size_t *index, fuzz_replay, kept_inputs_pass_the_harness, .timeout = 120)
{
    const harness *h = &harnesses[*index];
    char dir[1024];
    size_t seeds;

    snprintf(dir, sizeof dir, "%s/fuzz/corpus/%s", GLCA_TEST_DIR, h->name);
    seeds = replay_dir(h, dir);
    cr_assert_gt(seeds, 0, "no seed corpus in %s", dir);
    snprintf(dir, sizeof dir, "%s/fuzz/regressions/%s", GLCA_TEST_DIR, h->name);
    replay_dir(h, dir);
}
