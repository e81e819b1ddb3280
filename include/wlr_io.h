/*
 * wlr_io.h - data in and out: scikit-learn's make_classification and train_test_split bit for bit, CSV and .npy files.
 * Part of the wlr library; see wlr.h for the model, the objective and the
 * conventions (errors as values, outputs of a failed call left empty).
 */
#ifndef WLR_IO_H
#define WLR_IO_H

#include "wlr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------- data generation (generate.c) */

/* scikit-learn's make_classification for two classes (hypercube, no shift,
 * no scale, shuffled). Defaults are the rare-event tutorial's. */
typedef struct {
    size_t n_samples;          /* 100000 */
    size_t n_features;         /* 2 */
    size_t n_informative;      /* 2 */
    size_t n_redundant;        /* 0 */
    size_t n_repeated;         /* 0 */
    size_t n_clusters_per_class; /* 1 */
    double weights[2];         /* 0.995, 0.005 (one given: second = 1 - first) */
    double flip_y;             /* 0.01 */
    double class_sep;          /* 0.5 */
    uint32_t seed;             /* 0 */
} wlr_gen_params;

void wlr_gen_defaults(wlr_gen_params *p);
/* Rejects what scikit-learn rejects and what makes no sense. */
wlr_status wlr_gen_check(const wlr_gen_params *p, wlr_error *err);
wlr_status wlr_generate(const wlr_gen_params *p, wlr_dataset *out,
                        wlr_error *err);

/* ------------------------------------------------- splitting (split.c) */

/*
 * train_test_split(test_size, random_state=seed) exactly: n_test =
 * ceil(test_size * n); perm = RandomState(seed).permutation(n); the test rows
 * are perm[0 .. n_test-1] and the train rows the rest, in that order.
 * With stratify != 0, each class is split on its own (see split.c) so that
 * each part holds each class's share to within one row.
 */
wlr_status wlr_split(const wlr_dataset *all, double test_size, uint32_t seed,
                     int stratify, wlr_dataset *train, wlr_dataset *test,
                     wlr_error *err);
/* wlr_split's train and test parts, bit for bit, built in all's own memory
 * for data too big to hold twice: all is consumed (zeroed; its buffers
 * become train's) whether or not the call succeeds, so on failure free
 * nothing but what is returned (nothing). Peak memory is the data plus 8
 * bytes a row (16 stratified) instead of twice the data plus 8. */
wlr_status wlr_split_inplace(wlr_dataset *all, double test_size, uint32_t seed,
                             int stratify, wlr_dataset *train,
                             wlr_dataset *test, wlr_error *err);
/* The rows of `src` listed in idx[0..n-1], in that order. */
wlr_status wlr_dataset_take(const wlr_dataset *src, const size_t *idx,
                            size_t n, wlr_dataset *out, wlr_error *err);

/* --------------------- reading and writing (csv.c, npy.c, out.c) */

/*
 * Which column is what. A column is named by its header name or its 1-based
 * index (a header name first); a list is comma-separated ("age,3,income";
 * a name holding a comma is given by its index). Every column is the label,
 * the per-row weight, the id (text carried along), a feature, or ignored:
 * with `columns` the features are the columns listed, in that order, and
 * every other column is ignored; with `drop` the columns listed are ignored
 * and every other one is a feature. In a file with a header, every column
 * that is not ignored needs a name of its own (an empty or repeated name is
 * refused: drop that column or rename it), and a name given to find a
 * column must name one column only.
 */
