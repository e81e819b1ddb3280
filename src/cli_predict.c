/*
 * cli_predict.c - `wlr predict`: score new rows with a model saved by
 * `wlr train --save`.
 *
 * Which columns are the features: in a CSV file with a header, the columns
 * named as the model's features, wherever they stand; every other column is
 * ignored, except the label (the column named as the model's label, or
 * --label's), the per-row weight (--sample-weight-col) and the id
 * (--id-col). Without a header the model's feature count D decides (the
 * reader's no_label = -1): D columns (besides the weight, id and dropped
 * ones) are all features, D + 1 hold a label, the last; any other count is
 * an error. --no-label says DATA has no label column, --label which one it
 * is. Labels are read as training read them: with the model's positive
 * value, if it had one (or --positive's), and a file without any positive
 * row is fine.
 * An X .npy without --labels has no labels.
 *
 * The output is the id column (verbatim), the features, the per-row weight
 * if one was read, the label as 0/1 if there was one, then `probability`,
 * p = sigma(w . x + b), printed as the shortest decimal that reads back as
 * the same double, and `predicted`, 1 iff p > the threshold (the model's, or
 * --threshold). A model trained with --calibrate prior predicts with its
 * corrected intercept, which its file keeps as "intercept" (the trained
 * one as "intercept_uncalibrated", checked against it when the file is
 * read), so its probabilities are the corrected model's with nothing to
 * apply here. The model and the data are checked before anything is
 * written: a bad model file, or data without the model's features, is an
 * error and leaves no output file.
 */
#include "cli.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(cli_args, field)

static const cli_opt predict_opts[] = {
    {"model", OPT_STRING, OFF(model), "FILE",
     "the model file written by wlr train --save (required)"},
    {"no-label", OPT_FLAG, OFF(csv.no_label), NULL,
     "DATA has no label column (default: found by the model's label name)"},
    {"id-col", OPT_STRING, OFF(csv.id), "NAME|INDEX",
     "CSV column copied verbatim to the output's first column (row ids)"},
    {"threshold", OPT_DOUBLE, OFF(threshold), "T",
     "predict class 1 iff p > T, T in [0, 1] (default: the model's)"},
    {NULL, 0, 0, NULL, NULL}};

/* The output's names for what follows the features. */
static const char *const tail_names[] = {"probability", "predicted"};

/* The output header's cells before probability and predicted. */
static size_t head_names(const wlr_model_file *mf, const wlr_dataset *d,
                         const wlr_text_column *ids, const char **out)
{
    size_t k = 0;
    if (ids->cell) out[k++] = ids->name ? ids->name : "id";
    for (size_t j = 0; j < d->n_features; j++) out[k++] = mf->names[j];
    if (d->weight) out[k++] = d->weight_name ? d->weight_name : "weight";
    if (!d->unlabelled) out[k++] = d->label_name ? d->label_name : "y";
    return k;
}

/* No input column may be called what the output adds. */
static int check_output_names(const char *const *head, size_t n, const char *path)
{
    for (size_t k = 0; k < n; k++)
        for (size_t t = 0; t < 2; t++)
            if (strcmp(head[k], tail_names[t]) == 0)
                return cli_errorf("%s:1: a column is named '%s', as an output "
                                  "column of predict is; rename it", path,
                                  tail_names[t]);
    return 0;
}

static void write_predictions(FILE *f, const char *const *head, size_t n_head,
                              const wlr_dataset *d, const wlr_text_column *ids,
                              const double *p, double threshold)
{
    size_t D = d->n_features, n = d->n_rows;
    for (size_t c = 0; c < n_head; c++) {
        wlr__put_csv_cell(f, head[c]);
        fputc(',', f);
    }
    fprintf(f, "%s,%s\n", tail_names[0], tail_names[1]);
    for (size_t i = 0; i < n; i++) {
        if (ids->cell) {
            wlr__put_csv_cell(f, ids->cell[i]);
            fputc(',', f);
        }
        for (size_t j = 0; j < D; j++) {
            wlr__put_double(f, d->x[j * n + i]);
            fputc(',', f);
        }
        if (d->weight) {
            wlr__put_double(f, d->weight[i]);
            fputc(',', f);
        }
        if (!d->unlabelled) fprintf(f, "%d,", d->y[i]);
        wlr__put_double(f, p[i]);
        fprintf(f, ",%d\n", p[i] > threshold);
    }
}

