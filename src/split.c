/*
 * split.c - train/test splits, and copying chosen rows out of a dataset.
 *
 * PLAIN SPLIT: scikit-learn's train_test_split(test_size=t, random_state=s),
 * bit for bit:
 *   n_test = ceil(t * n), n_train = n - n_test,
 *   perm   = RandomState(s).permutation(n),
 *   test   = rows perm[0 .. n_test-1], train = rows perm[n_test .. n-1],
 * each part in that order.
 *
 * STRATIFIED SPLIT (wlr's own design; scikit-learn's differs):
 *   1. The part sizes are the plain split's: n_test = ceil(t * n).
 *   2. Class 1 (n_1 rows) gets t_1 = round(n_1 * n_test / n) test rows, the
 *      exact share rounded half up, computed in exact integer arithmetic;
 *      class 0 gets the rest, t_0 = n_test - t_1.
 *   3. perm = RandomState(s).permutation(n), the plain split's permutation.
 *      Walking it in order, a row of class k goes to the test part while
 *      fewer than t_k of its class are there, and to the train part after.
 *      Both parts keep the permutation's order.
 * Why this meets "each class's share within one row": the exact test share
 * of class k is q_k = n_k * n_test / n. |t_1 - q_1| <= 1/2 by rounding, and
 * t_0 - q_0 = (n_test - t_1) - (n_test - q_1) = q_1 - t_1, so class 0 is as
 * close; the train part holds n_k - t_k against an exact n_k - q_k, the same
 * error. (t_k <= n_k follows: q_k <= n_k and the error is at most 1/2.)
 * The rows each class sends to the test part are its first t_k in a uniform
 * random permutation, hence a uniform random subset; one permutation serves
 * both classes, so the split is a pure function of (data labels, t, s).
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ take rows */

/* A copy of a C string, or NULL for NULL; *ok = 0 if memory ran out. */
static char *copy_string(const char *s, int *ok)
{
    if (!s) return NULL;
    size_t len = strlen(s) + 1;
    char *c = malloc(len);
    if (!c) *ok = 0;
    else memcpy(c, s, len);
    return c;
}

/* The per-row weights, the feature, label and weight names and the
 * unlabelled mark that go with the chosen rows. */
static wlr_status take_extras(const wlr_dataset *src, const size_t *idx,
                              size_t n, wlr_dataset *out, wlr_error *err)
{
    out->unlabelled = src->unlabelled;
    if (src->weight) {
        out->weight = malloc((n + 1) * sizeof *out->weight);
        if (!out->weight) goto nomem;
        for (size_t k = 0; k < n; k++) out->weight[k] = src->weight[idx[k]];
    }
    if (src->names) {
        int ok = 1;
        out->names = calloc(src->n_features + 1, sizeof *out->names);
        if (!out->names) goto nomem;
        for (size_t j = 0; j < src->n_features; j++)
            out->names[j] = copy_string(src->names[j], &ok);
        if (!ok) goto nomem;
    }
    int ok = 1;
    out->label_name = copy_string(src->label_name, &ok);
    out->weight_name = copy_string(src->weight_name, &ok);
    if (!ok) goto nomem;
    return WLR_OK;
nomem:
    return wlr__fail(err, WLR_ERR_NOMEM, "dataset: out of memory copying "
                    "%zu rows", n);
}

wlr_status wlr_dataset_take(const wlr_dataset *src, const size_t *idx,
                            size_t n, wlr_dataset *out, wlr_error *err)
{
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < n; k++)
        if (idx[k] >= src->n_rows)
            return wlr__fail(err, WLR_ERR_ARG, "idx: idx[%zu] = %zu is not a "
                            "row of a dataset of %zu rows", k, idx[k],
                            src->n_rows);
    wlr_status st = wlr_dataset_alloc(out, n, src->n_features, err);
    if (st) return st;
    /* Column by column: each output column is one sequential stream. */
    for (size_t j = 0; j < src->n_features; j++) {
        const double *from = src->x + j * src->n_rows;
        double *to = out->x + j * n;
        for (size_t k = 0; k < n; k++) to[k] = from[idx[k]];
    }
    for (size_t k = 0; k < n; k++) out->y[k] = src->y[idx[k]];
    st = take_extras(src, idx, n, out, err);
    if (st) wlr_dataset_free(out);
    return st;
}

/* ----------------------------------------------------------- the split */

/*
 * round(a * b / c) with halves rounded up, exactly, for a, b <= c: the
 * 128-bit product (from 32-bit halves) divided by long division one bit at
 * a time. (a * b overflows 64 bits once the data has more than 2^32 rows.)
 */
