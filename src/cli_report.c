/*
 * cli_report.c - `wlr report`: the metrics of scores made by another tool,
 * or by `wlr predict`.
 *
 * FILE is a CSV with a label column, a score column and, with
 * --sample-weight-col, a column of row weights; other columns are read (as
 * numbers) and ignored, so predict's own output (features, [weight,] [y,]
 * probability, predicted) reports as it is. Which column is which:
 *   label:  --label, else the column named "y", else "label", else the first;
 *   score:  --score-col, else the column named "probability", else "score",
 *           else the one column left besides the label (and the weight).
 * Names are exact and case-sensitive; a NAME|INDEX option matches a header
 * name first, then a 1-based column number, as the CSV reader does. The
 * label's default needs the header before the file is read: it is looked
 * up on a regular file's first line; standard input is read once, so there
 * the label is the first column unless --label says otherwise.
 *
 * What is reported depends on the scores: ROC AUC and average precision
 * rank any finite scores; the metrics at a threshold need probabilities (all
 * scores in [0, 1], then the threshold defaults to 0.5) or an explicit
 * --threshold; the log loss needs probabilities. What is left out is said,
 * with why (cli_print_metrics_shown).
 */
#include "cli.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFF(field) offsetof(cli_args, field)

/* The data options of report: the shared ones' meaning, report's defaults. */
static const cli_opt report_data_opts[] = {
    {"label", OPT_STRING, OFF(csv.label), "NAME|INDEX",
     "label column (default: y, else label, else the first)"},
    {"score-col", OPT_STRING, OFF(score_col), "NAME|INDEX",
     "score column (default: probability, else score, else the one left)"},
    {"sample-weight-col", OPT_STRING, OFF(csv.weight), "NAME|INDEX",
     "row weights (> 0) weighing every metric, as sample_weight"},
    {"columns", OPT_STRING, OFF(csv.columns), "LIST",
     "the columns to read besides the label and weight (default: the score's)"},
    {"drop", OPT_STRING, OFF(csv.drop), "LIST",
     "columns not to read (ids, text)"},
    {"positive", OPT_STRING, OFF(csv.positive), "VALUE",
     "label value meaning class 1 (default: labels must be 0/1)"},
    {"header", OPT_STRING, OFF(header), "yes|no|auto",
     "whether the first line is a header (default: auto)"},
    {"labels", OPT_STRING, OFF(labels), "Y.npy",
     "labels for an X .npy file whose columns are scores"},
    {NULL, 0, 0, NULL, NULL}};

/* The names the defaults look for, in order of preference. */
static const char *const label_names[] = {"y", "label", NULL};
static const char *const score_names[] = {"probability", "score", NULL};

/* ------------------------------------------------- the header line */

/* The cells of a CSV file's first non-blank line, as the reader sees them
 * (spaces and tabs around a cell dropped, quotes removed, "" as one quote),
 * or none for standard input, a file that cannot be read (the reader will
 * say why) and --header no. */
typedef struct {
    size_t n;
    char **cell;
} header_line;

static void header_free(header_line *h)
{
    for (size_t i = 0; i < h->n; i++) free(h->cell[i]);
    free(h->cell);
    memset(h, 0, sizeof *h);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The cell starting at *p, into a new string (NULL: out of memory); *p
 * moves past it and its comma, *more says whether there was a comma. */
static char *next_cell(const char **p, int *more)
{
    const char *s = *p;
    while (is_space(*s)) s++;
    char *out = malloc(strlen(s) + 1);
    size_t len = 0;
    if (!out) return NULL;
    if (*s == '"') {
        for (s++; *s && !(*s == '"' && s[1] != '"'); s++) {
            if (*s == '"') s++;            /* "" is one quote */
            out[len++] = *s;
        }
        while (*s && *s != ',') s++;       /* the closing quote, spaces */
    } else {
        while (*s && *s != ',') out[len++] = *s++;
        while (len > 0 && is_space(out[len - 1])) len--;
    }
    out[len] = '\0';
    *more = *s == ',';
    *p = *more ? s + 1 : s;
    return out;
}

/* The cells of the line s into h (as many as memory allows). */
static void split_header(const char *s, header_line *h)
{
    size_t n = 1;
    for (const char *q = s; *q; q++) n += *q == ',';
    h->cell = calloc(n, sizeof *h->cell);
    int more = h->cell != NULL;
    while (more && h->n < n) {
        char *cell = next_cell(&s, &more);
        if (!cell) break;
        h->cell[h->n++] = cell;
    }
}

static void read_header(const cli_args *a, const char *path, header_line *h)
{
    memset(h, 0, sizeof *h);
    if (strcmp(path, "-") == 0 || strcmp(a->header, "no") == 0) return;
    FILE *f = fopen(path, "rb");
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    for (int first = 1; getline(&line, &cap, f) >= 0; first = 0) {
        char *s = line;
        if (first && memcmp(s, "\xef\xbb\xbf", 3) == 0) s += 3;   /* BOM */
        s[strcspn(s, "\r\n")] = '\0';
        if (s[strspn(s, " \t")] == '\0') continue;               /* blank */
        split_header(s, h);
        break;
    }
    free(line);
    fclose(f);
}

/* The 0-based column named `name` in the header, or -1. */
static long header_find(const header_line *h, const char *name)
{
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->cell[i], name) == 0) return (long)i;
    return -1;
}

