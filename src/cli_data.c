/*
 * cli_data.c - where a command's data comes from, and the two data
 * commands: `wlr generate` and `wlr split`.
 *
 * Every command that takes data takes it the same way: a CSV file (its
 * columns chosen by --label, --sample-weight-col, --columns or --drop), an
 * X .npy with --labels, or nothing, in which case the generator options make
 * it (the default is the rare-event tutorial's data). Options that only a
 * CSV file can use are refused for .npy, never ignored. Then --test-size
 * and --split-seed split it exactly as scikit-learn's train_test_split
 * would.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* --weights "W0" or "W0,W1" into gen.weights; one value means W1 = 1 - W0,
 * as scikit-learn does. */
static int parse_gen_weights(const char *spec, double w[2])
{
    char *end;
    errno = 0;
    w[0] = strtod(spec, &end);
    if (end == spec || errno == ERANGE) goto bad;
    if (*end == 0) {
        w[1] = 1.0 - w[0];
        return 0;
    }
    if (*end != ',') goto bad;
    const char *second = end + 1;
    w[1] = strtod(second, &end);
    if (end == second || *end != 0 || errno == ERANGE) goto bad;
    return 0;
bad:
    return cli_errorf("--weights: '%s' is not W0 or W0,W1 (e.g. 0.995,0.005)",
                      spec);
}

int cli_gen_params(const cli_args *a, wlr_gen_params *p)
{
    *p = a->gen;
    if (a->gen_weights && parse_gen_weights(a->gen_weights, p->weights)) return 1;
    wlr_error err;
    if (wlr_gen_check(p, &err)) return cli_error(&err);
    return 0;
}

int cli_is_npy(const char *path)
{
    return ends_with(path, ".npy");
}

int cli_check_npy_options(const cli_args *a, const char *path)
{
    const wlr_csv_options *c = &a->csv;
    const char *opt = c->label ? "--label" : c->positive ? "--positive"
                    : c->weight ? "--sample-weight-col" : c->columns ? "--columns"
                    : c->drop ? "--drop" : c->id ? "--id-col"
                    : strcmp(a->header, "auto") != 0 ? "--header" : NULL;
    if (opt)
        return cli_errorf("%s is for CSV data; %s is a .npy file (every column "
                          "of X is a feature, the labels come from a y .npy)",
                          opt, path);
    return 0;
}

int cli_load_file(const cli_args *a, const char *path, const char *y_path,
                  wlr_dataset *d, wlr_text_column *ids, char *what, size_t cap)
{
    wlr_error err;
    memset(d, 0, sizeof *d);
    if (cli_is_npy(path)) {
        if (cli_check_npy_options(a, path)) return 1;
        /* rows to score (predict) may come without labels */
        if (!y_path && !a->csv.no_label)
            return cli_errorf("%s: an X .npy file needs --labels Y.npy", path);
        if (wlr_read_npy(path, y_path, d, &err)) return cli_error(&err);
        if (y_path) snprintf(what, cap, "%s with labels %s", path, y_path);
        else snprintf(what, cap, "%s (no labels)", path);
        return 0;
    }
    if (y_path)
        return cli_errorf("--labels is for .npy data; %s is read as CSV (use "
                          "--label to pick its label column)", path);
    wlr_csv_options o = a->csv;
    if (strcmp(a->header, "yes") == 0) o.header = 1;
    else if (strcmp(a->header, "no") == 0) o.header = 0;
    else if (strcmp(a->header, "auto") == 0) o.header = -1;
    else return cli_errorf("--header: '%s' is not yes, no or auto", a->header);
    if (ids ? wlr_read_csv_ids(path, &o, d, ids, &err) : wlr_read_csv(path, &o, d, &err))
        return cli_error(&err);
    snprintf(what, cap, "%s", path);
    return 0;
}

int cli_load_data(const cli_args *a, wlr_dataset *d, char *what, size_t cap)
{
    wlr_error err;
    memset(d, 0, sizeof *d);
    if (a->n_pos > 0) return cli_load_file(a, a->pos[0], a->labels, d, NULL, what, cap);
    wlr_gen_params p;
    if (cli_gen_params(a, &p)) return 1;
    if (wlr_generate(&p, d, &err)) return cli_error(&err);
    snprintf(what, cap, "generated: make_classification(samples=%zu, "
             "features=%zu, weights=[%g, %g], flip_y=%g, class_sep=%g, "
             "seed=%u)", p.n_samples, p.n_features, p.weights[0],
             p.weights[1], p.flip_y, p.class_sep, (unsigned)p.seed);
    return 0;
}

