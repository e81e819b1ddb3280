/*
 * generate.c - synthetic two-class data: scikit-learn 1.2.1's
 * make_classification(n_classes=2, hypercube=True, shift=0.0, scale=1.0,
 * shuffle=True), bit for bit.
 *
 * The recipe (every random number from one RandomState, in this order):
 *   1. pick 2 * clusters_per_class distinct vertices of the hypercube
 *      {-sep, +sep}^informative as cluster centroids;
 *   2. draw every informative feature of every row from N(0, 1);
 *   3. per cluster (a contiguous block of rows, labels alternating 0, 1, 0, ...
 *      by cluster), multiply its rows by a random matrix A (covariance) and
 *      add the centroid;
 *   4. redundant features = random linear combinations of the informative
 *      ones; repeated features = copies of informative or redundant ones;
 *      useless features = more N(0, 1) noise;
 *   5. flip the label of a random flip_y share of the rows to a random class;
 *   6. shuffle the rows, then the feature columns.
 * The tutorial's rare-event data (1% minority, heavy overlap) is the default.
 *
 * Memory: the dataset itself is the only large allocation. Rows are shuffled
 * in place by replaying numpy's Fisher-Yates swaps directly on the rows
 * rather than building the permutation and gathering through it, so that
 * 1e8 rows need no index array and no scratch column; label flips are marked
 * in a spare bit of y rather than in a mask.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The rare-event tutorial's data set, wlr's default. */
#define GEN_DEFAULT_SAMPLES 100000
#define GEN_DEFAULT_WEIGHT0 0.995   /* the tutorial passes both weights: */
#define GEN_DEFAULT_WEIGHT1 0.005   /* a 0.5% minority class */
#define GEN_DEFAULT_FLIP_Y 0.01     /* scikit-learn's default label noise */
#define GEN_DEFAULT_CLASS_SEP 0.5   /* half of scikit-learn's default 1.0:
                                       heavily overlapping classes */

/* scikit-learn draws the bits beyond the 30th of a wider hypercube with a
 * different recipe (randint per bit); wlr does not reproduce it. */
#define GEN_MAX_INFORMATIVE 30
/* Rows per cluster are computed as n * w / k in doubles, as in Python; n up
 * to 2^53 keeps n exact in a double. */
#define GEN_MAX_SAMPLES 9007199254740992.0

/* sample_without_replacement's thresholds on n_clusters / population:
 * between these two it permutes the whole population, below the tracking
 * limit it draws-and-rejects, otherwise it uses a reservoir. */
#define SWR_PERMUTE_LOW 0.01
#define SWR_PERMUTE_HIGH 0.99
#define SWR_TRACKING_LIMIT 0.2

/* Bit 1 of y marks a row chosen for a label flip until its new label is
 * drawn (labels themselves are 0 or 1). */
#define FLIP_MARK 2

void wlr_gen_defaults(wlr_gen_params *p)
{
    p->n_samples = GEN_DEFAULT_SAMPLES;
    p->n_features = 2;
    p->n_informative = 2;
    p->n_redundant = 0;
    p->n_repeated = 0;
    p->n_clusters_per_class = 1;
    p->weights[0] = GEN_DEFAULT_WEIGHT0;
    p->weights[1] = GEN_DEFAULT_WEIGHT1;
    p->flip_y = GEN_DEFAULT_FLIP_Y;
    p->class_sep = GEN_DEFAULT_CLASS_SEP;
    p->seed = 0;
}

/* ------------------------------------------------------- cluster sizes */

/*
 * scikit-learn's rows per cluster, cluster k = 0 .. 2K-1 (K clusters per
 * class, class k % 2):
 *   base_c = (long)(n * w_c / K)          (double arithmetic, truncated)
 *   rem    = n - K * (base_0 + base_1)    handed out one by one to clusters
 *                                         0, 1, 2, ..., wrapping around.
 * So cluster k holds base_{k%2} + rem / 2K + (k < rem % 2K ? 1 : 0) rows.
 * *total is the rows before the remainder; it exceeds n when the weights add
 * up to more than 1 (scikit-learn then silently drops rows; wlr refuses).
 */
typedef struct {
    uint64_t base[2];
    uint64_t total;     /* K * (base_0 + base_1) */
    uint64_t n_clusters;
} cluster_sizes;

