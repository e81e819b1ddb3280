/*
 * newton.c - the exact solver: Newton's method (IRLS) on the weighted
 * objective, the reference that shows how close gradient descent got.
 *
 * With x~_i = (x'_i, 1) the (scaled) features plus the intercept's 1:
 *   gradient  g = (1/N) sum_i c_i (p_i - y_i) x~_i          + l2 (w', 0)
 *   Hessian   H = (1/N) sum_i c_i p_i (1 - p_i) x~_i x~_i^T  + l2 diag(1,..,1, 0)
 * and each step solves H delta = g (through H's eigendecomposition, so a
 * singular H from collinear columns is handled) and moves theta -= t delta,
 * with t halved from 1 until the loss falls enough (Armijo's rule), which
 * keeps Newton safe far from the optimum. Near it convergence is quadratic:
 * a handful of steps take the gradient from 1e-2 to 1e-12. Each trial point
 * is evaluated whole, L with g and H (one pass over the rows on the fast
 * path), since the accepted one's g and H are the next step's: one pass a
 * step, where a loss pass for the line search and a gradient pass took two.
 */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Armijo's sufficient decrease: L(theta - t delta) <= L - ARMIJO t g.delta */
#define ARMIJO 1e-4
/* Halvings of the step before the line search gives up (2^-60 ~ 1e-18). */
#define MAX_HALVINGS 60
/* Eigenvalues below PINV_RCOND * the largest count as zero: exactly
 * collinear columns give eigenvalues near 1e-16 relative, real curvature is
 * far above 1e-11. */
#define PINV_RCOND 1e-11
/* Jacobi sweeps are quadratically convergent; 50 is never reached. */
#define JACOBI_SWEEPS 50
/* Below this predicted decrease, relative to L, the loss cannot be computed
 * precisely enough to judge a step (summing N terms loses ~N ulps), so the
 * full Newton step is taken: near the optimum it is the right one. */
#define TRUST_NEWTON 1e-12

