/*
 * cli.c - `wlr`'s entry point: picks the command, parses options from
 * tables, prints help and errors.
 *
 * Every option of every command lives in one table entry (name, kind, where
 * it goes, help), so parsing, validation of the value's form and the help
 * text all come from the same place. Whether a value makes sense (a learning
 * rate > 0, informative <= features) is the library's to say.
 */
#include "cli.h"
#include "kernel.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(cli_args, field)

const cli_opt cli_data_opts[] = {
    {"labels", OPT_STRING, OFF(labels), "Y.npy",
     "labels for an X .npy file (1-D: ints, bools or 0/1 floats)"},
    {"label", OPT_STRING, OFF(csv.label), "NAME|INDEX",
     "CSV label column, by header name or 1-based index (default: last)"},
    {"positive", OPT_STRING, OFF(csv.positive), "VALUE",
     "CSV label value meaning class 1 (default: labels must be 0/1)"},
    {"sample-weight-col", OPT_STRING, OFF(csv.weight), "NAME|INDEX",
     "CSV column of per-row weights, multiplied into the class weights"},
    {"header", OPT_STRING, OFF(header), "yes|no|auto",
     "whether the CSV's first line is a header (default: auto)"},
    {"columns", OPT_STRING, OFF(csv.columns), "LIST",
     "CSV features to use, by name or 1-based index: a,b,3 (others ignored)"},
    {"drop", OPT_STRING, OFF(csv.drop), "LIST",
     "CSV columns to ignore (ids, text), by name or index; not with --columns"},
    {NULL, 0, 0, NULL, NULL}};

const cli_opt cli_gen_opts[] = {
    {"samples", OPT_SIZE, OFF(gen.n_samples), "N", "rows to generate (100000)"},
    {"features", OPT_SIZE, OFF(gen.n_features), "D", "features (2)"},
    {"informative", OPT_SIZE, OFF(gen.n_informative), "K",
     "informative features (2)"},
    {"redundant", OPT_SIZE, OFF(gen.n_redundant), "K",
     "redundant features: random mixes of the informative ones (0)"},
    {"repeated", OPT_SIZE, OFF(gen.n_repeated), "K",
     "features copied from informative or redundant ones (0)"},
    {"clusters-per-class", OPT_SIZE, OFF(gen.n_clusters_per_class), "K",
     "gaussian clusters per class (1)"},
    {"weights", OPT_STRING, OFF(gen_weights), "W0[,W1]",
     "class proportions (0.995,0.005); W1 = 1 - W0 if omitted"},
    {"flip-y", OPT_DOUBLE, OFF(gen.flip_y), "F",
     "share of rows whose label is redrawn at random (0.01)"},
    {"class-sep", OPT_DOUBLE, OFF(gen.class_sep), "S",
     "half the distance between cluster centres, per axis (0.5)"},
    {"seed", OPT_SEED, OFF(gen.seed), "S", "generator seed, 0..4294967295 (0)"},
    {NULL, 0, 0, NULL, NULL}};

const cli_opt cli_split_opts[] = {
    {"test-size", OPT_DOUBLE, OFF(test_size), "T",
     "share of rows held out for testing, in (0, 1) (0.2)"},
    {"split-seed", OPT_SEED, OFF(split_seed), "S",
     "seed of the train/test shuffle (42)"},
    {"stratify", OPT_FLAG, OFF(stratify), NULL,
     "split each class in proportion (not scikit-learn's exact rows)"},
    {NULL, 0, 0, NULL, NULL}};