static cluster_sizes cluster_sizes_of(const wlr_gen_params *p)
{
    cluster_sizes c;
    double n = (double)p->n_samples, k = (double)p->n_clusters_per_class;
    for (int i = 0; i < 2; i++) c.base[i] = (uint64_t)(n * p->weights[i] / k);
    c.n_clusters = 2 * (uint64_t)p->n_clusters_per_class;
    c.total = (uint64_t)p->n_clusters_per_class * (c.base[0] + c.base[1]);
    return c;
}

static uint64_t cluster_rows(const cluster_sizes *c, uint64_t n, uint64_t k)
{
    uint64_t rem = n - c->total;
    return c->base[k % 2] + rem / c->n_clusters +
           (k < rem % c->n_clusters ? 1 : 0);
}

/* ---------------------------------------------------------- validation */

/* a + b, or SIZE_MAX if that overflows (then it exceeds any n_features). */
static size_t add_saturating(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static wlr_status check_counts(const wlr_gen_params *p, wlr_error *err)
{
    if (p->n_samples < 1)
        return wlr__fail(err, WLR_ERR_ARG, "n_samples: must be at least 1");
    if ((double)p->n_samples > GEN_MAX_SAMPLES)
        return wlr__fail(err, WLR_ERR_ARG, "n_samples: %zu exceeds 2^53",
                        p->n_samples);
    if (p->n_features < 1)
        return wlr__fail(err, WLR_ERR_ARG, "n_features: must be at least 1");
    if (p->n_informative < 1)
        return wlr__fail(err, WLR_ERR_ARG, "n_informative: must be at least 1");
    if (p->n_informative > GEN_MAX_INFORMATIVE)
        return wlr__fail(err, WLR_ERR_ARG, "n_informative: %zu exceeds %d, the "
                        "most supported", p->n_informative,
                        GEN_MAX_INFORMATIVE);
    size_t used = add_saturating(add_saturating(p->n_informative,
                                                p->n_redundant), p->n_repeated);
    if (used > p->n_features) {
        if (used == SIZE_MAX)
            return wlr__fail(err, WLR_ERR_ARG, "n_informative + n_redundant + "
                            "n_repeated exceeds n_features = %zu",
                            p->n_features);
        return wlr__fail(err, WLR_ERR_ARG, "n_informative + n_redundant + "
                        "n_repeated = %zu exceeds n_features = %zu", used,
                        p->n_features);
    }
    if (p->n_clusters_per_class < 1)
        return wlr__fail(err, WLR_ERR_ARG, "n_clusters_per_class: must be at "
                        "least 1");
    /* 2 * K distinct vertices of a hypercube with 2^informative vertices:
     * K <= 2^(informative - 1), written so that nothing overflows. */
    uint64_t half_vertices = (uint64_t)1 << (p->n_informative - 1);
    if ((uint64_t)p->n_clusters_per_class > half_vertices)
        return wlr__fail(err, WLR_ERR_ARG, "n_clusters_per_class: 2 classes x "
                        "%zu clusters exceed the 2^%zu = %llu corners of "
                        "n_informative = %zu dimensions",
                        p->n_clusters_per_class, p->n_informative,
                        (unsigned long long)(2 * half_vertices),
                        p->n_informative);
    return WLR_OK;
}

static wlr_status check_weights(const wlr_gen_params *p, wlr_error *err)
{
    for (int i = 0; i < 2; i++) {
        double w = p->weights[i];
        if (!(w >= 0.0 && w <= 1.0))  /* also catches NaN */
            return wlr__fail(err, WLR_ERR_ARG, "weights: weights[%d] = %g is "
                            "not in [0, 1]", i, w);
    }
    cluster_sizes c = cluster_sizes_of(p);
    if (c.total > p->n_samples)
        return wlr__fail(err, WLR_ERR_ARG, "weights: %g + %g give %llu rows, "
                        "more than n_samples = %zu (the weights must add up "
                        "to at most 1)", p->weights[0], p->weights[1],
                        (unsigned long long)c.total, p->n_samples);
    return WLR_OK;
}

wlr_status wlr_gen_check(const wlr_gen_params *p, wlr_error *err)
{
    wlr_status st = check_counts(p, err);
    if (st) return st;
    st = check_weights(p, err);
    if (st) return st;
    if (!(p->flip_y >= 0.0 && p->flip_y <= 1.0))
        return wlr__fail(err, WLR_ERR_ARG, "flip_y: %g is not in [0, 1]",
                        p->flip_y);
    if (!isfinite(p->class_sep))
        return wlr__fail(err, WLR_ERR_ARG, "class_sep: %g is not a finite "
                        "number", p->class_sep);
    return WLR_OK;
}

/* ---------------------------------------------- hypercube vertices */

/*
 * scikit-learn's sample_without_replacement(P, k): k distinct integers from
 * 0..P-1, by one of three methods chosen by ratio = k / P. Each reproduces
 * numpy's draws exactly; out[] receives them in scikit-learn's order.
 */

/* 0.01 < ratio < 0.99: the first k of permutation(P). */
static wlr_status swr_permutation(wlr__rng *rng, uint64_t pop, uint64_t k,
                                  uint32_t *out, wlr_error *err)
{
    size_t *perm = malloc((size_t)pop * sizeof *perm);
    if (!perm)
        return wlr__fail(err, WLR_ERR_NOMEM, "n_informative: out of memory "
                        "for the %llu hypercube corners",
                        (unsigned long long)pop);
    wlr__rng_permutation(rng, perm, (size_t)pop);
    for (uint64_t i = 0; i < k; i++) out[i] = (uint32_t)perm[i];
    free(perm);
    return WLR_OK;
}

/* Hash-set slot of v (Fibonacci hashing into 2^bits slots). */
static size_t slot_of(uint32_t v, int bits)
{
    return (size_t)(((uint64_t)v * 0x9e3779b97f4a7c15ULL) >> (64 - bits));
}

/* ratio < 0.01 (tracking selection): j = randint(P), redrawn while j was
 * already chosen. The chosen set is an open-addressing hash set of v + 1
 * (0 = empty) at most half full. */
static wlr_status swr_tracking(wlr__rng *rng, uint64_t pop, uint64_t k,
                               uint32_t *out, wlr_error *err)
{
    int bits = 1;
    while (((uint64_t)1 << bits) < 2 * k) bits++;
    size_t cap = (size_t)1 << bits;
    uint32_t *set = calloc(cap, sizeof *set);
    if (!set)
        return wlr__fail(err, WLR_ERR_NOMEM, "n_clusters_per_class: out of "
                        "memory for %llu clusters", (unsigned long long)k);
    for (uint64_t i = 0; i < k; i++) {
        for (;;) {
            uint32_t j = (uint32_t)wlr__rng_randint(rng, pop);
            size_t s = slot_of(j, bits);
            while (set[s] != 0 && set[s] != j + 1) s = (s + 1) & (cap - 1);
            if (set[s] == j + 1) continue;   /* already chosen: redraw */
            set[s] = j + 1;
            out[i] = j;
            break;
        }
    }
    free(set);
    return WLR_OK;
}

/* ratio >= 0.99 (reservoir): out = 0..k-1, then for i = k..P-1,
 * j = randint(i + 1) replaces out[j] by i when j < k. */
static void swr_reservoir(wlr__rng *rng, uint64_t pop, uint64_t k,
                          uint32_t *out)
{
    for (uint64_t i = 0; i < k; i++) out[i] = (uint32_t)i;
    for (uint64_t i = k; i < pop; i++) {
        uint64_t j = wlr__rng_randint(rng, i + 1);
        if (j < k) out[j] = (uint32_t)i;
    }
}

static wlr_status choose_vertices(wlr__rng *rng, size_t informative,
                                  uint64_t k, uint32_t *out, wlr_error *err)
{
    uint64_t pop = (uint64_t)1 << informative;
    double ratio = (double)k / (double)pop;
    if (ratio > SWR_PERMUTE_LOW && ratio < SWR_PERMUTE_HIGH)
        return swr_permutation(rng, pop, k, out, err);
    if (ratio < SWR_TRACKING_LIMIT)
        return swr_tracking(rng, pop, k, out, err);
    swr_reservoir(rng, pop, k, out);
    return WLR_OK;
}

/* Coordinate b of the centroid of vertex v: bit (D-1-b) of v (most
 * significant first, as numpy's unpackbits), mapped 0 -> -sep, 1 -> +sep
 * exactly as scikit-learn does it: bit * (2 sep) - sep. */
static double centroid_coord(uint32_t v, size_t informative, size_t b,
                             double sep)
{
    double bit = (double)((v >> (informative - 1 - b)) & 1U);
    return bit * (2.0 * sep) - sep;
}

/* The progress hook hears of every 2^20 rows of the informative features'
 * gaussians (most of generation's time). */
#define PROGRESS_ROWS ((size_t)(1 << 20) - 1)

/* ------------------------------------------------------------ features */

/* N(0, 1) into columns first..last-1 of every row, row by row (numpy fills
 * a (rows, columns) array in row-major order, one gaussian per element). */
static void fill_normals(wlr__rng *rng, wlr_dataset *d, size_t first,
                         size_t last)
{
    size_t n = d->n_rows;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = first; j < last; j++)
            d->x[j * n + i] = wlr__rng_normal(rng);
        if (first == 0 && (i & PROGRESS_ROWS) == PROGRESS_ROWS)
            wlr__progress("generate", (double)i, (double)n);
    }
}

