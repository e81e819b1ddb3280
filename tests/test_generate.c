/*
 * test_generate.c - src/generate.c against scikit-learn 1.2.1's
 * make_classification (numpy 1.24.2), bit for bit.
 *
 * The data itself is not shipped: each case is checked through the FNV-1a
 * 64-bit hashes of X (float64 little-endian, row-major, as scikit-learn holds
 * it) and of y (one byte per label), its class counts and a few exact values.
 *
 * The three reference datasets (tutorial, five_features, noisy_seven) and
 * their values are those of the project's reference manifest. The other
 * cases aim at the code paths those three miss and were made with:
 *
 *   import numpy as np
 *   from sklearn.datasets import make_classification
 *   def fnv(b):
 *       h = 0xcbf29ce484222325
 *       for x in b:
 *           h ^= x; h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
 *       return "%016x" % h
 *   for name, n, f, i, r, rep, c, w, flip, sep, seed in cases:  # the table below
 *       X, y = make_classification(n_samples=n, n_features=f, n_informative=i,
 *           n_redundant=r, n_repeated=rep, n_classes=2, n_clusters_per_class=c,
 *           weights=w, flip_y=flip, class_sep=sep, random_state=seed)
 *       print(name, fnv(np.ascontiguousarray(X, dtype="<f8").tobytes()),
 *             fnv(y.astype(np.uint8).tobytes()), (y == 0).sum(), (y == 1).sum(),
 *             repr(float(X[0, 0])), repr(float(X[-1, -1])))
 */
#include "internal.h"
#include "check.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    size_t n_samples, n_features, n_informative, n_redundant, n_repeated,
        n_clusters_per_class;
    double weights[2];
    double flip_y, class_sep;
    uint32_t seed;
    uint64_t hash_x, hash_y;
    size_t counts[2];
    double first, last;   /* X[0, 0] and X[-1, -1] */
} gen_case;

/* Which of scikit-learn's paths each case takes: sample_without_replacement
 * picks 2K of 2^informative hypercube corners by ratio = 2K / 2^informative:
 * permutation for 0.01 < ratio < 0.99, tracking selection below 0.01,
 * reservoir at 0.99 and above. */
static const gen_case cases[] = {
    /* reservoir, every corner used (4 of 4); redundant + repeated; the
     * largest seed */
    {"reservoir_full", 3000, 4, 2, 1, 1, 2, {0.7, 0.3}, 0.05, 1.5, 4294967295U,
     0x116d90e18ecd5619ULL, 0xf5307974d17c1bb4ULL, {2075, 925},
     -1.5570939462769213, 1.8948173831194048},
    /* reservoir that really replaces (254 of 256 corners) */
    {"reservoir_partial", 500, 8, 8, 0, 0, 127, {0.6, 0.4}, 0.1, 1.0, 11U,
     0x5b2a4fa83170f4fdULL, 0x0f8b17da8e6d2285ULL, {310, 190},
     -0.4271258223419756, -2.0595902154403145},
    /* permutation (2 of 8); two repeated and one useless feature; no flips */
    {"permutation", 2000, 6, 3, 0, 2, 1, {0.8, 0.2}, 0.0, 2.0, 99U,
     0x65743f97edfc6038ULL, 0x95367d3d8a22f1c3ULL, {1600, 400},
     -1.2698766831857549, -2.220466701736422},
    /* tracking selection (2 of 1024), 10 informative features */
    {"tracking", 1500, 10, 10, 0, 0, 1, {0.95, 0.05}, 0.02, 1.0, 3U,
     0x670908e9f37ca67bULL, 0x53539d6641e6222dULL, {1408, 92},
     -0.6829018070737085, -2.7583054299432166},
    /* tracking selection whose second draw repeats the first (seed 230 draws
     * corner 0 twice) and is redrawn */
    {"tracking_redraw", 400, 9, 8, 1, 0, 1, {0.5, 0.5}, 0.01, 1.0, 230U,
     0x78abc86397afe7b5ULL, 0xb4ac226aff2b63baULL, {201, 199},
     0.7487469975981853, 0.13185059038973757},
    /* the widest hypercube supported, 6 clusters */
    {"thirty_informative", 300, 33, 30, 2, 1, 3, {0.4, 0.6}, 0.2, 0.3, 5U,
     0x6b5214b35da88f58ULL, 0xc2ddaafafa17b9efULL, {126, 174},
     -1.0538631379656356, -1.6182830576757492},
    /* weights adding to 0.8: the 201 leftover rows wrap around the 4
     * clusters many times; every label flipped; negative class_sep; three
     * useless features */
    {"remainder_wraps", 1001, 12, 4, 3, 2, 2, {0.3, 0.5}, 1.0, -0.7, 2024U,
     0x140a63cfbd2b9c68ULL, 0x5f08d7c0a007e559ULL, {491, 510},
     2.6766361556582465, -1.684739264851064},
    /* one informative feature (reservoir with nothing to draw); class_sep 0 */
    {"one_informative", 100, 3, 1, 1, 1, 1, {0.5, 0.5}, 0.5, 0.0, 1U,
     0xc8b700f3874174edULL, 0xe01ae6000f90efadULL, {48, 52},
     -0.37574714617009836, 0.08525948950564949},
    {"one_row", 1, 2, 2, 0, 0, 1, {0.995, 0.005}, 0.01, 0.5, 7U,
     0x15ae8e9c985a4a77ULL, 0xaf63bd4c8601b7dfULL, {1, 0},
     1.4751654839860746, 1.458093411455788},
    /* an empty cluster: class 0 has weight 0 */
    {"no_class0", 50, 2, 2, 0, 0, 1, {0.0, 1.0}, 0.0, 1.0, 8U,
     0xb1bda99e54b53689ULL, 0x6632beb8d4090fe7ULL, {0, 50},
     0.9245091273651088, -0.3803726842014161},
};

