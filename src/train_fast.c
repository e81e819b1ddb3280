/*
 * train_fast.c - the fast inner loops of training in double precision: the
 * training loss, the gradient a fit reports and Newton's sums, written so
 * that the compiler turns them into vector code. (Gradient descent's step,
 * in single precision, is train_step.c.)
 *
 * What they compute is train.c's reference arithmetic (see there and wlr.h):
 *   gradient sums  G = sum_i c_{y_i} s_i (p_i - y_i) (x_i, 1)
 *   loss sum       S = sum_i c_{y_i} s_i [ softplus(z_i) - y_i z_i ]
 * with two differences, both measured in tests/test_train.c:
 *   1. exp and log1p are our own polynomials (below), not libm calls: a call
 *      per row cannot be vectorised, and it costs ~10 ns.
 *   2. Sums run in LANES interleaved partial sums (row k of a run adds into
 *      lane k mod LANES), combined in a fixed order at the end.
 *      Floating-point addition is not associative, so without -ffast-math
 *      the compiler may not reorder a single running sum; LANES independent
 *      sums it may compute side by side. The order is fixed in the source,
 *      so the result is the same bits whatever vector width the machine has
 *      (the SSE2, AVX2 or AVX-512 clones, WLR__VECTOR_CLONES, do the same
 *      IEEE operations on each lane), and -ffp-contract=off keeps every
 *      multiply and add separately rounded.
 *
 * Rows are read in contiguous runs (a batch is one or two runs of the
 * column-major data; see train.c's THE ORDER OF ROWS), so every load is a
 * stream.
 */
#include "internal.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Interleaved partial sums: 8 doubles fill one AVX-512 register or two AVX2
 * ones, enough independent adds to hide the add latency. */
#define LANES 8
/* The loss adds each run of LOSS_BLOCK rows into its own partial sums
 * before adding those to the total: a two-level (blocked) summation whose
 * rounding error grows with LOSS_BLOCK / LANES + N / LOSS_BLOCK rather than
 * N / LANES. */
#define LOSS_BLOCK 4096

/* ------------------------------------------------------- exp and log1p */

/* exp(x) below EXP_MIN is not needed: e^-708 = 3e-308 is already below
 * every quantity it is added to by 290 orders of magnitude, and clamping
 * there keeps 2^n a normal number (n >= -1022). */
#define EXP_MIN (-708.0)
/* log2(e), and ln 2 split so that n * LN2_HI is exact for |n| < 2^11
 * (LN2_HI has 32 significant bits; fdlibm's constants). */
#define LOG2E 1.4426950408889634
#define LN2_HI 6.93147180369123816490e-01
#define LN2_LO 1.90821492927058770002e-10
#define LN2 0.69314718055994530942
/* Adding 1.5 * 2^52 rounds a double of magnitude < 2^51 to an integer
 * (the sum's ulp is 1) and leaves that integer in the low mantissa bits. */
#define ROUND_SHIFT 6755399441055744.0
#define SQRT2 1.41421356237309504880

/*
 * e^x for EXP_MIN <= x <= 0 (smaller x is clamped; NaN gives NaN):
 *   n = round(x / ln 2),  r = x - n ln 2,  |r| <= ln2 / 2 = 0.3466,
 *   e^x = 2^n e^r, e^r by its Taylor polynomial of degree 12, whose
 *   truncation error is below r^13 / 13! = 1.7e-16 relative; 2^n is built
 *   from its bits. Measured against glibc's exp over [-708, 0]: at most
 *   3 ulp (tests/test_train.c checks 4e-16 relative).
 */
