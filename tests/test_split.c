/*
 * test_split.c - src/split.c: the plain split against scikit-learn 1.2.1's
 * train_test_split bit for bit, the stratified split against its documented
 * promises, wlr_dataset_take, and every error.
 *
 * Expected hashes (FNV-1a 64 as in test_generate.c; the permutation hashed
 * as little-endian uint64 indices) were made with:
 *
 *   X, y = make_classification(n_classes=2, **params)   # the reference cases
 *   Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=t, random_state=s)
 *   perm = np.random.RandomState(s).permutation(len(y))
 *   print(fnv(perm.astype("<u8").tobytes()),
 *         fnv(np.ascontiguousarray(Xtr, dtype="<f8").tobytes()),
 *         fnv(ytr.astype(np.uint8).tobytes()), len(ytr),
 *         fnv(np.ascontiguousarray(Xte, dtype="<f8").tobytes()),
 *         fnv(yte.astype(np.uint8).tobytes()), len(yte))
 */
#include "internal.h"
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    wlr_gen_params gen;
    uint32_t split_seed;
    double test_size;
    uint64_t hash_perm;
    uint64_t hash_x_train, hash_y_train, hash_x_test, hash_y_test;
    size_t train_counts[2], test_counts[2];
} split_case;

static const split_case cases[] = {
    {"tutorial",
     {100000, 2, 2, 0, 0, 1, {0.995, 0.005}, 0.01, 0.5, 0U}, 42, 0.2,
     0xce3fe65548d525c5ULL, 0x0d87e85cc245f715ULL, 0x1ddea7de2c8d145eULL,
     0x6171c230b3e2922cULL, 0x0417fe8a9f188bb2ULL, {79183, 817}, {19787, 213}},
    {"five_features",
     {20000, 5, 3, 1, 1, 2, {0.9, 1.0 - 0.9}, 0.03, 1.0, 7U}, 1, 0.25,
     0xae966508d4099021ULL, 0x645bec101564305cULL, 0x88d9fcbc2ee19f0cULL,
     0x087356c9aae9c450ULL, 0x5da6e949190d634fULL, {13333, 1667}, {4416, 584}},
    {"noisy_seven",
     {5000, 7, 2, 2, 0, 1, {0.98, 0.02}, 0.0, 0.8, 123U}, 5, 0.3,
     0xbbfd65dbf80d1325ULL, 0xcbbf8690c13c3c26ULL, 0x58c5ad0278b88542ULL,
     0x7814650158d78434ULL, 0x6bf4530cc028c7feULL, {3425, 75}, {1475, 25}},
};

/* FNV-1a of indices as little-endian uint64, as numpy's "<u8" bytes. */
static uint64_t hash_indices(const size_t *a, size_t n)
{
    uint64_t h = WLR__FNV_OFFSET;
    for (size_t i = 0; i < n; i++) {
        unsigned char le[8];
        for (int k = 0; k < 8; k++) le[k] = (unsigned char)((uint64_t)a[i] >> (8 * k));
        h = wlr__fnv1a64(h, le, 8);
    }
    return h;
}