int cli_load_split(const cli_args *a, wlr_dataset *train, wlr_dataset *test,
                   char *what, size_t cap)
{
    wlr_dataset all;
    wlr_error err;
    if (cli_load_data(a, &all, what, cap)) return 1;
    /* in place: the data is never held twice (see wlr_split_inplace) */
    wlr_status st = wlr_split_inplace(&all, a->test_size, a->split_seed,
                                      a->stratify, train, test, &err);
    wlr_dataset_free(&all);
    if (st) return cli_error(&err);
    return 0;
}

int cli_out_open(const cli_args *a, wlr__out *o)
{
    wlr_error err;
    memset(o, 0, sizeof *o);
    if (wlr__out_open(o, a->out ? a->out : "-", &err)) return cli_error(&err);
    return 0;
}

int cli_out_close(wlr__out *o, int rc)
{
    wlr_error err;
    if (rc == 0 && wlr__out_commit(o, &err)) rc = cli_error(&err);
    wlr__out_abort(o);
    return rc;
}

void cli_json_double(FILE *f, double v)
{
    char buf[40];
    if (!isfinite(v)) {
        fputs("null", f);
        return;
    }
    wlr__format_double(buf, sizeof buf, v);
    fputs(buf, f);
}

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

/* -------------------------------------------------------- wlr generate */

static const cli_opt generate_opts[] = {
    {"format", OPT_STRING, offsetof(cli_args, format), "csv|npy",
     "csv (default), or npy: X to OUT.X.npy and y to OUT.y.npy (needs -o OUT)"},
    {NULL, 0, 0, NULL, NULL}};

/* A writer's error names its FILE * argument ("f: write failed (File too
 * large)"); the user needs the file's name: "PATH: write failed (...)". */
static int write_error(const char *path, wlr_status s, const wlr_error *err)
{
    const char *what = strchr(err->message, ':');
    if (s != WLR_ERR_IO || !what) return cli_error(err);
    return cli_errorf("%s:%s", path, what + 1);
}

/* Before the first of two outputs is renamed into place, every byte of
 * both must have reached the kernel: else a disk that fills up on the
 * second file's last block leaves a new first file beside an old second.
 * Nonzero (the message in err) if o's bytes cannot be written; a write
 * error sticks to the stream, so the commit reports it with its cause. */
static int flush_failed(wlr__out *o, wlr_error *err)
{
    return (fflush(o->f) != 0 || ferror(o->f)) && wlr__out_commit(o, err) != WLR_OK;
}

/* The two files --format npy -o PREFIX writes: PREFIX.X.npy and
 * PREFIX.y.npy, malloc'd (both NULL when out of memory). */
static void npy_pair_names(const char *prefix, char **xp, char **yp)
{
    size_t n = strlen(prefix) + sizeof ".X.npy";
    *xp = malloc(n);
    *yp = malloc(n);
    if (!*xp || !*yp) {
        free(*xp);
        free(*yp);
        *xp = *yp = NULL;
        return;
    }
    snprintf(*xp, n, "%s.X.npy", prefix);
    snprintf(*yp, n, "%s.y.npy", prefix);
}

/* Writes d as the two .npy files xp (X) and yp (y), both or none. */
static int write_npy_pair(const char *xp, const char *yp, const wlr_dataset *d)
{
    wlr__out ox = {0}, oy = {0};
    wlr_error err;
    int rc = 1;
    wlr_status s;
    if (wlr__out_open(&ox, xp, &err) || wlr__out_open(&oy, yp, &err)) {
        cli_error(&err);
        goto done;
    }
    if ((s = wlr_write_npy(ox.f, NULL, d, &err)) != WLR_OK) {
        write_error(xp, s, &err);
        goto done;
    }
    if ((s = wlr_write_npy(NULL, oy.f, d, &err)) != WLR_OK) {
        write_error(yp, s, &err);
        goto done;
    }
    if (flush_failed(&ox, &err) || flush_failed(&oy, &err) ||
        wlr__out_commit(&ox, &err) || wlr__out_commit(&oy, &err)) {
        cli_error(&err);
        goto done;
    }
    rc = 0;
done:
    wlr__out_abort(&ox);
    wlr__out_abort(&oy);
    return rc;
}