/* How DATA is to be read against the model: its features by name, its
 * label by name and as training read it (the positive value), or, without
 * a header, by the model's feature count. Only for CSV: a .npy file has no
 * names, and refuses the CSV options. */
static void read_as_model(cli_args *a, const wlr_model_file *mf, int guessed)
{
    a->csv.expect_features = mf->model.n_features;
    a->csv.expect_names = mf->names;
    a->csv.expect_label = mf->label;
    if (a->csv.no_label != 1 && !a->csv.positive) a->csv.positive = mf->positive;
    a->csv.allow_no_positive = 1; /* new rows may all be class 0 */
    if (guessed) a->csv.no_label = -1;
}

int cmd_predict(int argc, char **argv)
{
    static const cli_opt *const groups[] = {predict_opts, cli_data_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "predict";
    a.threshold = NAN; /* not given: the model's */
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        cli_help("wlr predict --model FILE DATA [-o OUT]",
                 "Scores DATA with a model saved by `wlr train --save`: writes "
                 "DATA's id column (with\n--id-col), the model's features, "
                 "[weight,] [label,] probability (p of class 1, to the\nlast "
                 "bit) and predicted (1 iff p > the threshold) as CSV. With a "
                 "header, DATA's\ncolumns are matched to the model's features "
                 "by name, in any order; other columns\nare ignored, but the "
                 "label (the model's label name, or --label), copied as 0/1.\n"
                 "Without a header, with the model's D features, D columns "
                 "(besides the weight) are\nall features; D + 1 hold a label, "
                 "the last. An X .npy is scored alone or with --labels.\n"
                 "A model saved by train --calibrate prior gives its corrected "
                 "probabilities.",
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
    if (!isnan(a.threshold) && !(a.threshold >= 0 && a.threshold <= 1))
        return cli_errorf("--threshold: %g is not in [0, 1]", a.threshold);

    wlr_model_file mf;
    wlr_error err;
    if (wlr_model_load(a.model, &mf, &err)) return cli_error(&err);
    double threshold = isnan(a.threshold) ? mf.threshold : a.threshold;
    /* nobody said whether there is a label column: the model decides */
    int guessed = !a.csv.no_label && !says_label;
    if (!cli_is_npy(a.pos[0])) read_as_model(&a, &mf, guessed);
    else if (guessed) a.csv.no_label = a.labels == NULL;
    wlr_dataset d;
    wlr_text_column ids = {0};
    char what[512];
    if (cli_load_file(&a, a.pos[0], a.labels, &d, a.csv.id ? &ids : NULL, what,
                      sizeof what)) {
        wlr_model_file_free(&mf);
        return 1;
    }
    double *p = NULL;
    const char **head = NULL; /* the output's header before tail_names */
    wlr__out out = {0};
    if (wlr_model_check_data(&mf, &d, a.pos[0], &err)) {
        rc = cli_errorf("%s (model %s)", err.message, a.model);
    } else if (!(head = malloc((d.n_features + 4) * sizeof *head)) ||
               !(p = malloc((d.n_rows + 1) * sizeof *p))) {
        rc = cli_errorf("out of memory for %zu rows", d.n_rows);
    } else {
        size_t n_head = head_names(&mf, &d, &ids, head);
        rc = check_output_names(head, n_head, a.pos[0]);
        if (rc == 0) {
            wlr_predict_proba(&mf.model, &d, p);
            rc = cli_out_open(&a, &out);
        }
        if (rc == 0) {
            write_predictions(out.f, head, n_head, &d, &ids, p, threshold);
            rc = cli_out_close(&out, rc);
        }
    }
    free(head);
    free(p);
    wlr_text_column_free(&ids);
    wlr_dataset_free(&d);
    wlr_model_file_free(&mf);
    return rc;
}