static inline double exp_nonpos(double x)
{
    /* (selects between computed values only: a branch that computes, like
     * c ? 0.5 * u : u, is not turned into vector code, as the multiply
     * might trap) */
    x = x < EXP_MIN ? EXP_MIN : x;
    double t = fma(x, LOG2E, ROUND_SHIFT);
    double n = t - ROUND_SHIFT;
    double r = fma(-n, LN2_LO, fma(-n, LN2_HI, x));
    /* sum_{k=0}^{12} r^k / k!, by Horner's rule */
    double p = 1.0 / 479001600.0;
    p = fma(p, r, 1.0 / 39916800.0);
    p = fma(p, r, 1.0 / 3628800.0);
    p = fma(p, r, 1.0 / 362880.0);
    p = fma(p, r, 1.0 / 40320.0);
    p = fma(p, r, 1.0 / 5040.0);
    p = fma(p, r, 1.0 / 720.0);
    p = fma(p, r, 1.0 / 120.0);
    p = fma(p, r, 1.0 / 24.0);
    p = fma(p, r, 1.0 / 6.0);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1.0);
    p = fma(p, r, 1.0);
    /* 2^n: t's low bits hold 2^51 + n; adding the bias 1023 and shifting
     * into the exponent field keeps (n + 1023) mod 2^12, which is n + 1023
     * in 1..1023 for -1022 <= n <= 0. */
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    bits = (bits + 1023) << 52;
    double scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/*
 * log(1 + e) for 0 <= e <= 1 (what softplus needs, e = e^-|z|):
 *   u = 1 + e rounded; u = 2^k m with k = 1 if u > sqrt 2 (m = u / 2, exact)
 *   and m in [0.707, 1.414]; f = m - 1 (exact);
 *   log m = 2 atanh(s), s = f / (2 + f), |s| <= 0.1716,
 *         = 2 s (1 + s^2/3 + s^4/5 + ... + s^20/21), truncation below
 *           s^22 / 23 = 6e-19 relative;
 *   log(1 + e) = k ln 2 + log m.
 * The rounding of u = 1 + e costs at most half an ulp of 1 (1.1e-16) in the
 * result, so the error is absolute: measured at most 2.3e-16 over [0, 1]
 * against glibc's log1p (tests/test_train.c checks 4e-16). It is never
 * relative to tiny results, which is all a loss summed over rows needs.
 */
static inline double log1p_unit(double e)
{
    double u = 1.0 + e;
    double half = 0.5 * u;
    int big = u > SQRT2;
    double m = big ? half : u;
    double k = big ? 1.0 : 0.0;
    double f = m - 1.0;
    double s = f / (2.0 + f);
    double s2 = s * s;
    double q = 1.0 / 21.0;
    q = fma(q, s2, 1.0 / 19.0);
    q = fma(q, s2, 1.0 / 17.0);
    q = fma(q, s2, 1.0 / 15.0);
    q = fma(q, s2, 1.0 / 13.0);
    q = fma(q, s2, 1.0 / 11.0);
    q = fma(q, s2, 1.0 / 9.0);
    q = fma(q, s2, 1.0 / 7.0);
    q = fma(q, s2, 1.0 / 5.0);
    q = fma(q, s2, 1.0 / 3.0);
    q = fma(q, s2, 1.0);
    return k * LN2 + 2.0 * s * q;
}

double wlr__fast_exp(double x) { return exp_nonpos(x); }
double wlr__fast_log1p(double e) { return log1p_unit(e); }

/* One row's term c s [softplus(z) - y z], softplus(z) = max(z, 0) +
 * log(1 + e^-|z|). y z as a product (not a select) so that a NaN z makes
 * a NaN loss whatever the label: divergence must show. */
static inline double loss_term(double z, double yd, double w)
{
    double sp = (z > 0 ? z : 0.0) + log1p_unit(exp_nonpos(-fabs(z)));
    return w * (sp - yd * z);
}

/* --------------------------------------------------------- the loops */

/*
 * Each run of rows is cut into chunks of at most CHUNK rows, and each chunk
 * is done in plain loops over its rows, each of which the compiler turns
 * into vector code:
 *   1. per row: z_k = b + sum_j a_j x_kj (chunk_logits);
 *   2. per row: the gradient weight g_k = c s (p_k - y_k) (row_grads) or the
 *      loss term; the selects in them only the loop vectoriser turns into
 *      blends;
 *   3. acc[lane] += g_k x_kj, lane = k mod LANES: a reduction, done as
 *      LANES separate sums (lane_sums).
 */
