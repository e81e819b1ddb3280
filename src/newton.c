/*
 * newton.c - the exact solver: Newton's method (IRLS) on the weighted
 * objective, the reference that shows how close gradient descent got.
 *
 * With x~_i = (x'_i, 1) the (scaled) features plus the intercept's 1:
 *   gradient  g = (1/N) sum_i c_i (p_i - y_i) x~_i          + l2 (w', 0)
 *   Hessian   H = (1/N) sum_i c_i p_i (1 - p_i) x~_i x~_i^T  + l2 diag(1,..,1, 0)
 * and each step solves H delta = g by Cholesky and moves theta -= t delta,
 * with t halved from 1 until the loss falls enough (Armijo's rule), which
 * keeps Newton safe far from the optimum. Near it convergence is quadratic:
 * a handful of steps take the gradient from 1e-2 to 1e-12.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Armijo's sufficient decrease: L(theta - t delta) <= L - ARMIJO t g.delta */
#define ARMIJO 1e-4
/* Halvings of the step before the line search gives up (2^-60 ~ 1e-18). */
#define MAX_HALVINGS 60
/* Added to the Hessian's diagonal, growing tenfold, when it is not
 * numerically positive definite (separable data without l2). */
#define RIDGE_START 1e-10

/* g and H on the scaled parameters theta, at the original-scale (a, c). */
static void grad_hessian(const wlr_dataset *d, const wlr_scaling *s,
                         const double cw[2], double l2, const double *theta,
                         const double *a, double c, double *g, double *H,
                         double *xt)
{
    size_t D = d->n_features, P = D + 1, N = d->n_rows;
    memset(g, 0, P * sizeof *g);
    memset(H, 0, P * P * sizeof *H);
    for (size_t i = 0; i < N; i++) {
        double z = c;
        for (size_t j = 0; j < D; j++) {
            double x = d->x[j * N + i];
            z += a[j] * x;
            xt[j] = (x - s->mu[j]) / s->sd[j];
        }
        xt[D] = 1.0;
        double w = cw[d->y[i]] * (d->weight ? d->weight[i] : 1.0);
        double p = wlr_sigmoid(z);
        double r = w * (p - d->y[i]);   /* c (p - y) */
        double h = w * p * (1.0 - p);   /* c p (1 - p) */
        for (size_t j = 0; j < P; j++) {
            g[j] += r * xt[j];
            for (size_t k = 0; k <= j; k++) H[j * P + k] += h * xt[j] * xt[k];
        }
    }
    for (size_t j = 0; j < P; j++) {
        g[j] /= (double)N;
        for (size_t k = 0; k <= j; k++) {
            H[j * P + k] /= (double)N;
            H[k * P + j] = H[j * P + k];
        }
    }
    for (size_t j = 0; j < D; j++) {
        g[j] += l2 * theta[j];
        H[j * P + j] += l2;
    }
}

/* Solves (H + ridge I) x = b by Cholesky (H symmetric, P x P), in place of b.
 * Returns 0 if H + ridge I is not positive definite. */
static int cholesky_solve(const double *H, size_t P, double ridge, double *L,
                          double *b)
{
    /* H = L L^T, L lower triangular */
    for (size_t j = 0; j < P; j++) {
        for (size_t k = 0; k <= j; k++) {
            double sum = H[j * P + k] + (j == k ? ridge : 0.0);
            for (size_t m = 0; m < k; m++) sum -= L[j * P + m] * L[k * P + m];
            if (j == k) {
                if (!(sum > 0)) return 0;
                L[j * P + j] = sqrt(sum);
            } else {
                L[j * P + k] = sum / L[k * P + k];
            }
        }
    }
    /* L u = b, then L^T x = u */
    for (size_t j = 0; j < P; j++) {
        for (size_t m = 0; m < j; m++) b[j] -= L[j * P + m] * b[m];
        b[j] /= L[j * P + j];
    }
    for (size_t j = P; j-- > 0;) {
        for (size_t m = j + 1; m < P; m++) b[j] -= L[m * P + j] * b[m];
        b[j] /= L[j * P + j];
    }
    return 1;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0;
    for (size_t j = 0; j < n; j++) m = fmax(m, fabs(v[j]));
    return m;
}

wlr_status wlr_newton(const wlr_dataset *d, const wlr_train_options *o,
                      const wlr_scaling *s, double *theta, wlr_train_info *info,
                      wlr_error *err)
{
    size_t D = d->n_features, P = D + 1;
    double *mem = calloc(P * P * 2 + P * 5, sizeof *mem);
    if (!mem) return wlr_fail(err, WLR_ERR_NOMEM, "newton: out of memory");
    double *H = mem, *L = H + P * P, *g = L + P * P, *delta = g + P,
           *trial = delta + P, *a = trial + P, *xt = a + P;
    const double *cw = o->class_weight;

    double c, loss = wlr_scaled_loss(d, s, cw, o->l2, theta, a);
    info->converged = 0;
    for (int it = 0; it < o->max_iter; it++) {
        wlr_scaling_unscale(s, theta, a, &c);
        grad_hessian(d, s, cw, o->l2, theta, a, c, g, H, xt);
        if (max_abs(g, P) < o->tol) {
            info->converged = 1;
            break;
        }
        /* delta = H^-1 g, with a growing ridge if H is singular */
        double ridge = 0;
        for (;;) {
            memcpy(delta, g, P * sizeof *g);
            if (cholesky_solve(H, P, ridge, L, delta)) break;
            ridge = ridge == 0 ? RIDGE_START : ridge * 10;
            if (ridge > 1e10) {
                free(mem);
                return wlr_fail(err, WLR_ERR_NUMERIC, "newton: the Hessian is "
                                "not positive definite at step %d", it + 1);
            }
        }
        double slope = 0;
        for (size_t j = 0; j < P; j++) slope += g[j] * delta[j];
        /* backtracking: t = 1, 1/2, 1/4, ... until Armijo holds */
        double t = 1, trial_loss = loss;
        int accepted = 0;
        for (int h = 0; h < MAX_HALVINGS; h++, t *= 0.5) {
            for (size_t j = 0; j < P; j++) trial[j] = theta[j] - t * delta[j];
            trial_loss = wlr_scaled_loss(d, s, cw, o->l2, trial, a);
            if (trial_loss <= loss - ARMIJO * t * slope) {
                accepted = 1;
                break;
            }
        }
        info->iterations = it + 1;
        if (!accepted) break; /* no step lowers L further in double precision */
        memcpy(theta, trial, P * sizeof *theta);
        loss = trial_loss;
    }
    free(mem);
    return WLR_OK;
}