const cli_opt cli_train_opts[] = {
    {"class-weight", OPT_STRING, OFF(class_weight), "none|balanced|W0:W1",
     "class weights c0, c1 in the loss (none; explain: balanced; "
     "experiment: a list, none,balanced,1:200)"},
    {"solver", OPT_STRING, OFF(solver), "gd|newton",
     "batched gradient descent, or the exact Newton solver (gd)"},
    {"optimizer", OPT_STRING, OFF(optimizer), "sgd|momentum|adam",
     "gradient descent's update rule (sgd)"},
    {"batch-size", OPT_SIZE, OFF(train.batch_size), "B",
     "rows per step; 0 = the whole training set (100)"},
    {"epochs", OPT_INT, OFF(train.epochs), "E",
     "passes over the data (50, or more for 20,000 steps on small data)"},
    {"lr", OPT_DOUBLE, OFF(train.lr), "R",
     "initial learning rate (0.5), over the curvature (see wlr.1)"},
    {"l2", OPT_DOUBLE, OFF(train.l2), "L",
     "L2 penalty (l2/2)|w|^2, intercept not penalised (0.0001)"},
    {"no-standardize", OPT_FLAG, OFF(no_standardize), NULL,
     "gd on the raw features (default: on standardised ones, same optimum)"},
    {"standardize", OPT_FLAG, OFF(standardize), NULL,
     "gd on standardised features (the default; kept for old scripts)"},
    {"shuffle-seed", OPT_SEED, OFF(train.shuffle_seed), "S",
     "seed of the per-epoch reshuffle (0)"},
    {"tol", OPT_DOUBLE, OFF(train.tol), "T",
     "Newton: stop when every gradient component is below T (1e-10)"},
    {"max-iter", OPT_INT, OFF(train.max_iter), "K", "Newton: most steps (100)"},
    {NULL, 0, 0, NULL, NULL}};

const cli_opt cli_eval_opts[] = {
    {"threshold", OPT_DOUBLE, OFF(threshold), "T",
     "predict class 1 iff p > T (0.5)"},
    {"digits", OPT_INT, OFF(digits), "N",
     "decimals in the classification report (2)"},
    {NULL, 0, 0, NULL, NULL}};

const cli_opt cli_output_opts[] = {
    {"json", OPT_FLAG, OFF(json), NULL, "print one JSON object instead of text"},
    {NULL, 0, 0, NULL, NULL}};

void cli_args_init(cli_args *a)
{
    memset(a, 0, sizeof *a);
    wlr_csv_defaults(&a->csv);
    wlr_gen_defaults(&a->gen);
    wlr_train_defaults(&a->train);
    a->header = "auto";
    a->format = "csv";
    a->test_size = 0.2;
    a->split_seed = 42;
    a->class_weight = "none";
    a->solver = "gd";
    a->optimizer = "sgd";
    a->threshold = 0.5;
    a->digits = 2;
}

int cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_progress_clear();
    fputs("wlr: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_error(const wlr_error *err)
{
    return cli_errorf("%s", err->message);
}

/* ------------------------------------------------------ parsing values */

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != 0 || errno == ERANGE || !isfinite(v)) return 0;
    *out = v;
    return 1;
}

/* A whole number 0..max, digits only (no sign, no spaces). */
/* A whole number in 0..max, written plainly ("10000000") or in any form of
 * a number whose value is exactly whole ("1e7", "2.5e6", "100.0"): a size
 * is a size however it is written. Not "1e-3", "2.5", "inf" or "0x10". */
static int parse_unsigned(const char *s, unsigned long long max,
                          unsigned long long *out)
{
    if (*s < '0' || *s > '9') return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end == 0) {
        if (errno == ERANGE || v > max) return 0;
        *out = v;
        return 1;
    }
    /* the float forms: exactly whole, within 2^53 (beyond, a double no
     * longer holds every whole number) */
    if (s[strspn(s, "0123456789.eE+-")] != 0) return 0;
    errno = 0;
    double d = strtod(s, &end);
    if (*end != 0 || errno == ERANGE || !(d >= 0) || d != floor(d) ||
        d > 9007199254740992.0 || d > (double)max)
        return 0;
    *out = (unsigned long long)d;
    return 1;
}