#define CHUNK WLR__FAST_CHUNK

/* yd[k] = y_k, w[k] = c_{y_k} s_k for rows first .. first + n - 1. */
static inline __attribute__((always_inline)) void
chunk_labels(const wlr_dataset *d, const double cw[2], size_t first, size_t n,
             double *restrict yd, double *restrict w)
{
    const uint8_t *restrict y = d->y + first;
    double c0 = cw[0], c1 = cw[1];
    for (size_t k = 0; k < n; k++) yd[k] = (double)y[k];
    for (size_t k = 0; k < n; k++) w[k] = yd[k] != 0 ? c1 : c0;
    if (d->weight) {
        const double *restrict s = d->weight + first;
        for (size_t k = 0; k < n; k++) w[k] = w[k] * s[k];
    }
}

/* z[k] = c + a . x_k, adding the features in order as the reference does. */
static inline __attribute__((always_inline)) void
chunk_logits(const wlr_dataset *d, const double *a, double c, size_t first,
             size_t n, double *restrict z)
{
    size_t N = d->n_rows;
    if (d->n_features == 2) {
        const double *restrict x0 = d->x + first, *restrict x1 = d->x + N + first;
        double a0 = a[0], a1 = a[1];
        for (size_t k = 0; k < n; k++) {
            double t = c + a0 * x0[k];
            z[k] = t + a1 * x1[k];
        }
        return;
    }
    for (size_t k = 0; k < n; k++) z[k] = c;
    for (size_t j = 0; j < d->n_features; j++) {
        const double *restrict x = d->x + j * N + first;
        double aj = a[j];
        for (size_t k = 0; k < n; k++) z[k] = z[k] + aj * x[k];
    }
}

/*
 * acc[lane] += v[k] (u == NULL) or v[k] u[k], lane = k mod LANES.
 * The eight lanes are held as two vectors of four (GNU C vector types:
 * element-wise IEEE arithmetic, compiled to one AVX2 instruction or two
 * SSE2 ones, so every clone does the same operations). Written as plain
 * loops over acc[l], gcc 12 vectorises this reduction across rows and then
 * shuffles the lanes back into place: 4x slower (measured 0.73 vs 0.17 ns a
 * row for three sums).
 */
typedef double v4d __attribute__((vector_size(4 * sizeof(double))));
/* The same vector at any 8-byte-aligned address (as immintrin.h's __m256d_u). */
typedef double v4d_u __attribute__((vector_size(4 * sizeof(double)), aligned(8),
                                    may_alias));
#define AT4(p) (*(v4d_u *)(p))

static inline __attribute__((always_inline)) void
lane_sums(const double *restrict v, const double *restrict u, size_t n,
          double *restrict acc)
{
    v4d lo = AT4(acc), hi = AT4(acc + 4);  /* lanes 0-3, 4-7 */
    size_t k = 0;
    if (u) {
        for (; k + LANES <= n; k += LANES) {
            lo += AT4(v + k) * AT4(u + k);
            hi += AT4(v + k + 4) * AT4(u + k + 4);
        }
    } else {
        for (; k + LANES <= n; k += LANES) {
            lo += AT4(v + k);
            hi += AT4(v + k + 4);
        }
    }
    AT4(acc) = lo;
    AT4(acc + 4) = hi;
    for (size_t l = 0; k + l < n; l++) acc[l] += u ? v[k + l] * u[k + l] : v[k + l];
}

/* The lanes added in order. */
static inline double lanes_total(const double *acc)
{
    double sum = 0;
    for (size_t l = 0; l < LANES; l++) sum += acc[l];
    return sum;
}