/* `2 * uniform(size=(rows, cols)) - 1`, row-major: a random matrix with
 * entries in [-1, 1). */
static void random_matrix(wlr__rng *rng, double *m, size_t rows, size_t cols)
{
    for (size_t i = 0; i < rows * cols; i++)
        m[i] = 2.0 * wlr__rng_double(rng) - 1.0;
}

/*
 * Cluster k's rows start..stop-1: label k % 2, and informative part
 *   x <- x A + centroid,   (x A)_j = sum_t x_t A_tj
 * summed for t = 0, 1, ... from 0.0 (the order of the reference BLAS
 * numpy's dot uses). "+ 0.0" is scikit-learn's final `X += shift` with
 * shift 0: it turns -0.0 into +0.0 (and nothing else), done here once rather
 * than in another pass over the data. Later steps read these values, but a
 * zero's sign cannot change their results beyond the sign of a zero, which
 * they clear the same way.
 */
static void shape_cluster(wlr_dataset *d, size_t informative, const double *a,
                          const double *centroid, size_t start, size_t stop,
                          uint8_t label)
{
    size_t n = d->n_rows;
    double row[GEN_MAX_INFORMATIVE];
    for (size_t i = start; i < stop; i++) {
        for (size_t t = 0; t < informative; t++) row[t] = d->x[t * n + i];
        for (size_t j = 0; j < informative; j++) {
            double acc = 0.0;
            for (size_t t = 0; t < informative; t++)
                acc += row[t] * a[t * informative + j];
            d->x[j * n + i] = (acc + centroid[j]) + 0.0;
        }
        d->y[i] = label;
    }
}