static wlr_gen_params params_of(const gen_case *c)
{
    wlr_gen_params p;
    p.n_samples = c->n_samples;
    p.n_features = c->n_features;
    p.n_informative = c->n_informative;
    p.n_redundant = c->n_redundant;
    p.n_repeated = c->n_repeated;
    p.n_clusters_per_class = c->n_clusters_per_class;
    p.weights[0] = c->weights[0];
    p.weights[1] = c->weights[1];
    p.flip_y = c->flip_y;
    p.class_sep = c->class_sep;
    p.seed = c->seed;
    return p;
}

static double at(const wlr_dataset *d, size_t row, size_t col)
{
    return d->x[col * d->n_rows + row];
}

/* Generates case c and compares everything the case records. */
static void check_case(const gen_case *c)
{
    wlr_gen_params p = params_of(c);
    wlr_dataset d;
    wlr_error err;
    err.message[0] = 0;
    wlr_status st = wlr_generate(&p, &d, &err);
    CHECK(st == WLR_OK, "%s: %s", c->name, err.message);
    if (st) return;
    CHECK(d.n_rows == c->n_samples && d.n_features == c->n_features,
          "%s: %zu x %zu", c->name, d.n_rows, d.n_features);
    CHECK(d.weight == NULL && d.names == NULL, "%s: no weights or names",
          c->name);
    uint64_t hx = wlr__hash_x(&d), hy = wlr__hash_y(&d);
    CHECK(hx == c->hash_x, "%s: hash of X %016llx, scikit-learn %016llx",
          c->name, (unsigned long long)hx, (unsigned long long)c->hash_x);
    CHECK(hy == c->hash_y, "%s: hash of y %016llx, scikit-learn %016llx",
          c->name, (unsigned long long)hy, (unsigned long long)c->hash_y);
    size_t counts[2];
    wlr_class_counts(&d, counts);
    CHECK(counts[0] == c->counts[0] && counts[1] == c->counts[1],
          "%s: classes %zu / %zu, scikit-learn %zu / %zu", c->name, counts[0],
          counts[1], c->counts[0], c->counts[1]);
    double first = at(&d, 0, 0), last = at(&d, d.n_rows - 1, d.n_features - 1);
    CHECK(first == c->first, "%s: X[0,0] = %.17g, scikit-learn %.17g",
          c->name, first, c->first);
    CHECK(last == c->last, "%s: X[-1,-1] = %.17g, scikit-learn %.17g",
          c->name, last, c->last);
    for (size_t i = 0; i < d.n_rows; i++)
        if (d.y[i] > 1) {
            CHECK(0, "%s: y[%zu] = %d is not a label", c->name, i, d.y[i]);
            break;
        }
    wlr_dataset_free(&d);
}

static void test_sampling_paths_and_feature_kinds(void)
{
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        check_case(&cases[k]);
}

/* ------------------------------------------------- reference datasets */

typedef struct {
    gen_case c;
    double first_row[7], last_row[7];
} ref_case;

/* From the reference manifest (make_reference.py). five_features passes one
 * weight, [0.9]; scikit-learn then uses 1.0 - 0.9 = 0.09999999999999998 for
 * the second, which is what must be given here. */