/*
 * g[k] = c s (p_k - y_k) for the n rows from first, with z[k] their logits.
 * p - y is computed without cancellation, from e = e^-|z| (never
 * overflows):
 *   y = 0:  p     =  1 / (1 + e) if z >= 0,   e / (1 + e) if z < 0
 *   y = 1:  p - 1 = -e / (1 + e) if z >= 0,  -1 / (1 + e) if z < 0
 * so g = w u / (1 + e) with the signed weight w = c_0 s (y = 0) or -c_1 s
 * (y = 1) and u = 1 where the signs of z and w agree, else e. Every row's
 * g has a small RELATIVE error, also where p is near y (a subtraction
 * p - y would lose it all there).
 * Here in double precision, with exp_nonpos: relative error ~5e-16 (the
 * final gradient, Newton). Gradient descent's step does the same in single
 * precision (train_step.c).
 */
/* Rows are padded to a multiple of this for row_grads: a whole number of
 * vectors, so that no row falls to a scalar remainder loop. */
#define ROW_PAD 8

static inline __attribute__((always_inline)) void
row_grads(const wlr_dataset *d, const double cw[2], size_t first, size_t n,
          double *restrict z, double *restrict w, double *restrict g,
          double *restrict ex)
{
    const uint8_t *restrict y = d->y + first;
    double c0 = cw[0], nc1 = -cw[1];
    size_t padded = (n + ROW_PAD - 1) / ROW_PAD * ROW_PAD;
    /* the signed weights, in a loop of their own (one that mixes bytes and
     * doubles is vectorised 64 rows at a time and runs out of registers) */
    for (size_t k = 0; k < n; k++) w[k] = y[k] ? nc1 : c0;
    if (d->weight) {
        const double *restrict s = d->weight + first;
        for (size_t k = 0; k < n; k++) w[k] = w[k] * s[k];
    }
    /* padding rows: g = 0, never summed */
    for (size_t k = n; k < padded; k++) z[k] = w[k] = 0;
    for (size_t k = 0; k < padded; k++) {
        double e = exp_nonpos(-fabs(z[k]));
        double u = (z[k] >= 0) == (w[k] >= 0) ? 1.0 : e;
        g[k] = w[k] * (u / (1.0 + e));
        if (ex) ex[k] = e;  /* for Newton's curvature */
    }
}

/* G[0..D] = sum over the rows of runs (first[r], count[r]), r < n_runs, of
 * c s (p - y) (x, 1), at the original-scale parameters (a, c). scratch holds
 * (D + 1) * LANES doubles. */
static inline __attribute__((always_inline)) void
batch_sums(const wlr_dataset *d, const double cw[2], const double *a, double c,
           const size_t *first, const size_t *count, int n_runs, double *G,
           double *scratch)
{
    size_t D = d->n_features, N = d->n_rows;
    double z[CHUNK], w[CHUNK], g[CHUNK];
    memset(scratch, 0, (D + 1) * LANES * sizeof *scratch);
    for (int r = 0; r < n_runs; r++) {
        for (size_t i = first[r]; i < first[r] + count[r]; i += CHUNK) {
            size_t n = first[r] + count[r] - i;
            if (n > CHUNK) n = CHUNK;
            chunk_logits(d, a, c, i, n, z);
            row_grads(d, cw, i, n, z, w, g, NULL);
            for (size_t j = 0; j < D; j++)
                lane_sums(g, d->x + j * N + i, n, scratch + j * LANES);
            lane_sums(g, NULL, n, scratch + D * LANES);
        }
    }
    for (size_t j = 0; j <= D; j++) G[j] = lanes_total(scratch + j * LANES);
}

/* sums[k] = the loss terms of LOSS_BLOCK-row block k, for blocks b0 .. b1 - 1,
 * each summed in its own LANES partial sums combined in lane order. */