static uint64_t mul_div_round(uint64_t a, uint64_t b, uint64_t c)
{
    const uint64_t low32 = 0xffffffffULL;
    uint64_t p0 = (a & low32) * (b & low32), p1 = (a & low32) * (b >> 32);
    uint64_t p2 = (a >> 32) * (b & low32), p3 = (a >> 32) * (b >> 32);
    uint64_t mid = (p0 >> 32) + (p1 & low32) + (p2 & low32);
    uint64_t lo = (p0 & low32) | (mid << 32);
    uint64_t hi = p3 + (p1 >> 32) + (p2 >> 32) + (mid >> 32);

    uint64_t q = 0, r = 0;    /* quotient <= a, so 64 bits hold it */
    for (int bit = 127; bit >= 0; bit--) {
        uint64_t next = bit >= 64 ? (hi >> (bit - 64)) & 1 : (lo >> bit) & 1;
        uint64_t carry = r >> 63;           /* r << 1 would drop this bit */
        r = (r << 1) | next;
        q <<= 1;
        if (carry || r >= c) {
            r -= c;
            q |= 1;
        }
    }
    if (r >= c - r) q++;                    /* remainder >= c/2: round up */
    return q;
}

/* The rows of each part, test first: order[0 .. n_test-1] then the train
 * rows. Stratified as described at the top of this file. */
static void stratify_order(const wlr_dataset *all, const size_t *perm,
                           size_t n_test, size_t *order)
{
    size_t counts[2];
    wlr_class_counts(all, counts);
    size_t want[2];
    want[1] = (size_t)mul_div_round(counts[1], n_test, all->n_rows);
    want[0] = n_test - want[1];
    size_t taken[2] = {0, 0}, n_in_test = 0, n_in_train = 0;
    for (size_t p = 0; p < all->n_rows; p++) {
        size_t row = perm[p];
        int k = all->y[row] != 0;
        if (taken[k] < want[k]) {
            taken[k]++;
            order[n_in_test++] = row;
        } else {
            order[n_test + n_in_train++] = row;
        }
    }
}

/* n_test = ceil(test_size * n), refusing sizes that leave a part empty. */
static wlr_status test_rows(double test_size, size_t n, size_t *n_test,
                            wlr_error *err)
{
    if (!(test_size > 0.0 && test_size < 1.0))   /* also catches NaN */
        return wlr__fail(err, WLR_ERR_ARG, "test_size: %g is not in (0, 1)",
                        test_size);
    double t = ceil(test_size * (double)n);
    if (n == 0 || t < 1.0)
        return wlr__fail(err, WLR_ERR_ARG, "test_size: %g of %zu rows leaves "
                        "the test part empty", test_size, n);
    if (t >= (double)n)
        return wlr__fail(err, WLR_ERR_ARG, "test_size: %g of %zu rows leaves "
                        "the train part empty", test_size, n);
    *n_test = (size_t)t;
    return WLR_OK;
}

wlr_status wlr_split(const wlr_dataset *all, double test_size, uint32_t seed,
                     int stratify, wlr_dataset *train, wlr_dataset *test,
                     wlr_error *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    size_t n = all->n_rows, n_test = 0;
    wlr_status st = test_rows(test_size, n, &n_test, err);
    if (st) return st;

    size_t *perm = malloc(n * sizeof *perm);
    size_t *order = stratify ? malloc(n * sizeof *order) : NULL;
    if (!perm || (stratify && !order)) {
        free(perm);
        free(order);
        return wlr__fail(err, WLR_ERR_NOMEM, "split: out of memory for the "
                        "permutation of %zu rows", n);
    }
    wlr__rng rng;
    wlr__rng_seed(&rng, seed);
    wlr__rng_permutation(&rng, perm, n);
    const size_t *rows = perm;
    if (stratify) {
        stratify_order(all, perm, n_test, order);
        rows = order;
    }

    st = wlr_dataset_take(all, rows, n_test, test, err);
    if (!st) st = wlr_dataset_take(all, rows + n_test, n - n_test, train, err);
    if (st) {
        wlr_dataset_free(train);
        wlr_dataset_free(test);
    }
    free(perm);
    free(order);
    return st;
}

/* ------------------------------------------------- the split in place */

/*
 * wlr_split_inplace: the same two parts as wlr_split, built from all's own
 * memory, for data too big to hold twice. The steps and their memory, in
 * bytes a row of data with D features (raw: 8 D + 1, and 8 more for a
 * per-row weight):
 *   1. the rows put in the permutation's order where they stand (new row k
 *      = old row perm[k]):
 *      - a plain split replays the permutation's Fisher-Yates swaps on the
 *        rows themselves (wlr__shuffle_rows, as the generator does): no
 *        index array at all;
 *      - a stratified split needs the permutation and its order, 16, and
 *        follows each cycle of the order once (the top bit of rows[k] marks
 *        the rows done);
 *   2. the first n_test rows copied out into the test part (its share of
 *      the raw data, plus 8 a test row for the indices 0..n_test-1 that
 *      wlr_dataset_take is given);
 *   3. the train rows moved down to close the gap, column by column, and the
 *      buffers shrunk: the train part owns all's memory.
 * Peak for a plain split: raw + the test part (1.2x the raw data at the
 * default test_size); a copying split holds raw + 8 a row + raw.
 */
