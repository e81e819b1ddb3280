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

typedef struct {
    const char *label;     /* label column: name or 1-based index; NULL = last */
    const char *positive;  /* the label value that means class 1 (compared as
                              text); any one other value is class 0, a third
                              value or a positive that never occurs is an
                              error. NULL = labels must be 0 and 1 */
    const char *weight;    /* per-row weight column (name or index), or NULL */
    int header;            /* 1 = first line is a header, 0 = none, -1 = guess
                              (a header iff the first line has a non-number;
                              empty cells, and the label cell when positive
                              is given, do not count) */
    int no_label;          /* 0 = the file has a label column (the default).
                              1 = it has none (new rows to score): every
                              column but the weight is a feature, y is all 0
                              and the dataset is marked unlabelled.
                              -1 = decide from the first line (wlr predict
                              passes its model's feature count): besides
                              the weight it must have expect_features
                              columns, all features, or one more, a label
                              column as with 0; any other count is an
                              error.
                              With 1 or -1, label and positive must be
                              NULL. */
    size_t expect_features; /* for no_label = -1 (at least 1) */
    char *const *expect_names; /* for no_label = -1: the expected_features
                              feature names, or NULL. With a header of one
                              column more, the one column whose name is not
                              among them is the label (if exactly one is
                              not; else the last column is). */
} wlr_csv_options;

void wlr_csv_defaults(wlr_csv_options *o);
/* path "-" reads standard input (messages name it <stdin>). A column spec
 * matches a header name first, then a 1-based index. Quoted cells, CRLF, a
 * missing final newline and blank lines are fine. */
wlr_status wlr_read_csv(const char *path, const wlr_csv_options *o,
                        wlr_dataset *out, wlr_error *err);
/* X from a 2-D C-order float64/float32 .npy; y from a 1-D .npy of integers,
 * bools or 0/1 floats. y_path NULL = no labels (rows to score): y is all 0
 * and the dataset is marked unlabelled. Messages name X's entries as
 * X[i, j], 0-based. */
wlr_status wlr_read_npy(const char *x_path, const char *y_path,
                        wlr_dataset *out, wlr_error *err);

/* Writes "x1,...,xD,y" and one line a row; every double is printed with the
 * fewest digits that strtod reads back as the same double. With per-row
 * weights the header is "x1,...,xD,weight,y" (read it back with
 * weight = "weight"). Refuses non-finite values. Unlabelled data has no y
 * column ("x1,...,xD[,weight]"; read it back with no_label = 1). */
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