/* A spec of digits only: a 1-based column number. */
static int is_index(const char *spec)
{
    return spec[0] && strspn(spec, "0123456789") == strlen(spec);
}

/* The 0-based column of a NAME|INDEX spec: a header name first, then a
 * number; -1 if unknown (no header to look in). */
static long spec_column(const header_line *h, const char *spec)
{
    long k = header_find(h, spec);
    if (k >= 0) return k;
    if (is_index(spec)) return strtol(spec, NULL, 10) - 1;
    return -1;
}

/* ------------------------------------------------------- the columns */

/* --score-col given as a column number of the file: the feature it is
 * (features are every column but the label and the weight, in order). */
static int score_by_number(const cli_args *a, const char *path,
                           const header_line *h, const wlr_dataset *d,
                           long *j)
{
    long c = strtol(a->score_col, NULL, 10) - 1, D = (long)d->n_features;
    if (a->labels) {                           /* .npy: X's own columns */
        if (c < 0 || c >= D)
            return cli_errorf("--score-col: column %s is out of range (%s has "
                              "%ld columns)", a->score_col, path, D);
        *j = c;
        return 0;
    }
    long label = spec_column(h, a->csv.label);
    long weight = a->csv.weight ? spec_column(h, a->csv.weight) : -2;
    if (label == -1 || weight == -1)
        return cli_errorf("--score-col: column %s cannot be placed: the label "
                          "or weight column is given by name and %s's header "
                          "is read only once; name the score column",
                          a->score_col, path);
    long n_cols = D + 1 + (weight >= 0);
    if (c < 0 || c >= n_cols)
        return cli_errorf("--score-col: column %s is out of range (%s has %ld "
                          "columns)", a->score_col, path, n_cols);
    if (c == label || c == weight)
        return cli_errorf("--score-col: column %s is the %s column",
                          a->score_col, c == label ? "label" : "weight");
    *j = c - (label < c) - (weight >= 0 && weight < c);
    return 0;
}

/* The feature of d named `name`, or -1. */
static long feature_named(const wlr_dataset *d, const char *name)
{
    for (size_t j = 0; d->names && j < d->n_features; j++)
        if (d->names[j] && strcmp(d->names[j], name) == 0) return (long)j;
    return -1;
}

/* The score column among d's features, into *j: --score-col (a name first,
 * then a column number), else a feature named probability, else score,
 * else the only feature. Returns the exit status. */
static int score_column(const cli_args *a, const char *path,
                        const header_line *h, const wlr_dataset *d, long *j)
{
    const char *spec = a->score_col;
    if (spec) {
        if ((*j = feature_named(d, spec)) >= 0) return 0;
        if (is_index(spec)) return score_by_number(a, path, h, d, j);
        return cli_errorf("%s:1: no column named \"%s\" for the score%s", path,
                          spec, d->names ? "" : " (the file has no header)");
    }
    for (int k = 0; score_names[k]; k++)
        if ((*j = feature_named(d, score_names[k])) >= 0) return 0;
    *j = 0;
    if (d->n_features == 1) return 0;
    return cli_errorf("%s:1: %zu columns besides the label%s, none named "
                      "probability or score; name the score column with "
                      "--score-col", path, d->n_features,
                      d->weight ? " and the weight" : "");
}

/* --label's default: a column named y, else label, else the first. */
static const char *default_label(const header_line *h)
{
    for (int k = 0; label_names[k]; k++)
        if (header_find(h, label_names[k]) >= 0) return label_names[k];
    return "1";
}

/* How the report names the score column: by its header name, else as
 * --score-col gave it, else as the one column left. */
static const char *score_text(char *buf, size_t cap, const cli_args *a,
                              const wlr_dataset *d, long j)
{
    if (d->names && d->names[j]) snprintf(buf, cap, "%s", d->names[j]);
    else if (a->score_col) snprintf(buf, cap, "column %s", a->score_col);
    else snprintf(buf, cap, "the one column left");
    return buf;
}

/* ---------------------------------------------------------- wlr report */