#define DONE_MARK ((size_t)1 << (sizeof(size_t) * 8 - 1))

/* Row k of d (every column, the label and the weight) = row `from`. */
static void move_row(wlr_dataset *d, size_t k, size_t from)
{
    for (size_t j = 0; j < d->n_features; j++)
        d->x[j * d->n_rows + k] = d->x[j * d->n_rows + from];
    d->y[k] = d->y[from];
    if (d->weight) d->weight[k] = d->weight[from];
}

/* Puts d's rows in the order rows[] (new row k = old row rows[k]), in
 * place; rows[] is a permutation of 0..n-1 and is left marked. tmp holds
 * one row: D doubles. */
static void permute_rows(wlr_dataset *d, size_t *rows, double *tmp)
{
    size_t n = d->n_rows, D = d->n_features;
    for (size_t start = 0; start < n; start++) {
        if (rows[start] & DONE_MARK) continue;
        /* save row start, then pull each row of the cycle into its place */
        for (size_t j = 0; j < D; j++) tmp[j] = d->x[j * n + start];
        uint8_t ty = d->y[start];
        double tw = d->weight ? d->weight[start] : 0;
        size_t k = start;
        for (;;) {
            size_t from = rows[k];
            rows[k] |= DONE_MARK;
            if (from == start) break;
            move_row(d, k, from);
            k = from;
        }
        for (size_t j = 0; j < D; j++) d->x[j * n + k] = tmp[j];
        d->y[k] = ty;
        if (d->weight) d->weight[k] = tw;
    }
}

/* Keeps rows first .. n_rows - 1 of d, moved to the front, and shrinks the
 * buffers (a failed shrink keeps the larger buffer). */
static void drop_leading_rows(wlr_dataset *d, size_t first)
{
    size_t n = d->n_rows, keep = n - first, D = d->n_features;
    /* column j moves from j n + first to j keep: never past the start of
     * column j + 1, which has not moved yet */
    for (size_t j = 0; j < D; j++)
        memmove(d->x + j * keep, d->x + j * n + first, keep * sizeof *d->x);
    memmove(d->y, d->y + first, keep);
    if (d->weight) memmove(d->weight, d->weight + first, keep * sizeof *d->weight);
    d->n_rows = keep;
    if (keep == 0) return;
    double *x = realloc(d->x, D * keep * sizeof *x);
    if (x) d->x = x;
    uint8_t *y = realloc(d->y, keep);
    if (y) d->y = y;
    if (d->weight) {
        double *w = realloc(d->weight, keep * sizeof *w);
        if (w) d->weight = w;
    }
}

wlr_status wlr_split_inplace(wlr_dataset *all, double test_size, uint32_t seed,
                             int stratify, wlr_dataset *train,
                             wlr_dataset *test, wlr_error *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    size_t n = all->n_rows, n_test = 0;
    wlr_status st = test_rows(test_size, n, &n_test, err);
    if (st) {
        wlr_dataset_free(all);
        return st;
    }
    wlr__rng rng;
    wlr__rng_seed(&rng, seed);
    if (!stratify) {
        wlr__shuffle_rows(&rng, all);
    } else {
        size_t *perm = malloc(n * sizeof *perm);
        size_t *order = malloc(n * sizeof *order);
        double *tmp = malloc((all->n_features + 1) * sizeof *tmp);
        if (!perm || !order || !tmp) {
            free(perm);
            free(order);
            free(tmp);
            wlr_dataset_free(all);
            return wlr__fail(err, WLR_ERR_NOMEM, "split: out of memory for the "
                            "permutation of %zu rows", n);
        }
        wlr__rng_permutation(&rng, perm, n);
        stratify_order(all, perm, n_test, order);
        free(perm);
        permute_rows(all, order, tmp);
        free(order);
        free(tmp);
    }

    /* the test part: rows 0 .. n_test - 1, copied out */
    size_t *idx = malloc((n_test + 1) * sizeof *idx);
    if (!idx) {
        wlr_dataset_free(all);
        return wlr__fail(err, WLR_ERR_NOMEM, "split: out of memory for %zu "
                        "test rows", n_test);
    }
    for (size_t k = 0; k < n_test; k++) idx[k] = k;
    st = wlr_dataset_take(all, idx, n_test, test, err);
    free(idx);
    if (st) {
        wlr_dataset_free(all);
        return st;
    }
    /* the train part: the rest, in all's memory */
    drop_leading_rows(all, n_test);
    *train = *all;
    memset(all, 0, sizeof *all);
    return WLR_OK;
}