static int set_value(cli_args *a, const cli_opt *o, const char *v)
{
    void *dest = (char *)a + o->offset;
    unsigned long long u;
    double d;
    switch (o->kind) {
    case OPT_FLAG:
        *(int *)dest = 1;
        return 0;
    case OPT_STRING:
        *(const char **)dest = v;
        return 0;
    case OPT_DOUBLE:
        if (!parse_double(v, &d))
            return cli_errorf("--%s: '%s' is not a finite number", o->name, v) + 1;
        *(double *)dest = d;
        return 0;
    case OPT_SIZE:
        if (!parse_unsigned(v, SIZE_MAX, &u))
            return cli_errorf("--%s: '%s' is not a whole number >= 0", o->name,
                              v) + 1;
        *(size_t *)dest = (size_t)u;
        return 0;
    case OPT_INT: {
        int neg = v[0] == '-';
        if (!parse_unsigned(v + neg, 2147483647ULL, &u))
            return cli_errorf("--%s: '%s' is not a whole number", o->name, v) + 1;
        *(int *)dest = neg ? -(int)u : (int)u;
        return 0;
    }
    case OPT_SEED:
        if (!parse_unsigned(v, 4294967295ULL, &u))
            return cli_errorf("--%s: '%s' is not a seed in 0..4294967295",
                              o->name, v) + 1;
        *(uint32_t *)dest = (uint32_t)u;
        return 0;
    }
    return 0;
}

/* Does a command name its outputs itself (--train-out)? Then -o is not
 * one of its options. */
static int has_own_outputs(const cli_opt *const *groups)
{
    for (int g = 0; groups[g]; g++)
        for (const cli_opt *o = groups[g]; o->name; o++)
            if (strcmp(o->name, "train-out") == 0) return 1;
    return 0;
}

static const cli_opt *find_opt(const cli_opt *const *groups, const char *name,
                               size_t len)
{
    for (int g = 0; groups[g]; g++)
        for (const cli_opt *o = groups[g]; o->name; o++)
            if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
                return o;
    return NULL;
}

int cli_parse(cli_args *a, int argc, char **argv, int first,
              const cli_opt *const *groups, int max_pos)
{
    for (int i = first; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            a->help = 1;
            continue;
        }
        if ((strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0 ||
             strncmp(arg, "--output=", 9) == 0) && has_own_outputs(groups))
            return cli_errorf("%s: not an option of wlr %s, which writes "
                              "--train-out and --test-out", arg, a->command) + 1;
        if (strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) {
            if (i + 1 >= argc) return cli_errorf("%s: needs a file name", arg) + 1;
            a->out = argv[++i];
            continue;
        }
        if (strncmp(arg, "--output=", 9) == 0) {
            if (arg[9] == 0) return cli_errorf("--output: needs a file name") + 1;
            a->out = arg + 9;
            continue;
        }
        if (strncmp(arg, "--", 2) != 0 || arg[2] == 0) {
            if (arg[0] == '-' && arg[1] != 0)
                return cli_errorf("unknown option '%s' (see wlr %s --help)", arg,
                                  a->command) + 1;
            if (a->n_pos >= max_pos)
                return cli_errorf("unexpected argument '%s' (see wlr %s --help)",
                                  arg, a->command) + 1;
            a->pos[a->n_pos++] = arg;
            continue;
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const cli_opt *o = find_opt(groups, name, len);
        if (!o)
            return cli_errorf("unknown option '--%.*s' (see wlr %s --help)",
                              (int)len, name, a->command) + 1;
        const char *value = NULL;
        if (o->kind == OPT_FLAG) {
            if (eq) return cli_errorf("--%s takes no value", o->name) + 1;
        } else if (eq) {
            value = eq + 1;
        } else {
            if (i + 1 >= argc) return cli_errorf("--%s needs a value (%s)",
                                                 o->name, o->metavar) + 1;
            value = argv[++i];
        }
        int rc = set_value(a, o, value);
        if (rc) return rc;
    }
    return 0;
}