typedef struct {
    const char *label;     /* label column: name or index; NULL = the last
                              column that is not dropped, listed in
                              columns, or the id */
    const char *positive;  /* the label value that means class 1 (compared as
                              text); any one other value is class 0, a third
                              value or a positive that never occurs is an
                              error. NULL = labels must be 0 and 1 */
    int allow_no_positive; /* 1 = a file where positive never occurs is fine
                              (every row is class 0): wlr predict, which
                              has its positive from the model */
    const char *weight;    /* per-row weight column (name or index), or NULL */
    const char *id;        /* a column kept as text, not a feature (row ids:
                              see wlr_read_csv_ids), or NULL */
    const char *columns;   /* the feature columns, in this order, or NULL */
    const char *drop;      /* columns to ignore, or NULL; not with columns */
    int header;            /* 1 = first line is a header, 0 = none, -1 = guess
                              (a header iff the first line has a non-number
                              in a column read as numbers, or a name given
                              in any option; empty cells, and the label cell
                              when positive is given, do not count) */
    int no_label;          /* 0 = the file has a label column (the default).
                              1 = it has none (new rows to score): y is all
                              0 and the dataset is marked unlabelled.
                              -1 = decide from the first line (wlr predict
                              passes its model's features): when the
                              features are found by name (expect_names and
                              a header, or columns), the label is the column
                              named expect_label if the file has one, and
                              there is none otherwise; else the columns left
                              (not the weight, id or dropped) must be
                              expect_features, all features, or one more,
                              the last of them the label; any other count is
                              an error.
                              With 1 or -1, label must be NULL; with 1,
                              positive too. */
    size_t expect_features; /* for no_label = -1 (at least 1), and the count
                              of expect_names */
    char *const *expect_names; /* the expected feature names, or NULL: in a
                              file with a header and without columns, the
                              features are the columns of these names, in
                              this order, wherever they stand, and every
                              other column (not the label, weight or id) is
                              ignored */
    const char *expect_label; /* with the features found by name and no
                              label given: the label column's name, or NULL.
                              With no_label = 0 and no such column, the
                              label is found as without it */
} wlr_csv_options;

/* A column read as text, cell by cell (wlr_csv_options.id). */
typedef struct {
    char *name;    /* its header name, or NULL without a header */
    size_t n;      /* cells: one per row read */
    char **cell;   /* cell[i]: row i's text, unquoted, surrounding blanks
                      trimmed (as every cell is read) */
    char *text;    /* where the cells' bytes live (cell[] points in) */
} wlr_text_column;

/* Longest line wlr_read_csv reads: room for a row of WLR_CSV_MAX_COLUMNS
 * numbers with 17 significant digits (at most 24 characters and a comma:
 * 25 MB), so that every file within the column bound fits. A longer line
 * is not a row (a binary or one-line file), and holding it would take
 * memory without bound. */
#define WLR_CSV_MAX_LINE ((size_t)32 << 20)
/* Most columns wlr_read_csv reads: a row of a million doubles is 8 MB, far
 * beyond the data this trainer is for; the bound keeps a malformed first
 * line from costing memory per column. */
#define WLR_CSV_MAX_COLUMNS 1000000

void wlr_csv_defaults(wlr_csv_options *o);
/* path "-" reads standard input (messages name it <stdin>). Quoted cells,
 * CRLF, a missing final newline and blank lines are fine; a NUL byte, a
 * line over WLR_CSV_MAX_LINE bytes or a file over WLR_CSV_MAX_COLUMNS
 * columns is an error as soon as it is read. A cell that should be a number
 * and is not is an error naming its line, column and text. The id column,
 * if any, is read past. */
wlr_status wlr_read_csv(const char *path, const wlr_csv_options *o,
                        wlr_dataset *out, wlr_error *err);
/* wlr_read_csv, and the id column o->id (which must be given) as text into
 * *ids; on failure *ids is left empty. */
wlr_status wlr_read_csv_ids(const char *path, const wlr_csv_options *o,
                            wlr_dataset *out, wlr_text_column *ids,
                            wlr_error *err);
void wlr_text_column_free(wlr_text_column *c);
/* X from a 2-D C-order float64/float32 .npy; y from a 1-D .npy of integers,
 * bools or 0/1 floats. y_path NULL = no labels (rows to score): y is all 0
 * and the dataset is marked unlabelled. Messages name X's entries as
 * X[i, j], 0-based. */
wlr_status wlr_read_npy(const char *x_path, const char *y_path,
                        wlr_dataset *out, wlr_error *err);

/* Writes "x1,...,xD,y" and one line a row; every double is printed with the
 * fewest digits that strtod reads back as the same double. The header holds
 * d's names: the feature names (x1..xD without them), then with per-row
 * weights d->weight_name ("weight" without it), then d->label_name ("y");
 * two columns of the same name are refused. Refuses non-finite values.
 * Unlabelled data has no y column ("x1,...,xD[,weight]"; read it back with
 * no_label = 1). */
wlr_status wlr_write_csv(FILE *f, const wlr_dataset *d, wlr_error *err);
/* X as '<f8' (rows, features), y as '<i8' (numpy's default integer, as
 * scikit-learn returns it). Either FILE may be NULL to skip that file.
 * Weights and names are not written. Unlabelled data has no y to write:
 * fy must then be NULL. */
wlr_status wlr_write_npy(FILE *fx, FILE *fy, const wlr_dataset *d,
                         wlr_error *err);

#ifdef __cplusplus
}
#endif
#endif /* WLR_IO_H */
