/*
 * cv.c - stratified K-fold cross-validation folds.
 *
 * To estimate how much a test metric varies from one sample to another, the
 * training rows are cut into K folds; each fold in turn is held out for
 * testing while the model trains on the other K - 1. With rare events a fold
 * must not end up without class 1 rows, so each class is dealt out to the
 * folds on its own, like cards: shuffle (numpy's RandomState permutation,
 * from the seed), then walk the shuffled rows and give the m-th row of class
 * 0 to fold m mod K and the m-th row of class 1 to fold (n0 + m) mod K. The
 * offset n0 starts class 1 where class 0 stopped, so the folds' sizes also
 * differ by at most one row.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

void wlr_folds_free(wlr_folds *f)
{
    free(f->index);
    free(f->start);
    memset(f, 0, sizeof *f);
}

wlr_status wlr_folds_make(const uint8_t *y, size_t n, size_t k, uint32_t seed,
                          wlr_folds *f, wlr_error *err)
{
    memset(f, 0, sizeof *f);
    if (k < 2) return wlr__fail(err, WLR_ERR_ARG, "k: %zu folds; need at least 2", k);
    size_t count[2] = {0, 0};
    for (size_t i = 0; i < n; i++) {
        if (y[i] > 1)
            return wlr__fail(err, WLR_ERR_ARG, "y: row %zu's label is %u, not 0 "
                            "or 1", i, (unsigned)y[i]);
        count[y[i]]++;
    }
    for (int c = 0; c < 2; c++)
        if (count[c] < k)
            return wlr__fail(err, WLR_ERR_ARG, "k: %zu folds need at least %zu "
                            "rows of each class; class %d has %zu", k, k, c,
                            count[c]);

    size_t *perm = malloc(n * sizeof *perm);
    size_t *fold_of = malloc(n * sizeof *fold_of);
    f->index = malloc(n * sizeof *f->index);
    f->start = calloc(k + 1, sizeof *f->start);
    if (!perm || !fold_of || !f->index || !f->start) {
        free(perm);
        free(fold_of);
        wlr_folds_free(f);
        return wlr__fail(err, WLR_ERR_NOMEM, "folds: out of memory for %zu rows", n);
    }
    f->k = k;
    f->n = n;
    wlr__rng rng;
    wlr__rng_seed(&rng, seed);
    wlr__rng_permutation(&rng, perm, n);

    /* deal each class out in turn; count each fold's rows */
    size_t dealt[2] = {0, count[0] % k};
    for (size_t p = 0; p < n; p++) {
        size_t row = perm[p];
        int c = y[row];
        size_t fold = dealt[c]++ % k;
        fold_of[row] = fold;
        f->start[fold + 1]++;
    }
    for (size_t j = 0; j < k; j++) f->start[j + 1] += f->start[j];
    /* rows in ascending order within each fold */
    size_t *next = perm;            /* reused: the next free slot per fold */
    memcpy(next, f->start, k * sizeof *next);
    for (size_t i = 0; i < n; i++) f->index[next[fold_of[i]]++] = i;
    free(perm);
    free(fold_of);
    return WLR_OK;
}

wlr_status wlr_folds_split(const wlr_folds *f, size_t fold,
                           const wlr_dataset *d, wlr_dataset *train,
                           wlr_dataset *test, wlr_error *err)
{
    memset(train, 0, sizeof *train);
    memset(test, 0, sizeof *test);
    if (fold >= f->k)
        return wlr__fail(err, WLR_ERR_ARG, "fold: %zu is not below k = %zu", fold,
                        f->k);
    if (d->n_rows != f->n)
        return wlr__fail(err, WLR_ERR_ARG, "d: %zu rows, the folds cover %zu",
                        d->n_rows, f->n);
    const size_t *held = f->index + f->start[fold];
    size_t n_test = f->start[fold + 1] - f->start[fold];
    size_t *rest = malloc((f->n - n_test + 1) * sizeof *rest);
    if (!rest) return wlr__fail(err, WLR_ERR_NOMEM, "folds: out of memory");
    size_t n_train = 0;
    for (size_t j = 0; j < f->k; j++)
        if (j != fold)
            for (size_t p = f->start[j]; p < f->start[j + 1]; p++)
                rest[n_train++] = f->index[p];
    wlr_status st = wlr_dataset_take(d, held, n_test, test, err);
    if (!st) st = wlr_dataset_take(d, rest, n_train, train, err);
    free(rest);
    if (st) {
        wlr_dataset_free(train);
        wlr_dataset_free(test);
    }
    return st;
}