void cli_help(const char *usage, const char *what, const cli_opt *const *groups)
{
    printf("usage: %s\n\n%s\n", usage, what);
    for (int g = 0; groups[g]; g++) {
        printf("\n");
        for (const cli_opt *o = groups[g]; o->name; o++) {
            char left[64];
            snprintf(left, sizeof left, "--%s%s%s", o->name, o->metavar ? " " : "",
                     o->metavar ? o->metavar : "");
            if (strlen(left) > 26)
                printf("  %s\n  %-26s  %s\n", left, "", o->help);
            else
                printf("  %-26s  %s\n", left, o->help);
        }
    }
    /* (a command with outputs of its own names, split's --train-out and
     * --test-out, has no -o) */
    if (!has_own_outputs(groups))
        printf("\n  -o, --output FILE           write to FILE (atomically) instead "
               "of stdout");
    printf("\n  -h, --help                  this help\n"
           "\nNo output may be an input or another output (same file): refused "
           "before any work.\n");
}

/* ---------------------------------------------------------------- main */

static void usage(FILE *f)
{
    fprintf(f,
        "wlr %s - weighted logistic regression for rare-event data\n"
        "\n"
        "usage: wlr COMMAND [DATA] [OPTIONS]\n"
        "\n"
        "commands:\n"
        "  experiment  train none / balanced / 1:200 side by side (make run)\n"
        "  train       fit one model and report its test metrics\n"
        "  report      metrics of scores made by any tool (or by wlr predict)\n"
        "  generate    make scikit-learn's make_classification data, bit for bit\n"
        "  split       train_test_split a data file into two files\n"
        "  weights     balanced class weights against conversion rate (CSV)\n"
        "  predict     score a data file with a model saved by train --save\n"
        "  explain     how class weights change the gradient, step by step\n"
        "  sweep       the class-1 weight as a hyperparameter: a grid, CV and test\n"
        "\n"
        "DATA is a CSV file (header optional, label in the last column) or an\n"
        "X .npy file with --labels Y.npy. Without DATA, commands generate the\n"
        "rare-event tutorial data: 100,000 rows, 2 features, about 1 %% class 1.\n"
        "\n"
        "`wlr COMMAND --help` lists a command's options.\n",
        WLR_VERSION);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } commands[] = {
        {"generate", cmd_generate}, {"split", cmd_split},
        {"train", cmd_train},       {"report", cmd_report},
        {"experiment", cmd_experiment},
        {"weights", cmd_weights},
        {"explain", cmd_explain},
        {"predict", cmd_predict},
        {"sweep", cmd_sweep},
    };
    /* An output interrupted by ^C or kill leaves no temporary behind. */
    wlr__out_remove_temps_on_signal();
    cli_progress_start();
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "help") == 0 && argc > 2) {
        /* wlr help COMMAND is wlr COMMAND --help */
        for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
            if (strcmp(argv[2], commands[c].name) == 0) {
                char *args[] = {argv[0], argv[2], "--help", NULL};
                return commands[c].run(3, args);
            }
        cli_errorf("help: unknown command '%s' (try: wlr --help)", argv[2]);
        return 2;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        /* the version, and the fast paths: the one in use (WLR_KERNEL
         * forces one) and every one this machine runs */
        const wlr__kernel *paths[3];
        size_t n = wlr__kernels_available(paths);
        printf("wlr %s\nkernel %s (this machine runs:", WLR_VERSION,
               wlr_kernel() ? wlr_kernel() : "none: WLR_KERNEL names no path here");
        for (size_t k = 0; k < n; k++) printf(" %s", paths[k]->name);
        printf(")\n");
        return 0;
    }
    for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++)
        if (strcmp(argv[1], commands[c].name) == 0) return commands[c].run(argc, argv);
    cli_errorf("unknown command '%s' (try: wlr --help)", argv[1]);
    return 2;
}