static void help(const cli_opt *const *groups)
{
    cli_help("wlr report FILE [OPTIONS]",
             "Metrics of scores made by any tool, wlr predict's output "
             "included. FILE is a CSV\nof labels and scores; other columns "
             "are ignored. The label is the column named\ny, else label, "
             "else the first (--label); the score the column named\n"
             "probability, else score, else the one column left "
             "(--score-col); names are\nexact (standard input, read once, "
             "takes the first column as the label). Row\nweights "
             "(--sample-weight-col) weigh every metric as scikit-learn's "
             "sample_weight.\nROC AUC and average precision rank any finite "
             "scores; the metrics at a\nthreshold need probabilities (all "
             "scores in [0, 1]; threshold 0.5) or --threshold,\nlog loss "
             "needs probabilities. 95 % intervals: Wilson's for minority "
             "recall and\nprecision, DeLong's for ROC AUC; none with weights. "
             "What is left out is said.",
             groups);
}

/* The options that make sense together, before any work. */
static int check_options(const cli_args *a)
{
    cli_args eval = *a;
    eval.threshold = 0.5;   /* report takes any finite threshold */
    if (cli_check_eval(&eval)) return 1;
    if (a->n_pos != 1)
        return cli_errorf("report needs a FILE of labels and scores (see wlr "
                          "report --help)");
    if (a->labels && a->csv.weight)
        return cli_errorf("--sample-weight-col: %s is an X .npy file, which "
                          "has no weight column", a->pos[0]);
    if (a->labels && a->score_col && !is_index(a->score_col))
        return cli_errorf("--score-col: %s is an X .npy file, whose columns "
                          "have no names; give a column number", a->pos[0]);
    return 0;
}

int cmd_report(int argc, char **argv)
{
    static const cli_opt *const groups[] = {report_data_opts, cli_eval_opts,
                                            cli_output_opts, NULL};
    cli_args a;
    cli_args_init(&a);
    a.command = "report";
    a.threshold = NAN;      /* stays NaN unless --threshold is given */
    int rc = cli_parse(&a, argc, argv, 2, groups, 1);
    if (rc) return rc;
    if (a.help) {
        help(groups);
        return 0;
    }
    if (check_options(&a)) return 1;
    const cli_file ins[] = {{"FILE", a.pos[0], NULL}, {"--labels", a.labels, NULL}};
    const cli_file outs[] = {{"-o", a.out, NULL}};
    if (cli_check_files(ins, CLI_N_FILES(ins), outs, CLI_N_FILES(outs))) return 1;
    int threshold_given = !isnan(a.threshold);
    if (!threshold_given) a.threshold = 0.5;

    header_line h = {0, NULL};
    int label_given = a.csv.label != NULL;
    if (!a.labels) {                      /* a CSV, not an X .npy */
        read_header(&a, a.pos[0], &h);
        if (!label_given) a.csv.label = default_label(&h);
        /* with a header, read the score column alone (besides the label
         * and weight): the other columns, ids and text among them, are not
         * needed and need not be numbers */
        if (!a.csv.columns && !a.csv.drop && h.n > 0) {
            if (a.score_col && header_find(&h, a.score_col) >= 0)
                a.csv.columns = a.score_col;
            for (int k = 0; !a.score_col && !a.csv.columns && score_names[k]; k++)
                if (header_find(&h, score_names[k]) >= 0) a.csv.columns = score_names[k];
        }
    }
    wlr_dataset d;
    char what[512];
    if (cli_load_data(&a, &d, what, sizeof what)) {
        if (strcmp(a.pos[0], "-") == 0 && !label_given)
            cli_errorf("(standard input is read once, so its first column "
                       "is taken as the label: name the label column with "
                       "--label)");
        header_free(&h);
        return 1;
    }
    /* the reader found no header: the first line's cells were data */
    if (!d.names) header_free(&h);
    long j = 0;
    rc = score_column(&a, a.pos[0], &h, &d, &j);
    header_free(&h);
    wlr__out out = {0};
    wlr_metrics m;
    wlr_error err;
    if (!rc && wlr_evaluate_weighted(d.y, d.x + (size_t)j * d.n_rows, d.weight,
                                     d.n_rows, a.threshold, &m, &err))
        rc = cli_errorf("%s: %s", a.pos[0], err.message);
    if (!rc) rc = cli_out_open(&a, &out);
    if (!rc) {
        int at_threshold = m.probabilities || threshold_given;
        if (a.json) {
            cli_json_metrics_shown(out.f, &m, at_threshold);
            fputc('\n', out.f);
        } else {
            char score[300];
            fprintf(out.f, "data     %s: %zu rows", what, d.n_rows);
            if (!a.labels) fprintf(out.f, "; label %s", a.csv.label);
            fprintf(out.f, ", score %s",
                    score_text(score, sizeof score, &a, &d, j));
            if (a.csv.weight) fprintf(out.f, ", weight %s", a.csv.weight);
            fputs("\n\n", out.f);
            cli_print_metrics_shown(out.f, &m, a.digits, at_threshold);
        }
        rc = cli_out_close(&out, rc);
    }
    wlr_dataset_free(&d);
    return rc;
}
