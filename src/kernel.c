/*
 * kernel.c - choosing the fast path, and feeding its kernels (kernel.h):
 * gradient descent's rows as floats, a batch cut into chunks, big passes
 * cut into blocks shared between the cores.
 *
 * THE CHOICE is made once, at the first use: the environment variable
 * WLR_KERNEL if set (scalar, avx2, neon; an empty value or "auto" is no
 * choice), else the best path this build has and the CPU runs. A forced
 * path the CPU cannot run makes training fail with a message saying so
 * (wlr__kernel_check), never a crash on an illegal instruction.
 *
 * THE ROWS a step reads are x'_ij = (x_ij - mu_j) / sd_j and the signed row
 * weight v_i = c_0 s_i (y_i = 0) or -c_1 s_i (y_i = 1), as floats, in D + 1
 * columns: from a copy made once, when the data is small enough for a copy
 * to stay in the cache from epoch to epoch (WLR__COPY_MAX), or converted a
 * chunk at a time into a small buffer, for data too big to copy. The same
 * function converts both ways, so both give the same floats and the same
 * sums. When a feature or a row weight is beyond what a float holds safely
 * (see fits_floats), or there are more than WLR__STEP_MAX_D features, the
 * step is summed in double by the sums kernel instead.
 */
#include "kernel.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the paths */

static const wlr__kernel paths[] = {
    {"scalar", wlr__step_scalar, wlr__sums_scalar},
#if defined(__x86_64__)
    {"avx2", wlr__step_avx2, wlr__sums_avx2},
#endif
#if defined(__aarch64__)
    {"neon", wlr__step_neon, wlr__sums_neon},
#endif
};
#define N_PATHS (sizeof paths / sizeof paths[0])

