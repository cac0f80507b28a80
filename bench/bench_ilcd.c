/*
 * bench_ilcd: read + link an ILCD tree of generated datasets, from a folder and from a zip, and
 * compare with the peer `xmllint --stream --noout` over the same files.
 *
 *   bench_ilcd [--processes N] [--runs R] [--seed S] [--dir D]
 *
 * The tree is generated from the seed (default 20,000 processes, about ecoinvent's size): one
 * unit group, one flow property, 200 elementary flows, and per process one product flow and a
 * process dataset with its reference output, 5 inputs of products of earlier processes (so the
 * system is acyclic and every input has its one producer), 10 emissions and a 1 kB comment, as
 * real datasets carry documentation the reader skips.  The zip is made from the folder with
 * libzip.  Each run reads through glca_read_inventories (format detection, parallel parsing,
 * linking, the engine model) and checks the counts; the best of R runs is reported with the
 * peak RSS.  Last line, parsable:
 *   bench_ilcd processes=N folder=s zip=s xmllint=s ratio_folder=x ratio_zip=x threads=T
 */
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zip.h>

#include <glca/inventories.h>

#include "bench_out.h"
#include "bench_rng.h"
#include "bench_util.h"

#define NELEM 200
#define NINPUTS 5
#define NEMIS 10

typedef struct options {
    size_t processes;
    int runs;
    unsigned long long seed;
    const char *dir;
} options;

static void uuid(char out[37], unsigned kind, size_t i)
{
    /* 48 bits of index are plenty; the mask tells the compiler so */
    snprintf(out, 37, "%08x-0000-4000-8000-%012llx", kind & 0xffffu,
             (unsigned long long)i & 0xffffffffffffULL);
}