WLR__VECTOR_CLONES
static void loss_blocks(const wlr_dataset *d, const double cw[2],
                        const double *a, double c, size_t b0, size_t b1,
                        double *sums)
{
    double z[CHUNK], t[CHUNK], yd[CHUNK];
    for (size_t blk = b0; blk < b1; blk++) {
        size_t b = blk * LOSS_BLOCK;
        size_t end = d->n_rows - b < LOSS_BLOCK ? d->n_rows : b + LOSS_BLOCK;
        double acc[LANES] = {0};
        for (size_t i = b; i < end; i += CHUNK) {
            size_t n = end - i < CHUNK ? end - i : CHUNK;
            chunk_labels(d, cw, i, n, yd, t);
            chunk_logits(d, a, c, i, n, z);
            for (size_t k = 0; k < n; k++) t[k] = loss_term(z[k], yd[k], t[k]);
            lane_sums(t, NULL, n, acc);
        }
        sums[blk - b0] = lanes_total(acc);
    }
}

/*
 * BOTH CORES for the loss: the blocks are shared out between threads in
 * contiguous ranges, each block's sum is what one thread alone computes,
 * and the block sums are added in block order by the caller. So the loss is
 * the same bits with 1, 2 or 8 threads, and on any machine that picks the
 * same clone.
 */
/* Fewer rows than this are done on the calling thread. Starting and joining
 * a thread costs 20-50 us on an idle machine, the loss of 64k rows ~150 us;
 * but on a busy machine the second thread may wait milliseconds for a core
 * (measured: the tutorial's 80,000-row fit went from 19 to 27-42 ms under a
 * load of 5 on 2 cores). From 1M rows (2.5 ms a pass) the gain is safe:
 * 1e8 rows, 1.85 -> 1.02 s an epoch. */
#define PARALLEL_MIN_ROWS (1u << 20)
/* At most this many threads (the machine's online cores, if fewer). */
#define MAX_THREADS 8

/* Threads for n rows: 1 below PARALLEL_MIN_ROWS, else the online cores
 * (at most MAX_THREADS). */
static size_t threads_for(size_t n)
{
    long cores = n >= PARALLEL_MIN_ROWS ? sysconf(_SC_NPROCESSORS_ONLN) : 1;
    return cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (size_t)cores;
}

/* work(jobs[t]) for t < n: job 0 on the calling thread, the others on
 * threads of their own; a thread that fails to start is run here. Each job
 * writes only its own results, so the outcome is the same either way. */