static const ref_case refs[] = {
    {{"tutorial", 100000, 2, 2, 0, 0, 1, {0.995, 0.005}, 0.01, 0.5, 0U,
      0xb8f9d2cabbc0b3b8ULL, 0x34e6696ec22eed0bULL, {98970, 1030}, 0, 0},
     {1.2364966060660394, 0.579271536192912},
     {-0.4374610909299902, 0.5749702724898885}},
    {{"five_features", 20000, 5, 3, 1, 1, 2, {0.9, 1.0 - 0.9}, 0.03, 1.0, 7U,
      0x180c1c3d8218b601ULL, 0x0d40631a32d5180aULL, {17749, 2251}, 0, 0},
     {0.15922433230564648, -0.5031398857553002, 1.2339895854842837,
      -1.7571040598654974, -1.7571040598654974},
     {-0.46726707917759946, -0.787701385490353, 0.5639349718271641,
      -0.9394785335092173, -0.9394785335092173}},
    {{"noisy_seven", 5000, 7, 2, 2, 0, 1, {0.98, 0.02}, 0.0, 0.8, 123U,
      0xc890896c20756d5bULL, 0x7e74e5567cd8b857ULL, {4900, 100}, 0, 0},
     {-0.03475524713106726, 0.6268239666271905, 0.28942619167523553,
      0.1672379012728117, -2.492464719104015, -1.0341560212503311,
      1.9067403602858037},
     {0.0650527307050659, 0.13527367447244232, 0.06518413596674216,
      0.04342817159639569, -0.08524312814062686, -0.1800428448650435,
      -0.727751194683513}},
};

static void test_reference_datasets(void)
{
    for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++) {
        const ref_case *r = &refs[k];
        gen_case c = r->c;
        c.first = r->first_row[0];
        c.last = r->last_row[c.n_features - 1];
        check_case(&c);

        wlr_gen_params p = params_of(&c);
        wlr_dataset d;
        wlr_error err;
        if (wlr_generate(&p, &d, &err)) continue;   /* reported above */
        for (size_t j = 0; j < d.n_features; j++) {
            CHECK(at(&d, 0, j) == r->first_row[j], "%s: first row, x%zu = "
                  "%.17g, scikit-learn %.17g", c.name, j + 1, at(&d, 0, j),
                  r->first_row[j]);
            CHECK(at(&d, d.n_rows - 1, j) == r->last_row[j], "%s: last row, "
                  "x%zu = %.17g, scikit-learn %.17g", c.name, j + 1,
                  at(&d, d.n_rows - 1, j), r->last_row[j]);
        }
        wlr_dataset_free(&d);
    }
}

static void test_defaults_are_the_tutorial(void)
{
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    const gen_case *t = &refs[0].c;
    CHECK(p.n_samples == t->n_samples && p.n_features == t->n_features &&
          p.n_informative == t->n_informative && p.n_redundant == 0 &&
          p.n_repeated == 0 && p.n_clusters_per_class == 1,
          "default sizes differ from the tutorial's");
    CHECK(p.weights[0] == 0.995 && p.weights[1] == 0.005, "weights %g %g",
          p.weights[0], p.weights[1]);
    CHECK(p.flip_y == 0.01 && p.class_sep == 0.5 && p.seed == 0,
          "flip_y %g, class_sep %g, seed %u", p.flip_y, p.class_sep, p.seed);
    CHECK(wlr_gen_check(&p, NULL) == WLR_OK, "the defaults must be valid");
}

/* Same parameters, same bits; another seed, other data. */
static void test_deterministic(void)
{
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    p.n_samples = 3000;
    wlr_dataset a, b, c;
    wlr_error err;
    CHECK(wlr_generate(&p, &a, &err) == WLR_OK, "%s", err.message);
    CHECK(wlr_generate(&p, &b, &err) == WLR_OK, "%s", err.message);
    p.seed = 1;
    CHECK(wlr_generate(&p, &c, &err) == WLR_OK, "%s", err.message);
    CHECK(a.n_rows == 3000 && memcmp(a.x, b.x, 6000 * sizeof(double)) == 0 &&
          memcmp(a.y, b.y, 3000) == 0, "two runs differ");
    CHECK(wlr__hash_x(&a) != wlr__hash_x(&c), "seeds 0 and 1 gave the same X");
    wlr_dataset_free(&a);
    wlr_dataset_free(&b);
    wlr_dataset_free(&c);
}

/* ---------------------------------------------------------- errors */

/* p must be rejected with WLR_ERR_ARG and a message containing `want`;
 * wlr_generate must then leave its output empty. */
static void expect_rejected(const wlr_gen_params *p, const char *want)
{
    wlr_error err;
    err.message[0] = 0;
    wlr_status st = wlr_gen_check(p, &err);
    CHECK(st == WLR_ERR_ARG, "expected a rejection mentioning \"%s\"", want);
    CHECK(strstr(err.message, want) != NULL, "message \"%s\" lacks \"%s\"",
          err.message, want);
    wlr_dataset d;
    memset(&d, 0xab, sizeof d);
    st = wlr_generate(p, &d, &err);
    CHECK(st == WLR_ERR_ARG, "wlr_generate accepted what check rejects (%s)",
          want);
    CHECK(d.x == NULL && d.y == NULL && d.n_rows == 0 && d.n_features == 0 &&
          d.weight == NULL && d.names == NULL,
          "output not left empty after \"%s\"", want);
}

