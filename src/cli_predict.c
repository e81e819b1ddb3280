/*
 * cli_predict.c - `wlr predict`: score new rows with a model saved by
 * `wlr train --save`.
 *
 * New rows need no label column. Whether DATA has one is decided before it
 * is read: --no-label says it has none; --label, --positive or --labels say
 * it has one; otherwise the model's feature count D decides (the reader's
 * no_label = -1): D columns besides the weight are all features; D + 1 hold
 * a label: the one whose header name is not among the model's, else the
 * last. Any other count is an error.
 * An X .npy without --labels has no labels.
 *
 * The output is the input's columns (features, the per-row weight if one was
 * read, the label as y if there was one) plus `probability`,
 * p = sigma(w . x + b), printed as the shortest decimal that reads back as
 * the same double, and `predicted`, 1 iff p > the model's threshold. The
 * model and the data are checked before anything is written: a bad model
 * file, or data whose feature columns are not the model's, is an error and
 * leaves no output file.
 */
#include "cli.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(cli_args, field)

static const cli_opt predict_opts[] = {
    {"model", OPT_STRING, OFF(model), "FILE",
     "the model file written by wlr train --save (required)"},
    {"no-label", OPT_FLAG, OFF(csv.no_label), NULL,
     "DATA has no label column (default: the model's feature count decides)"},
    {NULL, 0, 0, NULL, NULL}};

/* A CSV cell: quoted when it holds a comma, a quote or a line break. */
static void put_cell(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

static void put_double(FILE *f, double v)
{
    char buf[40];
    wlr__format_double(buf, sizeof buf, v);
    fputs(buf, f);
}

static void write_predictions(FILE *f, const wlr_model_file *mf,
                              const wlr_dataset *d, const double *p)
{
    size_t D = d->n_features, n = d->n_rows;
    for (size_t j = 0; j < D; j++) {
        put_cell(f, mf->names[j]);
        fputc(',', f);
    }
    if (d->weight) fputs("weight,", f);
    if (!d->unlabelled) fputs("y,", f);
    fputs("probability,predicted\n", f);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < D; j++) {
            put_double(f, d->x[j * n + i]);
            fputc(',', f);
        }
        if (d->weight) {
            put_double(f, d->weight[i]);
            fputc(',', f);
        }
        if (!d->unlabelled) fprintf(f, "%d,", d->y[i]);
        put_double(f, p[i]);
        fprintf(f, ",%d\n", p[i] > mf->threshold);
    }
}

int cmd_predict(int argc, char **argv)
{
    static const cli_opt *const groups[] = {predict_opts, cli_data_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "predict";
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr predict --model FILE DATA [-o OUT]",
                 "Scores DATA with a model saved by `wlr train --save`: writes "
                 "DATA's columns (features,\n[weight,] [y]) plus probability "
                 "(p of class 1, to the last bit) and predicted (1 iff\np > the "
                 "model's threshold) as CSV. DATA needs no label column: with "
                 "the model's D\nfeatures, D columns (besides the weight) are "
                 "all features; D + 1 hold a label,\ncopied as y: the one "
                 "whose header name is not the model's, else the last, or\n"
                 "--label's. Its feature columns must be the model's, in "
                 "number and, with a header,\nin name. An X .npy is scored "
                 "alone or with --labels.",
                 groups);
        return 0;
    }
    if (!a.model) return cli_errorf("predict needs --model FILE (see wlr predict --help)");
    if (a.n_pos != 1) return cli_errorf("predict needs a DATA file to score");
    const char *says_label = a.labels ? "--labels" : a.csv.label ? "--label"
                           : a.csv.positive ? "--positive" : NULL;
    if (a.csv.no_label && says_label)
        return cli_errorf("--no-label: DATA has no label column, yet %s is given",
                          says_label);
    const cli_file ins[] = {{"DATA", a.pos[0], NULL}, {"--labels", a.labels, NULL},
                            {"--model", a.model, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;

    wlr_model_file mf;
    wlr_error err;
    if (wlr_model_load(a.model, &mf, &err)) return cli_error(&err);
    /* nobody said whether there is a label column: the model's count decides */
    int guessed = !a.csv.no_label && !says_label;
    if (guessed) {
        a.csv.no_label = -1;
        a.csv.expect_features = mf.model.n_features;
        a.csv.expect_names = mf.names;
    }
    wlr_dataset d;
    char what[512];
    if (cli_load_data(&a, &d, what, sizeof what)) {
        wlr_model_file_free(&mf);
        return 1;
    }
    double *p = NULL;
    wlr__out out = {0};
    if (wlr_model_check_data(&mf, &d, a.pos[0], &err)) {
        /* when the column count decided, say how it was read */
        const char *how = !guessed ? ""
                        : d.unlabelled ? "; DATA was read as features only, "
                                         "without a label column"
                        : "; DATA was read with a label column (name it with "
                          "--label)";
        rc = cli_errorf("%s (model %s)%s", err.message, a.model, how);
    } else if (!(p = malloc((d.n_rows + 1) * sizeof *p))) {
        rc = cli_errorf("out of memory for %zu rows", d.n_rows);
    } else {
        wlr_predict_proba(&mf.model, &d, p);
        rc = cli_out_open(&a, &out);
        if (rc == 0) {
            write_predictions(out.f, &mf, &d, p);
            rc = cli_out_close(&out, rc);
        }
    }
    free(p);
    wlr_dataset_free(&d);
    wlr_model_file_free(&mf);
    return rc;
}