static void check_reference_split(const split_case *c)
{
    wlr_dataset all, train, test;
    wlr_error err;
    CHECK(wlr_generate(&c->gen, &all, &err) == WLR_OK, "%s: %s", c->name,
          err.message);
    size_t n = all.n_rows;

    size_t *perm = malloc(n * sizeof *perm);
    wlr__rng r;
    wlr__rng_seed(&r, c->split_seed);
    wlr__rng_permutation(&r, perm, n);
    uint64_t hp = hash_indices(perm, n);
    CHECK(hp == c->hash_perm, "%s: permutation hash %016llx, numpy %016llx",
          c->name, (unsigned long long)hp, (unsigned long long)c->hash_perm);
    free(perm);

    wlr_status st = wlr_split(&all, c->test_size, c->split_seed, 0, &train,
                              &test, &err);
    CHECK(st == WLR_OK, "%s: %s", c->name, err.message);
    if (st) {
        wlr_dataset_free(&all);
        return;
    }
    size_t trc[2], tec[2];
    wlr_class_counts(&train, trc);
    wlr_class_counts(&test, tec);
    CHECK(trc[0] == c->train_counts[0] && trc[1] == c->train_counts[1],
          "%s: train %zu / %zu, scikit-learn %zu / %zu", c->name, trc[0],
          trc[1], c->train_counts[0], c->train_counts[1]);
    CHECK(tec[0] == c->test_counts[0] && tec[1] == c->test_counts[1],
          "%s: test %zu / %zu, scikit-learn %zu / %zu", c->name, tec[0],
          tec[1], c->test_counts[0], c->test_counts[1]);
    CHECK(wlr__hash_x(&train) == c->hash_x_train, "%s: train X hash %016llx",
          c->name, (unsigned long long)wlr__hash_x(&train));
    CHECK(wlr__hash_y(&train) == c->hash_y_train, "%s: train y hash %016llx",
          c->name, (unsigned long long)wlr__hash_y(&train));
    CHECK(wlr__hash_x(&test) == c->hash_x_test, "%s: test X hash %016llx",
          c->name, (unsigned long long)wlr__hash_x(&test));
    CHECK(wlr__hash_y(&test) == c->hash_y_test, "%s: test y hash %016llx",
          c->name, (unsigned long long)wlr__hash_y(&test));
    CHECK(train.n_features == all.n_features &&
          test.n_features == all.n_features, "%s: features lost", c->name);
    wlr_dataset_free(&all);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
}

static void test_reference_splits(void)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        check_reference_split(&cases[k]);
}