static void test_rejects_bad_parameters(void)
{
    wlr_gen_params base, p;
    wlr_gen_defaults(&base);

    p = base; p.n_samples = 0;
    expect_rejected(&p, "n_samples: must be at least 1");
    p = base; p.n_samples = (size_t)1 << 60;
    expect_rejected(&p, "n_samples");
    p = base; p.n_features = 0;
    expect_rejected(&p, "n_features: must be at least 1");
    p = base; p.n_informative = 0;
    expect_rejected(&p, "n_informative: must be at least 1");
    p = base; p.n_informative = 31; p.n_features = 40;
    expect_rejected(&p, "n_informative: 31 exceeds 30");
    p = base; p.n_redundant = 2; p.n_repeated = 1;
    expect_rejected(&p, "n_informative + n_redundant + n_repeated = 5 exceeds "
                    "n_features = 2");
    p = base; p.n_redundant = SIZE_MAX;
    expect_rejected(&p, "n_informative + n_redundant + n_repeated exceeds "
                    "n_features = 2");
    p = base; p.n_clusters_per_class = 0;
    expect_rejected(&p, "n_clusters_per_class: must be at least 1");
    /* 2 classes x 3 clusters need 6 corners; 2 informative give 4 */
    p = base; p.n_clusters_per_class = 3;
    expect_rejected(&p, "n_clusters_per_class: 2 classes x 3 clusters exceed "
                    "the 2^2 = 4 corners");
    p = base; p.n_informative = 1; p.n_clusters_per_class = 2;
    expect_rejected(&p, "n_clusters_per_class");
    p = base; p.weights[0] = -0.1;
    expect_rejected(&p, "weights: weights[0] = -0.1 is not in [0, 1]");
    p = base; p.weights[1] = 1.5;
    expect_rejected(&p, "weights: weights[1] = 1.5 is not in [0, 1]");
    p = base; p.weights[0] = NAN;
    expect_rejected(&p, "weights: weights[0] = nan");
    p = base; p.weights[1] = INFINITY;
    expect_rejected(&p, "weights[1] = inf");
    /* 0.7 + 0.6: the clusters would hold 130000 of 100000 rows */
    p = base; p.weights[0] = 0.7; p.weights[1] = 0.6;
    expect_rejected(&p, "weights: 0.7 + 0.6 give 130000 rows, more than "
                    "n_samples = 100000");
    p = base; p.flip_y = -0.01;
    expect_rejected(&p, "flip_y: -0.01 is not in [0, 1]");
    p = base; p.flip_y = 1.01;
    expect_rejected(&p, "flip_y: 1.01 is not in [0, 1]");
    p = base; p.flip_y = NAN;
    expect_rejected(&p, "flip_y");
    p = base; p.class_sep = INFINITY;
    expect_rejected(&p, "class_sep: inf is not a finite number");
    p = base; p.class_sep = NAN;
    expect_rejected(&p, "class_sep");
}

/* Edges that are valid: weights adding to just over 1 whose counts still
 * fit, flip_y 1, n_informative 30 with the most clusters the check allows
 * before memory matters. */
static void test_accepts_edges(void)
{
    wlr_gen_params p;
    wlr_gen_defaults(&p);
    p.n_samples = 100;
    p.weights[0] = 0.5;
    p.weights[1] = 0.5000001;   /* 50 + 50 rows: fits */
    CHECK(wlr_gen_check(&p, NULL) == WLR_OK, "0.5 + 0.5000001 of 100 rows");
    wlr_gen_defaults(&p);
    p.flip_y = 1.0;
    p.weights[0] = 1.0;
    p.weights[1] = 0.0;
    CHECK(wlr_gen_check(&p, NULL) == WLR_OK, "flip_y 1, weights 1 and 0");
    p.n_informative = 30;
    p.n_features = 30;
    p.n_clusters_per_class = (size_t)1 << 29;
    CHECK(wlr_gen_check(&p, NULL) == WLR_OK, "2^30 corners for 2^30 "
          "clusters");
}

int main(void)
{
    RUN(test_reference_datasets);
    RUN(test_sampling_paths_and_feature_kinds);
    RUN(test_defaults_are_the_tutorial);
    RUN(test_deterministic);
    RUN(test_rejects_bad_parameters);
    RUN(test_accepts_edges);
    return check_summary();
}
