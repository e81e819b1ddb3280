/*
 * test_cv.c - tests of src/cv.c: the folds are disjoint, cover every row,
 * hold each class evenly, come out the same from the same seed, and split
 * a dataset into the right rows.
 */
#include "wlr.h"
#include "wlr_io.h"
#include "wlr_metrics.h"
#include "wlr_plot.h"
#include "wlr_stream.h"
#include "check.h"

#include <stdlib.h>
#include <string.h>

/* n rows, the first n1 of class 1 (the folds shuffle anyway). */
static uint8_t *labels(size_t n, size_t n1)
{
    uint8_t *y = calloc(n, 1);
    for (size_t i = 0; i < n1; i++) y[i] = 1;
    return y;
}

static void check_folds(size_t n, size_t n1, size_t k, uint32_t seed)
{
    uint8_t *y = labels(n, n1);
    wlr_folds f;
    wlr_error err;
    CHECK(wlr_folds_make(y, n, k, seed, &f, &err) == WLR_OK, "%s", err.message);
    CHECK(f.k == k && f.n == n && f.start[0] == 0 && f.start[k] == n,
          "offsets: start[k] = %zu", f.start[k]);
    int *seen = calloc(n, sizeof *seen);
    size_t n0 = n - n1, min_size = n, max_size = 0;
    for (size_t j = 0; j < k; j++) {
        size_t c[2] = {0, 0};
        for (size_t p = f.start[j]; p < f.start[j + 1]; p++) {
            size_t row = f.index[p];
            CHECK(row < n, "row %zu out of range", row);
            if (row >= n) continue;
            seen[row]++;
            c[y[row]]++;
            if (p > f.start[j]) CHECK(f.index[p - 1] < row, "fold %zu not ascending", j);
        }
        /* each class spread evenly: floor or ceil of n_c / k */
        CHECK(c[0] == n0 / k || c[0] == (n0 + k - 1) / k, "fold %zu: %zu of class 0",
              j, c[0]);
        CHECK(c[1] == n1 / k || c[1] == (n1 + k - 1) / k, "fold %zu: %zu of class 1",
              j, c[1]);
        size_t size = c[0] + c[1];
        if (size < min_size) min_size = size;
        if (size > max_size) max_size = size;
    }
    CHECK(max_size - min_size <= 1, "fold sizes %zu..%zu", min_size, max_size);
    for (size_t i = 0; i < n; i++) CHECK(seen[i] == 1, "row %zu in %d folds", i, seen[i]);

    /* the same seed gives the same folds; another seed others */
    wlr_folds g;
    CHECK(wlr_folds_make(y, n, k, seed, &g, &err) == WLR_OK, "%s", err.message);
    CHECK(memcmp(f.index, g.index, n * sizeof *f.index) == 0, "not deterministic");
    wlr_folds_free(&g);
    CHECK(wlr_folds_make(y, n, k, seed + 1, &g, &err) == WLR_OK, "%s", err.message);
    CHECK(memcmp(f.index, g.index, n * sizeof *f.index) != 0, "seed ignored");
    wlr_folds_free(&g);
    wlr_folds_free(&f);
    free(seen);
    free(y);
}

static void test_folds(void)
{
    check_folds(100, 10, 5, 0);
    check_folds(1003, 17, 5, 42);   /* uneven on both classes */
    check_folds(50, 3, 3, 7);       /* as many class 1 rows as folds */
    check_folds(10, 5, 2, 1);
    check_folds(997, 500, 10, 3);
}

static void test_split(void)
{
    wlr_dataset d, train, test;
    wlr_error err;
    CHECK(wlr_dataset_alloc(&d, 40, 2, &err) == WLR_OK, "%s", err.message);
    for (size_t i = 0; i < 40; i++) {
        d.x[i] = (double)i;            /* feature 1 = the row number */
        d.x[40 + i] = -(double)i;
        d.y[i] = i % 4 == 0;
    }
    wlr_folds f;
    CHECK(wlr_folds_make(d.y, 40, 4, 9, &f, &err) == WLR_OK, "%s", err.message);
    for (size_t j = 0; j < 4; j++) {
        CHECK(wlr_folds_split(&f, j, &d, &train, &test, &err) == WLR_OK, "%s",
              err.message);
        CHECK(test.n_rows == 10 && train.n_rows == 30, "sizes %zu %zu", test.n_rows,
              train.n_rows);
        int in_test[40] = {0};
        for (size_t p = 0; p < test.n_rows; p++) {
            size_t row = (size_t)test.x[p];
            in_test[row] = 1;
            CHECK(test.y[p] == d.y[row] && test.x[test.n_rows + p] == -(double)row,
                  "test row %zu", row);
        }
        for (size_t p = 0; p < train.n_rows; p++)
            CHECK(!in_test[(size_t)train.x[p]], "row %zu in both parts",
                  (size_t)train.x[p]);
        wlr_dataset_free(&train);
        wlr_dataset_free(&test);
    }
    CHECK(wlr_folds_split(&f, 4, &d, &train, &test, &err) == WLR_ERR_ARG, "fold 4 of 4");
    wlr_folds_free(&f);
    wlr_dataset_free(&d);
}

static void test_refusals(void)
{
    uint8_t *y = labels(20, 3);
    wlr_folds f;
    wlr_error err;
    CHECK(wlr_folds_make(y, 20, 1, 0, &f, &err) == WLR_ERR_ARG, "k = 1");
    CHECK(strstr(err.message, "k: 1 folds; need at least 2") != NULL, "%s", err.message);
    CHECK(wlr_folds_make(y, 20, 4, 0, &f, &err) == WLR_ERR_ARG, "3 rows of class 1, k 4");
    CHECK(strstr(err.message, "class 1 has 3") != NULL, "%s", err.message);
    CHECK(f.index == NULL && f.start == NULL, "failed call left arrays");
    y[5] = 2;
    CHECK(wlr_folds_make(y, 20, 2, 0, &f, &err) == WLR_ERR_ARG, "label 2");
    free(y);
}

int main(void)
{
    RUN(test_folds);
    RUN(test_split);
    RUN(test_refusals);
    return check_summary();
}