int cmd_generate(int argc, char **argv)
{
    static const cli_opt *const groups[] = {generate_opts, cli_gen_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "generate";
    int rc = cli_parse(&a, argc, argv, 2, groups, 0);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr generate [OPTIONS] [-o FILE]",
                 "Generates scikit-learn's make_classification data for two "
                 "classes, row for row and bit\nfor bit, and writes it as CSV "
                 "(header x1,...,xD,y) or as .npy files. The defaults\nare the "
                 "rare-event tutorial's: 100,000 rows, 2 features, ~1 % class 1.",
                 groups);
        return 0;
    }
    int npy = strcmp(a.format, "npy") == 0;
    if (!npy && strcmp(a.format, "csv") != 0)
        return cli_errorf("--format: '%s' is not csv or npy", a.format);
    if (npy && !a.out)
        return cli_errorf("--format npy writes two files: give their prefix "
                          "with -o PREFIX");
    char *xp = NULL, *yp = NULL;
    if (npy) npy_pair_names(a.out, &xp, &yp);
    if (npy && !xp) return cli_errorf("out of memory");
    const cli_file outs[] = {{"-o", npy ? xp : a.out, NULL},
                             {"-o", yp, NULL}};
    wlr_dataset d;
    char what[256];
    if (cli_check_files(NULL, 0, outs, CLI_N_FILES(outs)) ||
        cli_load_data(&a, &d, what, sizeof what)) {
        free(xp);
        free(yp);
        return 1;
    }
    if (npy) {
        rc = write_npy_pair(xp, yp, &d);
    } else {
        wlr__out o;
        wlr_error err;
        rc = cli_out_open(&a, &o);
        wlr_status s;
        if (rc == 0 && (s = wlr_write_csv(o.f, &d, &err)) != WLR_OK)
            rc = write_error(a.out ? a.out : "<stdout>", s, &err);
        if (o.f) rc = cli_out_close(&o, rc);
    }
    wlr_dataset_free(&d);
    free(xp);
    free(yp);
    return rc;
}

/* ----------------------------------------------------------- wlr split */

static const cli_opt split_cmd_opts[] = {
    {"seed", OPT_SEED, offsetof(cli_args, split_seed), "S",
     "same as --split-seed (train_test_split's random_state, 42)"},
    {"train-out", OPT_STRING, offsetof(cli_args, train_out), "FILE",
     "where the training rows go (CSV)"},
    {"test-out", OPT_STRING, offsetof(cli_args, test_out), "FILE",
     "where the test rows go (CSV)"},
    {NULL, 0, 0, NULL, NULL}};

int cmd_split(int argc, char **argv)
{
    static const cli_opt *const groups[] = {split_cmd_opts, cli_split_opts,
                                            cli_data_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "split";
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr split DATA --train-out A --test-out B [OPTIONS]",
                 "Splits DATA as scikit-learn's train_test_split(test_size=T, "
                 "random_state=S) does:\nthe same rows in the same order. "
                 "With --stratify, each class is split in proportion.",
                 groups);
        return 0;
    }
    if (a.n_pos != 1) return cli_errorf("split needs a DATA file (see wlr split --help)");
    if (!a.train_out || !a.test_out)
        return cli_errorf("split needs --train-out FILE and --test-out FILE");
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL}};
    const cli_file outs[] = {{"--train-out", a.train_out, NULL},
                             {"--test-out", a.test_out, NULL}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;
    wlr_dataset train, test;
    char what[256];
    if (cli_load_split(&a, &train, &test, what, sizeof what)) return 1;
    wlr_error err;
    wlr__out ot = {0}, os = {0};
    rc = 0;
    /* both files or neither: write both temporaries, then rename both */
    wlr_status s;
    if (wlr__out_open(&ot, a.train_out, &err) || wlr__out_open(&os, a.test_out, &err))
        rc = cli_error(&err);
    else if ((s = wlr_write_csv(ot.f, &train, &err)) != WLR_OK)
        rc = write_error(a.train_out, s, &err);
    else if ((s = wlr_write_csv(os.f, &test, &err)) != WLR_OK)
        rc = write_error(a.test_out, s, &err);
    else if (flush_failed(&ot, &err) || flush_failed(&os, &err) ||
             wlr__out_commit(&ot, &err) || wlr__out_commit(&os, &err))
        rc = cli_error(&err);
    wlr__out_abort(&ot);
    wlr__out_abort(&os);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    return rc;
}