/* Steps 1-3: centroids, informative gaussians, one covariance per cluster. */
static wlr_status make_clusters(wlr__rng *rng, const wlr_gen_params *p,
                                wlr_dataset *d, wlr_error *err)
{
    size_t inf = p->n_informative;
    cluster_sizes cs = cluster_sizes_of(p);
    uint32_t *vertex = malloc((size_t)cs.n_clusters * sizeof *vertex);
    if (!vertex)
        return wlr__fail(err, WLR_ERR_NOMEM, "n_clusters_per_class: out of "
                        "memory for %llu clusters",
                        (unsigned long long)cs.n_clusters);
    wlr_status st = choose_vertices(rng, inf, cs.n_clusters, vertex, err);
    if (st) {
        free(vertex);
        return st;
    }
    fill_normals(rng, d, 0, inf);

    double a[GEN_MAX_INFORMATIVE * GEN_MAX_INFORMATIVE];
    double centroid[GEN_MAX_INFORMATIVE];
    size_t stop = 0;
    for (uint64_t k = 0; k < cs.n_clusters; k++) {
        size_t start = stop;
        stop = start + (size_t)cluster_rows(&cs, p->n_samples, k);
        for (size_t b = 0; b < inf; b++)
            centroid[b] = centroid_coord(vertex[k], inf, b, p->class_sep);
        random_matrix(rng, a, inf, inf);
        shape_cluster(d, inf, a, centroid, start, stop, (uint8_t)(k % 2));
    }
    free(vertex);
    return WLR_OK;
}

/* Redundant column j = sum_t x_t B_tj over the informative columns, B a
 * random (informative x redundant) matrix; "+ 0.0" as in shape_cluster. */