static void run_jobs(void *(*work)(void *), void *jobs, size_t size, size_t n)
{
    pthread_t tid[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    char *job = jobs;
    for (size_t t = 1; t < n; t++)
        started[t] = pthread_create(&tid[t], NULL, work, job + t * size) == 0;
    work(job);
    for (size_t t = 1; t < n; t++) {
        if (started[t]) pthread_join(tid[t], NULL);
        else work(job + t * size);
    }
}

typedef struct {
    const wlr_dataset *d;
    const double *cw, *a;
    double c;
    size_t b0, b1;
    double *sums;
} loss_job;

static void *loss_worker(void *arg)
{
    loss_job *j = arg;
    loss_blocks(j->d, j->cw, j->a, j->c, j->b0, j->b1, j->sums + j->b0);
    return NULL;
}

/* (1/N) sum_i c_{y_i} s_i [log(1 + e^{z_i}) - y_i z_i] at (a, c), the
 * unpenalised loss. Error: at most ~3e-16 per row and unit of row weight
 * from the approximations, plus the summation's (blocked, see LOSS_BLOCK).
 * If memory or threads are short it does the work itself: same result. */
double wlr__fast_loss(const wlr_dataset *d, const double cw[2], const double *a,
                     double c)
{
    size_t n_blocks = (d->n_rows + LOSS_BLOCK - 1) / LOSS_BLOCK;
    size_t threads = threads_for(d->n_rows);
    double *sums = threads > 1 ? malloc(n_blocks * sizeof *sums) : NULL;
    double total = 0;
    if (!sums) {
        /* one block at a time, added in order: the same sums as below */
        for (size_t b = 0; b < n_blocks; b++) {
            double one;
            loss_blocks(d, cw, a, c, b, b + 1, &one);
            total += one;
        }
        return total / (double)d->n_rows;
    }
    loss_job jobs[MAX_THREADS];
    for (size_t t = 0; t < threads; t++)
        jobs[t] = (loss_job){d, cw, a, c, n_blocks * t / threads,
                             n_blocks * (t + 1) / threads, sums};
    run_jobs(loss_worker, jobs, sizeof *jobs, threads);
    for (size_t b = 0; b < n_blocks; b++) total += sums[b];
    free(sums);
    return total / (double)d->n_rows;
}

/* ------------------------------------------------------ batch sums */

/*
 * A batch's rows, in order, are those of its first run then its second; a
 * batch of more than GRAD_BLOCK rows (full-batch descent, the final
 * gradient) is summed block by block, GRAD_BLOCK rows a block, each block
 * in its own lanes (batch_sums), and the block sums are added in block
 * order. The blocks are the same whatever the number of threads, so the
 * sums are the same bits on 1, 2 or 8 of them; a batch of at most
 * GRAD_BLOCK rows is one block, summed as before.
 */
#define GRAD_BLOCK WLR__FAST_GRAD_BLOCK

/* The rows lo .. hi - 1 of a batch (in the order above) as runs. */
static int block_runs(const size_t *first, const size_t *count, int n_runs,
                      size_t lo, size_t hi, size_t f[2], size_t n[2])
{
    int k = 0;
    size_t start = 0;   /* the batch position of run r's first row */
    for (int r = 0; r < n_runs; start += count[r], r++) {
        size_t a = lo > start ? lo : start;
        size_t b = hi < start + count[r] ? hi : start + count[r];
        if (a < b) {
            f[k] = first[r] + (a - start);
            n[k++] = b - a;
        }
    }
    return k;
}

/* One job of block sums: blocks b0 .. b1 - 1 of a batch, each by sum. */
typedef struct {
    wlr__block_sums sum;
    const void *ctx;
    size_t P;           /* sums per block */
    const size_t *first, *count;
    int n_runs;
    size_t b0, b1;      /* blocks b0 .. b1 - 1 */
    double *sums;       /* P per block, from block b0's */
    double *scratch;    /* P * LANES, this job's own */
} grad_job;

static void grad_blocks(const grad_job *j)
{
    size_t total = 0;
    for (int r = 0; r < j->n_runs; r++) total += j->count[r];
    for (size_t blk = j->b0; blk < j->b1; blk++) {
        size_t lo = blk * GRAD_BLOCK, f[2], n[2];
        size_t hi = total - lo < GRAD_BLOCK ? total : lo + GRAD_BLOCK;
        int runs = block_runs(j->first, j->count, j->n_runs, lo, hi, f, n);
        j->sum(j->ctx, f, n, runs, j->sums + (blk - j->b0) * j->P, j->scratch);
    }
}

static void *grad_worker(void *arg)
{
    grad_job *j = arg;
    grad_blocks(j);
    return NULL;
}

void wlr__sums_by_blocks(wlr__block_sums sum, const void *ctx, size_t P,
                        const size_t *first, const size_t *count, int n_runs,
                        double *G, double *scratch)
{
    size_t total = 0;
    for (int r = 0; r < n_runs; r++) total += count[r];
    size_t n_blocks = (total + GRAD_BLOCK - 1) / GRAD_BLOCK;
    grad_job job = {sum, ctx, P, first, count, n_runs, 0, 1, G, scratch};
    if (n_blocks <= 1) {
        grad_blocks(&job);
        return;
    }
    size_t threads = threads_for(total);
    double *mem = threads > 1
        ? malloc((n_blocks * P + threads * P * LANES) * sizeof *mem) : NULL;
    memset(G, 0, P * sizeof *G);
    if (!mem) {
        double *block = scratch + P * LANES;
        job.sums = block;
        for (job.b0 = 0; job.b0 < n_blocks; job.b0++) {
            job.b1 = job.b0 + 1;
            grad_blocks(&job);
            for (size_t k = 0; k < P; k++) G[k] += block[k];
        }
        return;
    }
    grad_job jobs[MAX_THREADS];
    for (size_t t = 0; t < threads; t++) {
        jobs[t] = job;
        jobs[t].b0 = n_blocks * t / threads;
        jobs[t].b1 = n_blocks * (t + 1) / threads;
        jobs[t].sums = mem + jobs[t].b0 * P;
        jobs[t].scratch = mem + n_blocks * P + t * P * LANES;
    }
    run_jobs(grad_worker, jobs, sizeof *jobs, threads);
    for (size_t b = 0; b < n_blocks; b++)
        for (size_t k = 0; k < P; k++) G[k] += mem[b * P + k];
    free(mem);
}

/* The final gradient's block: batch_sums in double at (a, c). */
typedef struct {
    const wlr_dataset *d;
    const double *cw, *a;
    double c;
} grad_ctx;

WLR__VECTOR_CLONES
static void grad_block(const void *ctx, const size_t *first, const size_t *count,
                       int n_runs, double *out, double *scratch)
{
    const grad_ctx *g = ctx;
    batch_sums(g->d, g->cw, g->a, g->c, first, count, n_runs, out, scratch);
}

void wlr__fast_grad_sums(const wlr_dataset *d, const double cw[2],
                        const double *a, double c, const size_t *first,
                        const size_t *count, int n_runs, double *G,
                        double *scratch)
{
    grad_ctx g = {d, cw, a, c};
    wlr__sums_by_blocks(grad_block, &g, d->n_features + 1, first, count, n_runs,
                       G, scratch);
}

/* Is |(x_i - mu) inv| <= bound (and so not a NaN) for every i < n? A plain
 * loop with an integer "or", which the compiler vectorises (train_step.c
 * asks it once of every column it will step in single precision). */
WLR__VECTOR_CLONES
int wlr__fast_within(const double *x, size_t n, double mu, double inv,
                    double bound)
{
    int out = 0;
    for (size_t i = 0; i < n; i++) out |= !(fabs((x[i] - mu) * inv) <= bound);
    return !out;
}

/* ------------------------------------------------------ Newton's sums */

/*
 * Newton's sums at (a, c) over all rows, in one pass: the loss sum, and the
 * gradient and Hessian sums on the scaled features x'_j = (x_j - mu_j) / sd_j
 * that Newton steps in, x~ = (x', 1):
 *   S = sum_i c s [softplus(z_i) - y_i z_i]                (loss_term)
 *   g = sum_i r_i x~_i,            r = c s (p - y)
 *   H = sum_i h_i x~_i x~_i^T,     h = c s p (1 - p)
 * all in double precision, from e = e^-|z| and q = 1 / (1 + e), one
 * division a row:
 *   r = w u q   (w = c_0 s or -c_1 s, u = 1 or e: see row_grads; one
 *               rounding apart from the final gradient's w u / (1 + e))
 *   h = |w| e q^2   (p (1 - p) = e / (1 + e)^2 for either sign of z;
 *                    s >= 0, which wlr_train checks).
 * z is computed on the original scale at (a, c), the same number. The
 * features are centred and scaled row by row before the products, as the
 * reference path does: summing on the original scale and transforming
 * afterwards would cancel about 2 log10(mu / sd) digits (a feature at
 * 1e8 +- 1 stopped Newton converging). H[j * P + k] for every j, k
 * (symmetric). g and H in LANES lanes as the batch sums; S block by block
 * exactly as wlr__fast_loss does (LOSS_BLOCK rows a block in LANES lanes,
 * the blocks added in order), so that S is the same bits as N times
 * wlr__fast_loss. scratch holds WLR__NEWTON_SCRATCH(D) doubles.
 */
WLR__VECTOR_CLONES
void wlr__fast_newton_sums(const wlr_dataset *d, const double cw[2],
                          const double *a, double c, const double *mu,
                          const double *sd, double *loss, double *g, double *H,
                          double *scratch)
{
    size_t D = d->n_features, P = D + 1, N = d->n_rows;
    /* lanes: g_j at j, then H_jk (k <= j) at P + j (j + 1) / 2 + k, then
     * the loss block's; then the chunk's scaled columns, CHUNK rows each */
    size_t n_sums = P + P * (P + 1) / 2 + 1;
    double z[CHUNK], w[CHUNK], r[CHUNK], h[CHUNK], t[CHUNK], e[CHUNK];
    memset(scratch, 0, n_sums * LANES * sizeof *scratch);
    double *acc_g = scratch, *acc_h = scratch + P * LANES;
    double *acc_loss = scratch + (n_sums - 1) * LANES, total = 0;
    double *xs = scratch + n_sums * LANES;
    const uint8_t *y = d->y;
    /* unstandardised (mu = 0, sd = 1): the columns themselves, no copy */
    int identity = 1;
    for (size_t j = 0; j < D; j++) identity &= mu[j] == 0 && sd[j] == 1;
    size_t stride = identity ? N : CHUNK;
#define HLANES(j, k) (acc_h + ((j) * ((j) + 1) / 2 + (k)) * LANES)
    for (size_t i = 0; i < N; i += CHUNK) {
        size_t n = N - i < CHUNK ? N - i : CHUNK;
        chunk_logits(d, a, c, i, n, z);
        /* the signed weights, as row_grads */
        for (size_t k = 0; k < n; k++) w[k] = y[i + k] ? -cw[1] : cw[0];
        if (d->weight)
            for (size_t k = 0; k < n; k++) w[k] = w[k] * d->weight[i + k];
        for (size_t k = 0; k < n; k++) {
            double ek = exp_nonpos(-fabs(z[k])), q = 1.0 / (1.0 + ek);
            double u = (z[k] >= 0) == (w[k] >= 0) ? 1.0 : ek;
            r[k] = w[k] * (u * q);
            h[k] = fabs(w[k]) * (ek * q * q);
            e[k] = ek;
        }
        /* the loss terms, |w| = c s */
        for (size_t k = 0; k < n; k++) {
            double sp = (z[k] > 0 ? z[k] : 0.0) + log1p_unit(e[k]);
            t[k] = fabs(w[k]) * (sp - (double)y[i + k] * z[k]);
        }
        lane_sums(t, NULL, n, acc_loss);
        if ((i + n) % LOSS_BLOCK == 0 || i + n == N) {
            total += lanes_total(acc_loss);
            memset(acc_loss, 0, LANES * sizeof *acc_loss);
        }
        const double *cols = identity ? d->x + i : xs;
        for (size_t j = 0; j < D && !identity; j++) {
            const double *restrict x = d->x + j * N + i;
            double *restrict xj = xs + j * CHUNK, m = mu[j], sj = sd[j];
            for (size_t k = 0; k < n; k++) xj[k] = (x[k] - m) / sj;
        }
        for (size_t j = 0; j < D; j++) {
            const double *xj = cols + j * stride;
            lane_sums(r, xj, n, acc_g + j * LANES);
            for (size_t k = 0; k < n; k++) t[k] = h[k] * xj[k];
            for (size_t k = 0; k <= j; k++)
                lane_sums(t, cols + k * stride, n, HLANES(j, k));
            lane_sums(t, NULL, n, HLANES(D, j));
        }
        lane_sums(r, NULL, n, acc_g + D * LANES);
        lane_sums(h, NULL, n, HLANES(D, D));
    }
    *loss = total;
    for (size_t j = 0; j < P; j++) {
        g[j] = lanes_total(acc_g + j * LANES);
        for (size_t k = 0; k <= j; k++)
            H[j * P + k] = H[k * P + j] = lanes_total(HLANES(j, k));
    }
#undef HLANES
}