/* n_test = ceil(test_size * n): 0.2 of 11 rows is 2.2, so 3 test rows. */
static void test_sizes_round_up(void)
{
    wlr_dataset all, train, test;
    wlr_error err;
    CHECK(wlr_dataset_alloc(&all, 11, 1, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_split(&all, 0.2, 0, 0, &train, &test, &err) == WLR_OK, "%s",
          err.message);
    CHECK(test.n_rows == 3 && train.n_rows == 8, "11 rows split %zu / %zu",
          train.n_rows, test.n_rows);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    wlr_dataset_free(&all);
    /* The smallest valid case: 2 rows, one each. */
    CHECK(wlr_dataset_alloc(&all, 2, 1, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_split(&all, 0.5, 0, 0, &train, &test, &err) == WLR_OK, "%s",
          err.message);
    CHECK(test.n_rows == 1 && train.n_rows == 1, "2 rows split %zu / %zu",
          train.n_rows, test.n_rows);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    wlr_dataset_free(&all);
}

/* ---------------------------------------------------- stratified split */

/* A dataset whose row i has x1 = i (to trace rows) and y from labels. */
static void traced_dataset(wlr_dataset *d, size_t n, size_t n_positive)
{
    wlr_error err;
    wlr_dataset_alloc(d, n, 1, &err);
    for (size_t i = 0; i < n; i++) {
        d->x[i] = (double)i;
        /* positives spread evenly */
        d->y[i] = (uint8_t)(n_positive && (i * n_positive) / n !=
                            ((i + 1) * n_positive) / n);
    }
}

/* Stratified promises: part sizes as the plain split; each class's count in
 * each part within one row of its exact share; every row exactly once; each
 * part in the order of the plain split's permutation. */
static void check_stratified(const wlr_dataset *all, double t, uint32_t seed)
{
    wlr_dataset train, test, ptrain, ptest;
    wlr_error err;
    CHECK(wlr_split(all, t, seed, 1, &train, &test, &err) == WLR_OK, "%s",
          err.message);
    CHECK(wlr_split(all, t, seed, 0, &ptrain, &ptest, &err) == WLR_OK, "%s",
          err.message);
    size_t n = all->n_rows;
    CHECK(test.n_rows == ptest.n_rows && train.n_rows == ptrain.n_rows,
          "stratified sizes %zu / %zu, plain %zu / %zu", train.n_rows,
          test.n_rows, ptrain.n_rows, ptest.n_rows);

    size_t all_c[2], tr[2], te[2];
    wlr_class_counts(all, all_c);
    wlr_class_counts(&train, tr);
    wlr_class_counts(&test, te);
    for (int k = 0; k < 2; k++) {
        double share_test = (double)all_c[k] * (double)test.n_rows / (double)n;
        double share_train = (double)all_c[k] * (double)train.n_rows / (double)n;
        CHECK(fabs((double)te[k] - share_test) < 1.0, "class %d: %zu in test, "
              "share %.3f", k, te[k], share_test);
        CHECK(fabs((double)tr[k] - share_train) < 1.0, "class %d: %zu in "
              "train, share %.3f", k, tr[k], share_train);
    }

    /* Position of each row in the permutation; both parts must follow it. */
    size_t *perm = malloc(n * sizeof *perm), *pos = malloc(n * sizeof *pos);
    unsigned char *seen = calloc(n, 1);
    wlr__rng r;
    wlr__rng_seed(&r, seed);
    wlr__rng_permutation(&r, perm, n);
    for (size_t p = 0; p < n; p++) pos[perm[p]] = p;
    const wlr_dataset *part[2] = {&test, &train};
    int ok_once = 1, ok_order = 1, ok_label = 1;
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < part[s]->n_rows; i++) {
            size_t row = (size_t)part[s]->x[i];
            if (seen[row]++) ok_once = 0;
            if (part[s]->y[i] != all->y[row]) ok_label = 0;
            if (i > 0 && pos[(size_t)part[s]->x[i - 1]] > pos[row]) ok_order = 0;
        }
    CHECK(ok_once, "a row appears twice");
    CHECK(ok_label, "a row lost its label");
    CHECK(ok_order, "a part is not in permutation order");
    free(perm);
    free(pos);
    free(seen);
    wlr_dataset_free(&train);
    wlr_dataset_free(&test);
    wlr_dataset_free(&ptrain);
    wlr_dataset_free(&ptest);
}

static void test_stratified_promises(void)
{
    static const struct { size_t n, pos; double t; uint32_t seed; } s[] = {
        {1000, 10, 0.2, 42},  {1000, 13, 0.3, 7},   {10, 3, 0.5, 0},
        {7, 1, 0.5, 4294967295U}, {500, 0, 0.25, 3}, {500, 500, 0.25, 3},
        {999, 500, 0.1, 11},  {2, 1, 0.5, 1},
    };
    for (size_t k = 0; k < sizeof s / sizeof s[0]; k++) {
        wlr_dataset d;
        traced_dataset(&d, s[k].n, s[k].pos);
        check_stratified(&d, s[k].t, s[k].seed);
        wlr_dataset_free(&d);
    }
}

/* The tutorial: 1030 positives, 20000 test rows: exactly 206 positives in
 * test (1030 * 0.2), 824 in train; and the same call twice gives the same
 * split, another seed another. */
static void test_stratified_tutorial(void)
{
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    wlr_dataset all, tr, te, tr2, te2, tr3, te3;
    wlr_error err;
    CHECK(wlr_generate(&p, &all, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_split(&all, 0.2, 42, 1, &tr, &te, &err) == WLR_OK, "%s",
          err.message);
    size_t c[2];
    wlr_class_counts(&te, c);
    CHECK(c[0] == 19794 && c[1] == 206, "test %zu / %zu", c[0], c[1]);
    wlr_class_counts(&tr, c);
    CHECK(c[0] == 79176 && c[1] == 824, "train %zu / %zu", c[0], c[1]);
    CHECK(wlr_split(&all, 0.2, 42, 1, &tr2, &te2, &err) == WLR_OK, "%s",
          err.message);
    CHECK(wlr__hash_x(&te) == wlr__hash_x(&te2) &&
          wlr__hash_x(&tr) == wlr__hash_x(&tr2), "not deterministic");
    CHECK(wlr_split(&all, 0.2, 43, 1, &tr3, &te3, &err) == WLR_OK, "%s",
          err.message);
    CHECK(wlr__hash_x(&te) != wlr__hash_x(&te3), "seed ignored");
    wlr_dataset_free(&all);
    wlr_dataset_free(&tr);
    wlr_dataset_free(&te);
    wlr_dataset_free(&tr2);
    wlr_dataset_free(&te2);
    wlr_dataset_free(&tr3);
    wlr_dataset_free(&te3);
}

/* An exact half share rounds up for class 1: 10 rows with 3 positives,
 * 5 test rows: 1.5 positives due, 2 given. */
static void test_stratified_half_rounds_up(void)
{
    wlr_dataset d, tr, te;
    wlr_error err;
    traced_dataset(&d, 10, 3);
    CHECK(wlr_split(&d, 0.5, 0, 1, &tr, &te, &err) == WLR_OK, "%s",
          err.message);
    size_t c[2];
    wlr_class_counts(&te, c);
    CHECK(c[1] == 2 && c[0] == 3, "test %zu / %zu", c[0], c[1]);
    wlr_dataset_free(&d);
    wlr_dataset_free(&tr);
    wlr_dataset_free(&te);
}

/* ------------------------------------------------------------- take */

static void test_take_copies_rows_weights_names(void)
{
    wlr_dataset d, out;
    wlr_error err;
    wlr_dataset_alloc(&d, 5, 2, &err);
    d.weight = malloc(5 * sizeof *d.weight);
    d.names = calloc(2, sizeof *d.names);
    d.names[0] = malloc(4);
    memcpy(d.names[0], "age", 4);
    d.names[1] = NULL;   /* falls back to "x2" */
    for (size_t i = 0; i < 5; i++) {
        d.x[i] = (double)i;
        d.x[5 + i] = 10.0 * (double)i;
        d.y[i] = (uint8_t)(i % 2);
        d.weight[i] = 0.5 + (double)i;
    }
    static const size_t idx[4] = {4, 0, 3, 3};
    CHECK(wlr_dataset_take(&d, idx, 4, &out, &err) == WLR_OK, "%s",
          err.message);
    CHECK(out.n_rows == 4 && out.n_features == 2, "%zu x %zu", out.n_rows,
          out.n_features);
    for (size_t k = 0; k < 4; k++) {
        CHECK(out.x[k] == (double)idx[k] && out.x[4 + k] == 10.0 * (double)idx[k],
              "row %zu: %g %g", k, out.x[k], out.x[4 + k]);
        CHECK(out.y[k] == idx[k] % 2, "row %zu: y %d", k, out.y[k]);
        CHECK(out.weight && out.weight[k] == 0.5 + (double)idx[k],
              "row %zu: weight", k);
    }
    char buf[16];
    CHECK(out.names && out.names[0] != d.names[0] &&
          strcmp(out.names[0], "age") == 0, "name 1 not copied");
    CHECK(strcmp(wlr_feature_name(&out, 1, buf, sizeof buf), "x2") == 0,
          "missing name 2 should stay missing");
    wlr_dataset_free(&out);
    /* rows without labels stay without labels */
    d.unlabelled = 1;
    CHECK(wlr_dataset_take(&d, idx, 2, &out, &err) == WLR_OK && out.unlabelled,
          "unlabelled mark lost: %s", err.message);
    wlr_dataset_free(&out);
    d.unlabelled = 0;

    /* No rows at all is a valid (empty) result. */
    CHECK(wlr_dataset_take(&d, idx, 0, &out, &err) == WLR_OK, "%s",
          err.message);
    CHECK(out.n_rows == 0 && out.n_features == 2, "empty take");
    wlr_dataset_free(&out);

    /* A row that does not exist. */
    static const size_t bad[3] = {1, 5, 2};
    memset(&out, 0xab, sizeof out);
    CHECK(wlr_dataset_take(&d, bad, 3, &out, &err) == WLR_ERR_ARG,
          "row 5 of 5 accepted");
    CHECK(strstr(err.message, "idx: idx[1] = 5 is not a row of a dataset of "
                 "5 rows") != NULL, "message: %s", err.message);
    CHECK(out.x == NULL && out.y == NULL && out.n_rows == 0 &&
          out.weight == NULL && out.names == NULL, "output not empty");
    wlr_dataset_free(&d);
}

/* The split carries weights and names along too. */
static void test_split_keeps_weights_and_names(void)
{
    wlr_dataset d, tr, te;
    wlr_error err;
    traced_dataset(&d, 20, 5);
    d.weight = malloc(20 * sizeof *d.weight);
    for (size_t i = 0; i < 20; i++) d.weight[i] = (double)i + 0.25;
    d.names = calloc(1, sizeof *d.names);
    d.names[0] = malloc(3);
    memcpy(d.names[0], "id", 3);
    CHECK(wlr_split(&d, 0.25, 8, 0, &tr, &te, &err) == WLR_OK, "%s",
          err.message);
    int ok = tr.weight && te.weight;
    for (size_t i = 0; ok && i < tr.n_rows; i++)
        ok = tr.weight[i] == tr.x[i] + 0.25;
    for (size_t i = 0; ok && i < te.n_rows; i++)
        ok = te.weight[i] == te.x[i] + 0.25;
    CHECK(ok, "weights do not follow their rows");
    CHECK(tr.names && te.names && strcmp(tr.names[0], "id") == 0 &&
          strcmp(te.names[0], "id") == 0, "names lost");
    wlr_dataset_free(&d);
    wlr_dataset_free(&tr);
    wlr_dataset_free(&te);
}

/* wlr_split_inplace gives wlr_split's parts bit for bit (plain and
 * stratified, with weights and names, on the tutorial's kind of data and on
 * sizes that leave odd cycles), consumes its input, and on an error leaves
 * the outputs empty and the input freed. */
static int same_dataset(const wlr_dataset *a, const wlr_dataset *b)
{
    if (a->n_rows != b->n_rows || a->n_features != b->n_features) return 0;
    if (memcmp(a->x, b->x, a->n_rows * a->n_features * sizeof *a->x) != 0 ||
        memcmp(a->y, b->y, a->n_rows) != 0) return 0;
    if ((a->weight == NULL) != (b->weight == NULL)) return 0;
    if (a->weight && memcmp(a->weight, b->weight, a->n_rows * sizeof *a->weight))
        return 0;
    if ((a->names == NULL) != (b->names == NULL)) return 0;
    for (size_t j = 0; a->names && j < a->n_features; j++)
        if (strcmp(a->names[j], b->names[j]) != 0) return 0;
    return 1;
}

static void test_split_inplace_matches_split(void)
{
    static const size_t sizes[] = {2, 3, 7, 20, 1000, 100000};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        for (int strat = 0; strat < 2; strat++) {
            for (int extras = 0; extras < 2; extras++) {
                wlr_gen_params p;
                wlr_gen_defaults(&p);
                p.n_samples = sizes[k];
                p.weights[0] = sizes[k] < 1000 ? 0.6 : 0.995;
                p.weights[1] = 1 - p.weights[0];
                wlr_dataset d, copy, tr, te, tr2, te2;
                wlr_error err;
                if (wlr_generate(&p, &d, &err)) {
                    CHECK(0, "%s", err.message);
                    continue;
                }
                if (extras) {
                    d.weight = malloc(d.n_rows * sizeof *d.weight);
                    for (size_t i = 0; i < d.n_rows; i++) d.weight[i] = (double)i;
                    d.names = calloc(2, sizeof *d.names);
                    d.names[0] = malloc(2);
                    d.names[1] = malloc(2);
                    memcpy(d.names[0], "a", 2);
                    memcpy(d.names[1], "b", 2);
                }
                size_t *all_rows = malloc(d.n_rows * sizeof *all_rows);
                for (size_t i = 0; i < d.n_rows; i++) all_rows[i] = i;
                wlr_dataset_take(&d, all_rows, d.n_rows, &copy, &err);
                free(all_rows);
                wlr_status a = wlr_split(&d, 0.2, 42, strat, &tr, &te, &err);
                wlr_status b = wlr_split_inplace(&copy, 0.2, 42, strat, &tr2,
                                                 &te2, &err);
                CHECK(a == b, "%zu rows: status %d vs %d", sizes[k], a, b);
                CHECK(copy.x == NULL && copy.n_rows == 0, "input not consumed");
                if (a == WLR_OK && b == WLR_OK)
                    CHECK(same_dataset(&tr, &tr2) && same_dataset(&te, &te2),
                          "%zu rows, stratify %d, extras %d: parts differ",
                          sizes[k], strat, extras);
                wlr_dataset_free(&d);
                wlr_dataset_free(&tr);
                wlr_dataset_free(&te);
                wlr_dataset_free(&tr2);
                wlr_dataset_free(&te2);
            }
        }
    }
    /* an error: outputs empty, input freed (ASan sees a leak otherwise) */
    wlr_dataset d, tr, te;
    wlr_error err;
    traced_dataset(&d, 10, 5);
    CHECK(wlr_split_inplace(&d, 1.5, 0, 0, &tr, &te, &err) == WLR_ERR_ARG &&
          strstr(err.message, "test_size"), "bad test_size: %s", err.message);
    CHECK(d.x == NULL && tr.x == NULL && te.x == NULL, "not left empty");
}

/* ------------------------------------------------------------ errors */

static void expect_split_error(size_t n, double t, int stratify,
                               const char *want)
{
    wlr_dataset d, tr, te;
    wlr_error err;
    err.message[0] = 0;
    traced_dataset(&d, n, n / 2);
    memset(&tr, 0xab, sizeof tr);
    memset(&te, 0xab, sizeof te);
    wlr_status st = wlr_split(&d, t, 0, stratify, &tr, &te, &err);
    CHECK(st == WLR_ERR_ARG, "n %zu, test_size %g accepted", n, t);
    CHECK(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"",
          err.message, want);
    CHECK(tr.x == NULL && tr.n_rows == 0 && te.x == NULL && te.n_rows == 0,
          "outputs not left empty");
    wlr_dataset_free(&d);
}

static void test_split_errors(void)
{
    for (int s = 0; s < 2; s++) {
        expect_split_error(100, 0.0, s, "test_size: 0 is not in (0, 1)");
        expect_split_error(100, 1.0, s, "test_size: 1 is not in (0, 1)");
        expect_split_error(100, -0.2, s, "test_size: -0.2 is not in (0, 1)");
        expect_split_error(100, 1.5, s, "test_size: 1.5 is not in (0, 1)");
        expect_split_error(100, NAN, s, "test_size: nan is not in (0, 1)");
        expect_split_error(100, INFINITY, s, "test_size: inf");
        /* ceil(0.995 * 100) = 100: nothing left to train on */
        expect_split_error(100, 0.995, s, "test_size: 0.995 of 100 rows leaves "
                           "the train part empty");
        expect_split_error(1, 0.5, s, "test_size: 0.5 of 1 rows leaves the "
                           "train part empty");
        expect_split_error(0, 0.5, s, "test_size: 0.5 of 0 rows leaves the "
                           "test part empty");
    }
}

int main(void)
{
    RUN(test_reference_splits);
    RUN(test_sizes_round_up);
    RUN(test_stratified_promises);
    RUN(test_stratified_tutorial);
    RUN(test_stratified_half_rounds_up);
    RUN(test_take_copies_rows_weights_names);
    RUN(test_split_keeps_weights_and_names);
    RUN(test_split_errors);
    RUN(test_split_inplace_matches_split);
    return check_summary();
}