/* g and H on the scaled parameters theta, at the original-scale (a, c). */
static void grad_hessian(const wlr_dataset *d, const wlr__scaling *s,
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

/* L, g and H at theta: the reference path's loss and loops above (two
 * passes), or the fast path's one pass (train_fast.c: wlr__fast_newton_sums,
 * exp to ~3e-16, the features scaled row by row as here, L the same bits as
 * wlr__fast_loss plus the penalty). a is scratch for the original-scale
 * model. */
static double evaluate(const wlr_dataset *d, const wlr_train_options *o,
                       const wlr__scaling *s, const double *theta, double *a,
                       double *g, double *H, double *scratch)
{
    size_t D = d->n_features, P = D + 1;
    const double *cw = o->class_weight;
    double c, l2 = o->l2;
    if (o->reference) {
        double loss = wlr__scaled_loss(d, s, cw, l2, theta, a);
        wlr__scaling_unscale(s, theta, a, &c);
        grad_hessian(d, s, cw, l2, theta, a, c, g, H, scratch);
        return loss;
    }
    double N = (double)d->n_rows, sum, pen = 0;
    wlr__scaling_unscale(s, theta, a, &c);
    wlr__fast_newton_sums(d, cw, a, c, s->mu, s->sd, &sum, g, H, scratch);
    for (size_t j = 0; j < P; j++) {
        g[j] /= N;
        for (size_t k = 0; k < P; k++) H[j * P + k] /= N;
    }
    for (size_t j = 0; j < D; j++) {
        g[j] += l2 * theta[j];
        H[j * P + j] += l2;
        pen += theta[j] * theta[j];
    }
    return sum / N + 0.5 * l2 * pen;
}

/* Symmetric eigendecomposition H = V diag(lambda) V^T by cyclic Jacobi
 * rotations: each rotation zeroes one off-diagonal pair; sweeps repeat until
 * the off-diagonal mass is negligible. On return A's diagonal holds lambda
 * and V's columns the eigenvectors. P is small (features + 1). */
static void jacobi_eigen(double *A, size_t P, double *V)
{
    for (size_t j = 0; j < P; j++)
        for (size_t k = 0; k < P; k++) V[j * P + k] = j == k;
    for (int sweep = 0; sweep < JACOBI_SWEEPS; sweep++) {
        double off = 0, diag = 0;
        for (size_t j = 0; j < P; j++) {
            diag += A[j * P + j] * A[j * P + j];
            for (size_t k = j + 1; k < P; k++) off += A[j * P + k] * A[j * P + k];
        }
        if (off <= 1e-30 * diag) break;
        for (size_t p = 0; p < P; p++)
            for (size_t q = p + 1; q < P; q++) {
                double apq = A[p * P + q];
                if (apq == 0) continue;
                /* the angle that zeroes A[p][q]: tan(2 phi) = 2 apq / (aqq - app) */
                double theta = (A[q * P + q] - A[p * P + p]) / (2 * apq);
                double t = (theta >= 0 ? 1.0 : -1.0) /
                           (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(t * t + 1), s = t * c;
                for (size_t k = 0; k < P; k++) { /* columns p, q of A */
                    double akp = A[k * P + p], akq = A[k * P + q];
                    A[k * P + p] = c * akp - s * akq;
                    A[k * P + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < P; k++) { /* rows p, q of A */
                    double apk = A[p * P + k], aqk = A[q * P + k];
                    A[p * P + k] = c * apk - s * aqk;
                    A[q * P + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < P; k++) { /* V = V J */
                    double vkp = V[k * P + p], vkq = V[k * P + q];
                    V[k * P + p] = c * vkp - s * vkq;
                    V[k * P + q] = s * vkp + c * vkq;
                }
            }
    }
}

/* delta = H^+ g, the minimum-norm solution of H delta = g: in the
 * eigenbasis, divide by every eigenvalue above PINV_RCOND * the largest and
 * drop the rest. With collinear features (a repeated or redundant column)
 * and no l2, H is singular and the optimum is a whole line of models; these
 * steps never leave the span of the data, so Newton ends at the model of
 * smallest norm on it, the one scikit-learn's lbfgs (started from 0) finds. */
static void pinv_solve(const double *H, size_t P, double *A, double *V,
                       double *tmp, const double *g, double *delta)
{
    memcpy(A, H, P * P * sizeof *A);
    jacobi_eigen(A, P, V);
    double lmax = 0;
    for (size_t k = 0; k < P; k++) lmax = fmax(lmax, fabs(A[k * P + k]));
    for (size_t k = 0; k < P; k++) { /* tmp = diag(1/lambda)+ V^T g */
        double dot = 0, lambda = A[k * P + k];
        for (size_t j = 0; j < P; j++) dot += V[j * P + k] * g[j];
        tmp[k] = lambda > PINV_RCOND * lmax ? dot / lambda : 0.0;
    }
    for (size_t j = 0; j < P; j++) {
        double sum = 0;
        for (size_t k = 0; k < P; k++) sum += V[j * P + k] * tmp[k];
        delta[j] = sum;
    }
}

static double max_abs(const double *v, size_t n)
{
    double m = 0;
    for (size_t j = 0; j < n; j++) m = fmax(m, fabs(v[j]));
    return m;
}

wlr_status wlr__newton(const wlr_dataset *d, const wlr_train_options *o,
                      const wlr__scaling *s, double *theta, wlr_train_info *info,
                      wlr_error *err)
{
    size_t D = d->n_features, P = D + 1;
    double *mem = calloc(P * P * 5 + P * 7 + WLR__NEWTON_SCRATCH(D), sizeof *mem);
    if (!mem) return wlr__fail(err, WLR_ERR_NOMEM, "newton: out of memory");
    double *H = mem, *A = H + P * P, *V = A + P * P, *Ht = V + P * P,
           *g = Ht + P * P, *gt = g + P, *delta = gt + P, *trial = delta + P,
           *a = trial + P, *tmp = a + P, *scratch = tmp + P;
    /* every trial point is evaluated whole (L, g and H in one pass on the
     * fast path): the accepted one's g and H are the next step's */
    double loss = evaluate(d, o, s, theta, a, g, H, scratch);
    info->converged = 0;
    for (int it = 0; it < o->max_iter; it++) {
        if (max_abs(g, P) < o->tol) {
            info->converged = 1;
            break;
        }
        pinv_solve(H, P, A, V, tmp, g, delta);
        double slope = 0;
        for (size_t j = 0; j < P; j++) slope += g[j] * delta[j];
        /* backtracking: t = 1, 1/2, 1/4, ... until Armijo holds, unless the
         * predicted decrease slope/2 is below what L's rounding can show */
        double t = 1, trial_loss = loss;
        int accepted = 0, trust = slope < TRUST_NEWTON * fabs(loss);
        for (int h = 0; h < MAX_HALVINGS; h++, t *= 0.5) {
            for (size_t j = 0; j < P; j++) trial[j] = theta[j] - t * delta[j];
            trial_loss = evaluate(d, o, s, trial, a, gt, Ht, scratch);
            if (trust || trial_loss <= loss - ARMIJO * t * slope) {
                accepted = 1;
                break;
            }
        }
        info->iterations = it + 1;
        if (!accepted) break; /* no step lowers L further in double precision */
        memcpy(theta, trial, P * sizeof *theta);
        memcpy(g, gt, P * sizeof *g);
        memcpy(H, Ht, P * P * sizeof *H);
        loss = trial_loss;
        if (o->on_epoch) wlr__report_epoch(o, s, theta, a, it + 1, loss);
    }
    info->loss = loss;
    free(mem);
    return WLR_OK;
}