/* Can this CPU run path k? */
static int runs_here(size_t k)
{
#if defined(__x86_64__) && defined(__GNUC__)
    if (strcmp(paths[k].name, "avx2") == 0) {
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
#endif
    (void)k;
    return 1;   /* scalar everywhere, neon on every aarch64 */
}

const wlr__kernel *wlr__kernel_named(const char *name)
{
    for (size_t k = 0; k < N_PATHS; k++)
        if (strcmp(paths[k].name, name) == 0) return runs_here(k) ? &paths[k] : NULL;
    return NULL;
}

size_t wlr__kernels_available(const wlr__kernel **out)
{
    size_t n = 0;
    for (size_t k = 0; k < N_PATHS; k++)
        if (runs_here(k)) out[n++] = &paths[k];
    return n;
}

static const wlr__kernel *chosen;
static pthread_once_t choose_once = PTHREAD_ONCE_INIT;

static void choose(void)
{
    const char *forced = getenv("WLR_KERNEL");
    if (forced && *forced && strcmp(forced, "auto") != 0) {
        chosen = wlr__kernel_named(forced);
        return;
    }
    for (size_t k = N_PATHS; k-- > 0;)
        if (runs_here(k)) {
            chosen = &paths[k];
            return;
        }
}

const wlr__kernel *wlr__kernel_get(void)
{
    pthread_once(&choose_once, choose);
    return chosen;
}

void wlr__kernel_use(const wlr__kernel *k)
{
    pthread_once(&choose_once, choose);
    chosen = k;
}

const char *wlr_kernel(void)
{
    const wlr__kernel *k = wlr__kernel_get();
    return k ? k->name : NULL;
}

wlr_status wlr__kernel_check(wlr_error *err)
{
    if (wlr__kernel_get()) return WLR_OK;
    char have[64] = "";
    for (size_t k = 0; k < N_PATHS; k++)
        if (runs_here(k)) {
            if (*have) strcat(have, ", ");
            strcat(have, paths[k].name);
        }
    return wlr__fail(err, WLR_ERR_ARG, "WLR_KERNEL=%s: this build or CPU has no "
                     "such path (it has: %s)", getenv("WLR_KERNEL"), have);
}

/* ------------------------------------------------------- big passes */

/* A batch or pass of more rows than this is summed in blocks of this many,
 * each from fresh lanes, the blocks' sums added in block order: the same
 * blocks, so the same bits, whether one thread does them all or several
 * share them (from WLR__PARALLEL_MIN_ROWS rows). */
#define BLOCK_ROWS ((size_t)1 << 16)

/* Rows lo .. hi - 1 of the view (p, theta) as blocks: out[q] = block q's
 * sums, n_out each, from `sum(ctx, first, count, out, scratch)`. */
typedef void (*block_fn)(const void *ctx, size_t first, size_t count,
                         double *out, double *scratch);

typedef struct {
    block_fn sum;
    const void *ctx;
    size_t lo, hi;          /* the rows */
    size_t b0, b1;          /* this job's blocks */
    size_t n_out;
    double *out;            /* n_out per block, block b0's first */
    double *scratch;
} block_job;

static void run_blocks(void *arg)
{
    block_job *j = arg;
    for (size_t b = j->b0; b < j->b1; b++) {
        size_t first = j->lo + b * BLOCK_ROWS;
        size_t count = j->hi - first < BLOCK_ROWS ? j->hi - first : BLOCK_ROWS;
        j->sum(j->ctx, first, count, j->out + (b - j->b0) * j->n_out, j->scratch);
    }
}

/* total[0 .. n_out-1] += the sums of rows lo .. hi - 1 block by block,
 * added in block order; the blocks on the cores wlr__threads_for gives,
 * scratch_n doubles of scratch a thread, or, if memory for that runs out,
 * one after another on this thread in own (n_out + scratch_n doubles): the
 * same sums either way. */
static void sum_blocks(block_fn sum, const void *ctx, size_t lo, size_t hi,
                       size_t n_out, size_t scratch_n, double *own, double *total)
{
    size_t n_blocks = (hi - lo + BLOCK_ROWS - 1) / BLOCK_ROWS;
    size_t threads = wlr__threads_for(hi - lo);
    if (threads > n_blocks) threads = n_blocks > 0 ? n_blocks : 1;
    double *mem = malloc((n_blocks * n_out + threads * scratch_n + 1) * sizeof *mem);
    if (!mem) {
        block_job one = {sum, ctx, lo, hi, 0, 0, n_out, own, own + n_out};
        for (size_t b = 0; b < n_blocks; b++) {
            one.b0 = b;
            one.b1 = b + 1;
            run_blocks(&one);
            for (size_t q = 0; q < n_out; q++) total[q] += own[q];
        }
        return;
    }
    block_job jobs[WLR__MAX_THREADS];
    wlr__job run[WLR__MAX_THREADS];
    for (size_t t = 0; t < threads; t++) {
        size_t b0 = n_blocks * t / threads, b1 = n_blocks * (t + 1) / threads;
        jobs[t] = (block_job){sum, ctx, lo, hi, b0, b1, n_out, mem + b0 * n_out,
                              mem + n_blocks * n_out + t * scratch_n};
        run[t] = (wlr__job){run_blocks, &jobs[t]};
    }
    wlr__run_jobs(run, threads);
    for (size_t b = 0; b < n_blocks; b++)
        for (size_t q = 0; q < n_out; q++) total[q] += mem[b * n_out + q];
    free(mem);
}

/* ----------------------------------------------------- the objective */

static void sums_block(const void *ctx, size_t first, size_t count, double *out,
                       double *scratch)
{
    wlr__kernel_get()->sums(ctx, first, first + count, out, scratch);
}

/* The scaling as the kernels take it: mu NULL when x' = x. */
static void scaling_view(const wlr__scaling *s, const double **mu,
                         double *inv_sd)
{
    int on = s && s->on;
    *mu = on ? s->mu : NULL;
    for (size_t j = 0; on && j < s->n; j++) inv_sd[j] = 1.0 / s->sd[j];
}

/*
 * train.c's wlr__objective from the sums kernel: the same L, gradient and
 * Hessian (see there), the sums in blocks. Falls back to the reference if
 * memory runs out (the same numbers to rounding).
 */
double wlr__objective_fast(const wlr__problem *p, const double *theta,
                           double *grad, double *hess)
{
    const wlr_dataset *d = p->d;
    size_t D = d->n_features, P = D + 1, N = d->n_rows;
    size_t n_out = WLR__SUMS_OUT(D, hess != NULL), scratch_n = WLR__SUMS_SCRATCH(D);
    double *mem = malloc((2 * n_out + D + scratch_n) * sizeof *mem);
    if (!mem || !wlr__kernel_get()) {
        free(mem);
        return wlr__objective(p, theta, grad, hess);
    }
    double *sums = mem, *inv_sd = mem + n_out, *own = inv_sd + D;
    wlr__sums_args a = {d, NULL, NULL, {p->cw[0], p->cw[1]}, theta, hess != NULL};
    scaling_view(p->s, &a.mu, inv_sd);
    if (a.mu) a.inv_sd = inv_sd;
    memset(sums, 0, n_out * sizeof *sums);
    sum_blocks(sums_block, &a, 0, N, n_out, scratch_n, own, sums);
    /* the means, plus the penalty (l2/2) sum_j (w'_j / sd_j)^2, its
     * gradient and its curvature (train.c) */
    double loss = sums[0] / (double)N;
    if (grad)
        for (size_t j = 0; j < P; j++) grad[j] = sums[1 + j] / (double)N;
    if (hess) {
        const double *H = sums + 1 + P;
        for (size_t j = 0; j < P; j++)
            for (size_t k = 0; k <= j; k++)
                hess[j * P + k] = hess[k * P + j] = H[j * (j + 1) / 2 + k] / (double)N;
    }
    loss += wlr__penalty(p->s, p->l2, D, theta, grad, hess);
    free(mem);
    return loss;
}

/* --------------------------------------------------- gradient descent's rows */

/* The data is copied as floats when the copy takes at most this many bytes:
 * small enough to stay in the cache across epochs, where reading floats
 * twice as dense as the doubles pays (bench/README.md). Bigger data is
 * converted a chunk at a time as it is read. */
#define WLR__COPY_MAX ((size_t)8 << 20)
/* More features than this: the step is summed in double (its chunk buffer
 * would grow past 256 KB). */
#define WLR__STEP_MAX_D 256
/* Floats reach 3.4e38: z = b' + sum_j w'_j x'_j must not overflow them
 * while the model is sane, so the float step needs |x'| <= 2^64; and a row
 * weight c_y s within [2^-64, 2^40] (or 0), so that |g x'| <= 2^104 and the
 * typical g (v times a p - y of 1e-3 to 1) stays a normal float. */
#define STEP_MAX_X 18446744073709551616.0
#define STEP_MIN_W 0x1p-64
#define STEP_MAX_W 0x1p40

struct wlr__rows {
    const wlr_dataset *d;
    const double *mu;       /* NULL: x' = x */
    double *inv_sd;         /* D */
    double cw[2];
    int in_double;          /* 1: the step in double (the sums kernel) */
    float *copy;            /* D + 1 columns of `stride` floats, or NULL */
    size_t stride;
    float *stage;           /* converting: D + 1 columns of STAGE_ROWS */
    double *scratch;        /* a block's D + 1 sums and its scratch, for this
                               thread */
};

/* The staging buffer's rows: a chunk and the lanes a kernel may read past
 * it. */
#define STAGE_ROWS (WLR__CHUNK + WLR__LANES)

/* Doubles of scratch a block of a big batch needs (besides its D + 1
 * sums): the sums kernel's, or a staging buffer of floats. */
static size_t block_scratch(const wlr__rows *r)
{
    size_t D = r->d->n_features;
    return r->in_double ? WLR__SUMS_OUT(D, 0) + WLR__SUMS_SCRATCH(D)
                        : (D + 1) * STAGE_ROWS / 2 + 1;
}

/* Rows i .. i + n - 1 as floats into D + 1 columns of `stride` at out:
 * x'_j = (float)((x - mu_j) inv_sd_j), v = (float)(c s) with its sign. */
static void convert_rows(const wlr__rows *r, size_t i, size_t n, float *out,
                         size_t stride)
{
    const wlr_dataset *d = r->d;
    size_t D = d->n_features, N = d->n_rows;
    for (size_t j = 0; j < D; j++) {
        const double *restrict x = d->x + j * N + i;
        float *restrict o = out + j * stride;
        if (r->mu) {
            double m = r->mu[j], s = r->inv_sd[j];
            for (size_t k = 0; k < n; k++) o[k] = (float)((x[k] - m) * s);
        } else {
            for (size_t k = 0; k < n; k++) o[k] = (float)x[k];
        }
    }
    const uint8_t *restrict y = d->y + i;
    float *restrict v = out + D * stride;
    double c0 = r->cw[0], nc1 = -r->cw[1];
    if (d->weight) {
        const double *restrict s = d->weight + i;
        for (size_t k = 0; k < n; k++) v[k] = (float)((y[k] ? nc1 : c0) * s[k]);
    } else {
        for (size_t k = 0; k < n; k++) v[k] = (float)(y[k] ? nc1 : c0);
    }
}

/* Can the float step take these rows (see STEP_MAX_X, STEP_MIN_W)? Every
 * x' within +-STEP_MAX_X (none a NaN), every c_y s 0 or within
 * [STEP_MIN_W, STEP_MAX_W] (checked against the extreme s). */
static int fits_floats(const wlr__rows *r)
{
    const wlr_dataset *d = r->d;
    size_t N = d->n_rows;
    for (size_t j = 0; j < d->n_features; j++) {
        const double *x = d->x + j * N;
        double m = r->mu ? r->mu[j] : 0.0, s = r->mu ? r->inv_sd[j] : 1.0;
        int bad = 0;
        for (size_t i = 0; i < N; i++) bad |= !(fabs((x[i] - m) * s) <= STEP_MAX_X);
        if (bad) return 0;
    }
    double lo = 1.0, hi = 1.0;
    if (d->weight) {
        lo = INFINITY;
        hi = 0.0;
        for (size_t i = 0; i < N; i++) {
            double s = d->weight[i];
            lo = s > 0 && s < lo ? s : lo;
            hi = s > hi ? s : hi;
        }
        if (hi == 0.0) return 1;        /* every row weighs 0 */
    }
    for (int k = 0; k < 2; k++) {
        double c = r->cw[k];
        if (c != 0 && !(c * lo >= STEP_MIN_W && c * hi <= STEP_MAX_W)) return 0;
    }
    return 1;
}

wlr__rows *wlr__rows_new(const wlr__problem *p, int copy)
{
    const wlr_dataset *d = p->d;
    size_t D = d->n_features, N = d->n_rows;
    if (!wlr__kernel_get()) return NULL;
    wlr__rows *r = calloc(1, sizeof *r);
    double *inv_sd = calloc(D + 1, sizeof *inv_sd);
    if (!r || !inv_sd) {
        free(r);
        free(inv_sd);
        return NULL;
    }
    r->d = d;
    r->cw[0] = p->cw[0];
    r->cw[1] = p->cw[1];
    r->inv_sd = inv_sd;
    scaling_view(p->s, &r->mu, inv_sd);
    r->in_double = D > WLR__STEP_MAX_D || !fits_floats(r);
    r->scratch = malloc(((D + 1) + block_scratch(r)) * sizeof *r->scratch);
    if (!r->scratch) {
        wlr__rows_free(r);
        return NULL;
    }
    if (r->in_double) return r;
    /* the copy's columns padded to whole vectors plus the lanes a kernel
     * may read past the last row, the padding zero */
    size_t stride = (N + 2 * WLR__LANES - 1) / WLR__LANES * WLR__LANES;
    if (copy && stride <= WLR__COPY_MAX / sizeof(float) / (D + 1)) {
        r->copy = calloc((D + 1) * stride, sizeof *r->copy);
        if (r->copy) {
            r->stride = stride;
            convert_rows(r, 0, N, r->copy, stride);
            return r;
        }
    }
    r->stage = calloc((D + 1) * STAGE_ROWS, sizeof *r->stage);
    if (!r->stage) {
        wlr__rows_free(r);
        return NULL;
    }
    return r;
}

void wlr__rows_free(wlr__rows *r)
{
    if (!r) return;
    free(r->inv_sd);
    free(r->copy);
    free(r->stage);
    free(r->scratch);
    free(r);
}

/* The float step over rows first .. first + count - 1, a chunk at a time,
 * from the copy or converted into stage (D + 1 columns of STAGE_ROWS). */
static void step_run(const wlr__rows *r, const float *th, size_t first,
                     size_t count, double *G, float *stage)
{
    wlr__step_fn step = wlr__kernel_get()->step;
    size_t D = r->d->n_features;
    for (size_t i = first; i < first + count; i += WLR__CHUNK) {
        size_t n = first + count - i < WLR__CHUNK ? first + count - i : WLR__CHUNK;
        if (r->copy) {
            step(r->copy + i, r->stride, D, n, th, G);
        } else {
            convert_rows(r, i, n, stage, STAGE_ROWS);
            step(stage, STAGE_ROWS, D, n, th, G);
        }
    }
}

/* A block of a big batch (sum_blocks): its float step, or its sums in
 * double. */
typedef struct {
    const wlr__rows *r;
    const double *theta;
    const float *th;
} batch_ctx;

static void step_block(const void *ctx, size_t first, size_t count, double *out,
                       double *scratch)
{
    const batch_ctx *b = ctx;
    size_t D = b->r->d->n_features;
    memset(out, 0, (D + 1) * sizeof *out);
    float *stage = b->r->copy ? NULL : (float *)scratch;
    step_run(b->r, b->th, first, count, out, stage);
}

static void double_block(const void *ctx, size_t first, size_t count,
                         double *out, double *scratch)
{
    const batch_ctx *b = ctx;
    const wlr__rows *r = b->r;
    wlr__sums_args a = {r->d, r->mu, r->mu ? r->inv_sd : NULL,
                        {r->cw[0], r->cw[1]}, b->theta, 0};
    size_t D = r->d->n_features;
    double *sums = scratch, *rest = scratch + WLR__SUMS_OUT(D, 0);
    wlr__kernel_get()->sums(&a, first, first + count, sums, rest);
    memcpy(out, sums + 1, (D + 1) * sizeof *out);
}

void wlr__kernel_batch(const wlr__rows *r, const double *theta,
                       const size_t *first, const size_t *count, int n_runs,
                       double *G)
{
    size_t D = r->d->n_features, rows = 0;
    for (int q = 0; q < n_runs; q++) rows += count[q];
    float th[WLR__STEP_MAX_D + 1];
    for (size_t j = 0; j <= D && !r->in_double; j++) th[j] = (float)theta[j];
    batch_ctx b = {r, theta, th};
    memset(G, 0, (D + 1) * sizeof *G);
    if (!r->in_double && rows <= BLOCK_ROWS) {
        /* the common case, at every step: on this thread, no block */
        for (int q = 0; q < n_runs; q++) step_run(r, th, first[q], count[q], G, r->stage);
        return;
    }
    /* a big batch, or any batch in double: block by block, each run's
     * blocks in order, the runs in order */
    block_fn fn = r->in_double ? double_block : step_block;
    for (int q = 0; q < n_runs; q++) {
        if (rows > BLOCK_ROWS) {
            sum_blocks(fn, &b, first[q], first[q] + count[q], D + 1,
                       block_scratch(r), r->scratch, G);
            continue;
        }
        fn(&b, first[q], count[q], r->scratch, r->scratch + (D + 1));
        for (size_t j = 0; j <= D; j++) G[j] += r->scratch[j];
    }
}

/* ------------------------------------------------------- prefetching */

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch((p), 0, 2)
#else
#define PREFETCH(p) ((void)(p))
#endif
#define CACHE_LINE 64

static void prefetch_span(const void *p, size_t bytes)
{
    uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1);
    uintptr_t end = (uintptr_t)p + bytes;
    for (; a < end; a += CACHE_LINE) PREFETCH((const void *)a);
}

void wlr__rows_prefetch(const wlr__rows *r, size_t first, size_t count)
{
    const wlr_dataset *d = r->d;
    size_t D = d->n_features;
    if (count == 0) return;
    if (r->copy) {
        for (size_t j = 0; j <= D; j++)
            prefetch_span(r->copy + j * r->stride + first, count * sizeof(float));
        return;
    }
    for (size_t j = 0; j < D; j++)
        prefetch_span(d->x + j * d->n_rows + first, count * sizeof(double));
    prefetch_span(d->y + first, count);
    if (d->weight) prefetch_span(d->weight + first, count * sizeof(double));
}