static wlr_status add_redundant(wlr__rng *rng, const wlr_gen_params *p,
                                wlr_dataset *d, wlr_error *err)
{
    size_t inf = p->n_informative, red = p->n_redundant, n = d->n_rows;
    if (red == 0) return WLR_OK;
    double *b = malloc(inf * red * sizeof *b);
    if (!b)
        return wlr__fail(err, WLR_ERR_NOMEM, "n_redundant: out of memory");
    random_matrix(rng, b, inf, red);
    double row[GEN_MAX_INFORMATIVE];
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < inf; t++) row[t] = d->x[t * n + i];
        for (size_t j = 0; j < red; j++) {
            double acc = 0.0;
            for (size_t t = 0; t < inf; t++) acc += row[t] * b[t * red + j];
            d->x[(inf + j) * n + i] = acc + 0.0;
        }
    }
    free(b);
    return WLR_OK;
}

/* Repeated columns: all source indices are drawn first,
 *   idx = (long)((m - 1) * u + 0.5),  m = informative + redundant,
 * i.e. a rounded uniform choice among the first m columns; then copied. */
static void add_repeated(wlr__rng *rng, const wlr_gen_params *p,
                         wlr_dataset *d)
{
    size_t m = p->n_informative + p->n_redundant, n = d->n_rows;
    for (size_t r = 0; r < p->n_repeated; r++) {
        size_t src = (size_t)((double)(m - 1) * wlr__rng_double(rng) + 0.5);
        /* The draws happen before any copy, but a copy only reads columns
         * below m, which no copy writes, so drawing and copying in one loop
         * consumes the same numbers in the same order. */
        memcpy(&d->x[(m + r) * n], &d->x[src * n], n * sizeof *d->x);
    }
}

/*
 * Label noise: u = uniform() for every row first (even when flip_y is 0, so
 * the stream stays in step with scikit-learn); the rows with u < flip_y then
 * get y = randint(2), in row order.
 */
static void flip_labels(wlr__rng *rng, double flip_y, wlr_dataset *d)
{
    size_t n = d->n_rows;
    for (size_t i = 0; i < n; i++)
        if (wlr__rng_double(rng) < flip_y) d->y[i] |= FLIP_MARK;
    for (size_t i = 0; i < n; i++)
        if (d->y[i] & FLIP_MARK) d->y[i] = (uint8_t)wlr__rng_randint(rng, 2);
}

/* ------------------------------------------------------------- shuffles */

/* The feature columns the same way: permutation(n_features), new column c =
 * old column perm[c], done as the Fisher-Yates swaps on whole columns. */
static void shuffle_columns(wlr__rng *rng, wlr_dataset *d)
{
    size_t n = d->n_rows;
    for (size_t i = d->n_features; i-- > 1;) {
        size_t j = (size_t)wlr__rng_interval(rng, i);
        if (j == i) continue;
        double *a = d->x + i * n, *b = d->x + j * n;
        for (size_t r = 0; r < n; r++) {
            double t = a[r];
            a[r] = b[r];
            b[r] = t;
        }
    }
}

/* ---------------------------------------------------------------- main */

/* The clusters and the redundant features: the pass that first writes
 * every page of the data. */
typedef struct {
    wlr__rng *rng;
    const wlr_gen_params *p;
    wlr_dataset *out;
    wlr_error *err;
    wlr_status st;
} fill_job;

static void fill_informative(void *arg)
{
    fill_job *j = arg;
    j->st = make_clusters(j->rng, j->p, j->out, j->err);
    if (!j->st) j->st = add_redundant(j->rng, j->p, j->out, j->err);
}

wlr_status wlr_generate(const wlr_gen_params *p, wlr_dataset *out,
                        wlr_error *err)
{
    memset(out, 0, sizeof *out);
    wlr_status st = wlr_gen_check(p, err);
    if (st) return st;
    st = wlr_dataset_alloc(out, p->n_samples, p->n_features, err);
    if (st) return st;

    wlr__rng rng;
    wlr__rng_seed(&rng, p->seed);
    /* the first writes of every page, with its faults taken on a second
     * core (dataset.c) */
    fill_job fill = {&rng, p, out, err, WLR_OK};
    wlr__job jobs[2] = {{fill_informative, &fill}, {wlr__prefault, out}};
    wlr__run_jobs(jobs, wlr__prefault_wanted(out) ? 2 : 1);
    st = fill.st;
    if (st) {
        wlr_dataset_free(out);
        return st;
    }
    add_repeated(&rng, p, out);
    size_t used = p->n_informative + p->n_redundant + p->n_repeated;
    fill_normals(&rng, out, used, p->n_features);   /* useless features */
    flip_labels(&rng, p->flip_y, out);
    wlr__shuffle_rows(&rng, out);  /* dataset.c */
    shuffle_columns(&rng, out);
    return WLR_OK;
}