static int mkdirs(const char *root)
{
    static const char *const sub[] = {"", "/processes", "/flows", "/flowproperties",
                                      "/unitgroups"};
    char path[8192];

    for (size_t i = 0; i < sizeof sub / sizeof *sub; i++) {
        snprintf(path, sizeof path, "%s%s", root, sub[i]);
        if (mkdir(path, 0700) != 0 && errno != EEXIST) {
            fprintf(stderr, "bench_ilcd: %s: %s\n", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static int put(const char *root, const char *folder, const char *id, const char *xml)
{
    char path[8192];
    glca_bench_out o;
    glca_error err = GLCA_ERROR_INIT;

    snprintf(path, sizeof path, "%s/%s/%s.xml", root, folder, id);
    if (glca_bench_out_open(&o, path, &err) < 0)
        return -1;
    glca_bench_out_str(&o, xml);
    return glca_bench_out_close(&o, &err);
}

static void flow_xml(char *buf, size_t size, const char *id, const char *name, const char *type)
{
    snprintf(buf, size,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
             "<flowDataSet xmlns=\"http://lca.jrc.it/ILCD/Flow\" "
             "xmlns:common=\"http://lca.jrc.it/ILCD/Common\" version=\"1.1\">\n"
             " <flowInformation>\n  <dataSetInformation>\n   <common:UUID>%s</common:UUID>\n"
             "   <name><baseName xml:lang=\"en\">%s</baseName></name>\n"
             "   <classificationInformation><common:elementaryFlowCategorization>"
             "<common:category level=\"0\">Emissions</common:category>"
             "<common:category level=\"1\">Emissions to air</common:category>"
             "</common:elementaryFlowCategorization></classificationInformation>\n"
             "  </dataSetInformation>\n  <quantitativeReference><referenceToReferenceFlowProperty>"
             "0</referenceToReferenceFlowProperty></quantitativeReference>\n </flowInformation>\n"
             " <modellingAndValidation><LCIMethod><typeOfDataSet>%s</typeOfDataSet></LCIMethod>"
             "</modellingAndValidation>\n <flowProperties><flowProperty dataSetInternalID=\"0\">"
             "<referenceToFlowPropertyDataSet refObjectId=\"00000003-0000-4000-8000-000000000000\""
             " type=\"flow property data set\"/><meanValue>1.0</meanValue></flowProperty>"
             "</flowProperties>\n</flowDataSet>\n",
             id, name, type);
}

static int process_xml(glca_bench_out *o, glca_bench_rng *rng, size_t i)
{
    char id[37], fl[37];

    uuid(id, 4, i);
    uuid(fl, 2, i);
    GLCA_BENCH_OUT_LIT(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<processDataSet "
                          "xmlns=\"http://lca.jrc.it/ILCD/Process\" "
                          "xmlns:common=\"http://lca.jrc.it/ILCD/Common\" version=\"1.1\">\n"
                          " <processInformation>\n  <dataSetInformation>\n   <common:UUID>");
    glca_bench_out_str(o, id);
    GLCA_BENCH_OUT_LIT(o, "</common:UUID>\n   <name><baseName xml:lang=\"en\">process ");
    glca_bench_out_uint(o, i, 1);
    GLCA_BENCH_OUT_LIT(o, "</baseName></name>\n   <common:generalComment xml:lang=\"en\">");
    for (int k = 0; k < 16; k++)
        GLCA_BENCH_OUT_LIT(o, "Documentation the reader skips, as real datasets carry it. ");
    GLCA_BENCH_OUT_LIT(o, "</common:generalComment>\n  </dataSetInformation>\n"
                          "  <quantitativeReference type=\"Reference flow(s)\">"
                          "<referenceToReferenceFlow>0</referenceToReferenceFlow>"
                          "</quantitativeReference>\n  <geography>"
                          "<locationOfOperationSupplyOrProduction location=\"CN\"/></geography>\n"
                          " </processInformation>\n <exchanges>\n");
    for (int x = 0; x < 1 + NINPUTS + NEMIS; x++) {
        const char *dir = x == 0 || x > NINPUTS ? "Output" : "Input";
        double amount = x == 0 ? 1.0 : glca_bench_rng_range(rng, 0.001, 2.0);
        if (x == 0)
            uuid(fl, 2, i);
        else if (x <= NINPUTS)
            uuid(fl, 2, i ? glca_bench_rng_below(rng, i) : 0);
        else
            uuid(fl, 1, glca_bench_rng_below(rng, NELEM));
        if (x > 0 && x <= NINPUTS && i == 0)
            continue; /* the first process has nobody to buy from */
        GLCA_BENCH_OUT_LIT(o, "  <exchange dataSetInternalID=\"");
        glca_bench_out_uint(o, (unsigned long long)x, 1);
        GLCA_BENCH_OUT_LIT(o, "\">\n   <referenceToFlowDataSet type=\"flow data set\" "
                              "refObjectId=\"");
        glca_bench_out_str(o, fl);
        GLCA_BENCH_OUT_LIT(o, "\"/>\n   <exchangeDirection>");
        glca_bench_out_str(o, dir);
        GLCA_BENCH_OUT_LIT(o, "</exchangeDirection>\n   <meanAmount>");
        glca_bench_out_num(o, amount, 6);
        GLCA_BENCH_OUT_LIT(o, "</meanAmount>\n   <resultingAmount>");
        glca_bench_out_num(o, amount, 6);
        GLCA_BENCH_OUT_LIT(o, "</resultingAmount>\n  </exchange>\n");
    }
    GLCA_BENCH_OUT_LIT(o, " </exchanges>\n</processDataSet>\n");
    return 0;
}

static int generate(const char *root, const options *opt, long long *bytes)
{
    char buf[4096], id[37], name[64], path[8192];
    glca_bench_rng rng;
    glca_error err = GLCA_ERROR_INIT;

    if (mkdirs(root) < 0)
        return -1;
    snprintf(buf, sizeof buf,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<unitGroupDataSet "
             "xmlns=\"http://lca.jrc.it/ILCD/UnitGroup\" xmlns:common=\"http://lca.jrc.it/ILCD/"
             "Common\"><unitGroupInformation><dataSetInformation><common:UUID>"
             "00000005-0000-4000-8000-000000000000</common:UUID><common:name>Units of mass"
             "</common:name></dataSetInformation><quantitativeReference><referenceToReferenceUnit>"
             "0</referenceToReferenceUnit></quantitativeReference></unitGroupInformation><units>"
             "<unit dataSetInternalID=\"0\"><name>kg</name><meanValue>1</meanValue></unit>"
             "</units></unitGroupDataSet>\n");
    if (put(root, "unitgroups", "00000005-0000-4000-8000-000000000000", buf) < 0)
        return -1;
    snprintf(buf, sizeof buf,
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<flowPropertyDataSet "
             "xmlns=\"http://lca.jrc.it/ILCD/FlowProperty\" xmlns:common=\"http://lca.jrc.it/"
             "ILCD/Common\"><flowPropertiesInformation><dataSetInformation><common:UUID>"
             "00000003-0000-4000-8000-000000000000</common:UUID><common:name>Mass</common:name>"
             "</dataSetInformation><quantitativeReference><referenceToReferenceUnitGroup "
             "refObjectId=\"00000005-0000-4000-8000-000000000000\"/></quantitativeReference>"
             "</flowPropertiesInformation></flowPropertyDataSet>\n");
    if (put(root, "flowproperties", "00000003-0000-4000-8000-000000000000", buf) < 0)
        return -1;
    for (size_t i = 0; i < NELEM; i++) {
        uuid(id, 1, i);
        snprintf(name, sizeof name, "emission %zu", i);
        flow_xml(buf, sizeof buf, id, name, "Elementary flow");
        if (put(root, "flows", id, buf) < 0)
            return -1;
    }
    for (size_t i = 0; i < opt->processes; i++) {
        glca_bench_out o;
        uuid(id, 2, i);
        snprintf(name, sizeof name, "product %zu", i);
        flow_xml(buf, sizeof buf, id, name, "Product flow");
        if (put(root, "flows", id, buf) < 0)
            return -1;
        uuid(id, 4, i);
        snprintf(path, sizeof path, "%s/processes/%s.xml", root, id);
        glca_bench_rng_seed(&rng, opt->seed, i); /* one stream per dataset */
        if (glca_bench_out_open(&o, path, &err) < 0)
            return -1;
        process_xml(&o, &rng, i);
        *bytes += o.total;
        if (glca_bench_out_close(&o, &err) < 0)
            return -1;
    }
    return 0;
}

static int make_zip(const char *root, const char *zippath)
{
    static const char *const folders[] = {"unitgroups", "flowproperties", "flows", "processes"};
    char path[8192], entry[512];
    int zerr;
    zip_t *za = zip_open(zippath, ZIP_CREATE | ZIP_TRUNCATE, &zerr);

    if (!za)
        return -1;
    for (size_t k = 0; k < 4; k++) {
        struct stat st;
        for (size_t i = 0;; i++) {
            char id[37];
            unsigned kind = k == 0 ? 5 : k == 1 ? 3 : k == 3 ? 4 : 0;
            if (k == 2) {
                /* flows: the elementary ones, then the products */
                if (i < NELEM)
                    uuid(id, 1, i);
                else
                    uuid(id, 2, i - NELEM);
            } else {
                uuid(id, kind, i);
            }
            snprintf(entry, sizeof entry, "ILCD/%s/%s.xml", folders[k], id);
            snprintf(path, sizeof path, "%s/%s/%s.xml", root, folders[k], id);
            if (stat(path, &st) != 0)
                break;
            zip_source_t *src = zip_source_file(za, path, 0, -1);
            if (!src || zip_file_add(za, entry, src, 0) < 0) {
                zip_discard(za);
                return -1;
            }
        }
    }
    return zip_close(za) == 0 ? 0 : -1;
}

typedef struct run {
    const char *path;
    size_t processes;
    size_t got;
} run;

static int read_once(void *payload)
{
    run *r = payload;
    glca_model *m = NULL;
    glca_load_options lo = GLCA_LOAD_OPTIONS_INIT;
    glca_error err = GLCA_ERROR_INIT;
    const char *paths[1] = {r->path};
    int rc;

    if ((rc = glca_model_new(&m, &err)) < 0 ||
        (rc = glca_read_inventories(m, paths, 1, &lo, NULL, NULL, &err)) < 0) {
        char msg[600];
        glca_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "bench_ilcd: %s\n", msg);
        glca_model_free(m);
        return -1;
    }
    r->got = glca_model_nprocesses(m);
    glca_model_free(m);
    return r->got == r->processes ? 0 : -1;
}

static int xmllint_once(void *payload)
{
    const char *root = payload;
    char cmd[8192];

    snprintf(cmd, sizeof cmd,
             "find '%s' -name '*.xml' -print0 | xargs -0 -n 2000 xmllint --stream --noout", root);
    return system(cmd) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
    options opt = {20000, 3, 42, NULL};
    char root[4096], zippath[4200];
    long long bytes = 0;
    double t_folder = -1, t_zip = -1, t_lint = -1, t0;
    run r;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--processes") && i + 1 < argc)
            opt.processes = (size_t)strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
            opt.runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            opt.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
            opt.dir = argv[++i];
        else {
            fprintf(stderr, "usage: bench_ilcd [--processes N] [--runs R] [--seed S] [--dir D]\n");
            return 2;
        }
    }
    snprintf(root, sizeof root, "%s/bench_ilcd_%zu", opt.dir ? opt.dir : "/tmp", opt.processes);
    snprintf(zippath, sizeof zippath, "%s.zip", root);
    t0 = glca_bench_now();
    if (generate(root, &opt, &bytes) < 0 || make_zip(root, zippath) < 0) {
        fprintf(stderr, "bench_ilcd: cannot write %s\n", root);
        return 1;
    }
    printf("generated %zu processes (%.1f MB of process XML) in %.2f s; zip %.1f MB\n",
           opt.processes, (double)bytes / 1e6, glca_bench_now() - t0,
           (double)glca_bench_file_size(zippath) / 1e6);
    r.processes = opt.processes;
    r.path = root;
    if (glca_bench_best_of(opt.runs, read_once, &r, &t_folder) < 0)
        return 1;
    r.path = zippath;
    if (glca_bench_best_of(opt.runs, read_once, &r, &t_zip) < 0)
        return 1;
    if (glca_bench_best_of(opt.runs, xmllint_once, root, &t_lint) < 0)
        fprintf(stderr, "bench_ilcd: xmllint failed\n");
    printf("read+link folder %.3f s, zip %.3f s; xmllint --stream %.3f s; peak RSS %ld kB\n",
           t_folder, t_zip, t_lint, glca_bench_peak_rss_kb());
    printf("bench_ilcd processes=%zu folder=%.3f zip=%.3f xmllint=%.3f ratio_folder=%.2fx "
           "ratio_zip=%.2fx threads=%d\n",
           opt.processes, t_folder, t_zip, t_lint, t_lint > 0 ? t_folder / t_lint : -1,
           t_lint > 0 ? t_zip / t_lint : -1, omp_get_max_threads());
    return 0;
}
