/*
 * newton.c - the exact solver: Newton's method on the weighted objective,
 * the reference that shows how close gradient descent got.
 *
 * On the standardised features (wlr_train always gives it them), with
 * x~_i = (x'_i, 1), train.c's wlr__objective gives
 *   gradient  g = (1/N) sum_i c_i (p_i - y_i) x~_i          + (lambda_j w'_j, 0)
 *   Hessian   H = (1/N) sum_i c_i p_i (1 - p_i) x~_i x~_i^T  + diag(lambda, 0)
 * and each step solves H delta = g (by Cholesky's factorisation, or, when H
 * is singular, as with collinear columns and no l2, through its
 * eigendecomposition) and moves theta -= t delta,
 * with t halved from 1 until the loss falls enough (Armijo's rule), which
 * keeps Newton safe far from the optimum. Near it convergence is quadratic:
 * a handful of steps take the gradient from 1e-2 to 1e-12. Each trial
 * point is evaluated whole, L with g and H (one pass over the rows on the
 * fast path), since the accepted one's g and H are the next step's.
 * Newton's method is affine invariant in exact arithmetic; standardising
 * first makes it so in floating point too, whatever the columns' scales.
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

/* A pivot below this fraction of its diagonal entry counts as zero: H is
 * then not safely positive definite and the eigendecomposition decides. */
#define CHOL_RCOND 1e-14

/*
 * H delta = g by Cholesky's factorisation H = L L^T, P^3 / 3 operations
 * where the eigendecomposition takes some 20 P^3: H is positive definite
 * whenever l2 > 0 (lambda_j > 0 on every w'_j, and the intercept's
 * curvature, a sum of c p (1 - p), is positive). L (P * P) is scratch.
 * Returns 0, leaving delta alone, if a pivot is not clearly positive.
 */
static int cholesky_solve(const double *H, size_t P, double *L, const double *g,
                          double *delta)
{
    for (size_t j = 0; j < P; j++) {
        double d = H[j * P + j];
        for (size_t k = 0; k < j; k++) d -= L[j * P + k] * L[j * P + k];
        if (!(d > CHOL_RCOND * H[j * P + j])) return 0;
        double ljj = sqrt(d);
        L[j * P + j] = ljj;
        for (size_t i = j + 1; i < P; i++) {
            double v = H[i * P + j];
            for (size_t k = 0; k < j; k++) v -= L[i * P + k] * L[j * P + k];
            L[i * P + j] = v / ljj;
        }
    }
    for (size_t i = 0; i < P; i++) {       /* L y = g */
        double v = g[i];
        for (size_t k = 0; k < i; k++) v -= L[i * P + k] * delta[k];
        delta[i] = v / L[i * P + i];
    }
    for (size_t i = P; i-- > 0;) {         /* L^T delta = y */
        double v = delta[i];
        for (size_t k = i + 1; k < P; k++) v -= L[k * P + i] * delta[k];
        delta[i] = v / L[i * P + i];
    }
    return 1;
}

/*
 * THE POINT ON A LINE OF OPTIMA. Without a penalty, collinear columns (a
 * repeated or redundant feature) leave L flat along the null space of H:
 * every theta* + N u is an optimum (N: H's eigenvectors of eigenvalue 0).
 * Newton on the standardised features ends at one of them; we report the
 * one whose parameters on the original scale, (w, b) = T theta, are the
 * smallest: the optimum scikit-learn's lbfgs finds from 0 (its steps never
 * leave the span of the data). With B = T N and r = T theta*, u minimises
 * |r + B u|^2: (B^T B) u = -B^T r. With a penalty H has no null space and
 * nothing moves.
 */
static wlr_status smallest_optimum(const wlr__problem *p, const double *H,
                                   double *theta, wlr_error *err)
{
    size_t D = p->d->n_features, P = D + 1;
    double *mem = calloc(3 * P * P + 5 * P, sizeof *mem);
    if (!mem) return wlr__fail(err, WLR_ERR_NOMEM, "newton: out of memory");
    double *A = mem, *V = A + P * P, *B = V + P * P, *r = B + P * P,
           *u = r + P, *rhs = u + P, *tmp = rhs + P, *col = tmp + P;
    memcpy(A, H, P * P * sizeof *A);
    jacobi_eigen(A, P, V);
    double lmax = 0;
    for (size_t k = 0; k < P; k++) lmax = fmax(lmax, fabs(A[k * P + k]));
    /* T v: v_j / sd_j, then v_D - sum_j mu_j v_j / sd_j */
    const wlr__scaling *s = p->s;
#define ORIGINAL(v, out)                                                     \
    do {                                                                     \
        double c_ = (v)[D];                                                  \
        for (size_t j_ = 0; j_ < D; j_++) {                                  \
            (out)[j_] = (v)[j_] / s->sd[j_];                                 \
            c_ -= s->mu[j_] * (out)[j_];                                     \
        }                                                                    \
        (out)[D] = c_;                                                       \
    } while (0)
    size_t k_null = 0;
    for (size_t k = 0; k < P; k++) {
        if (fabs(A[k * P + k]) > PINV_RCOND * lmax) continue;
        for (size_t j = 0; j < P; j++) tmp[j] = V[j * P + k];
        ORIGINAL(tmp, col);
        for (size_t j = 0; j < P; j++) B[j * P + k_null] = col[j];
        for (size_t j = 0; j < P; j++) V[j * P + k_null] = tmp[j];   /* N */
        k_null++;
    }
    if (k_null > 0) {
        ORIGINAL(theta, r);
        /* the normal equations, k_null x k_null, in A; the right side -B^T r */
        double *G = A, *E = calloc(2 * k_null * k_null + 2 * k_null, sizeof *E);
        if (!E) {
            free(mem);
            return wlr__fail(err, WLR_ERR_NOMEM, "newton: out of memory");
        }
        for (size_t a = 0; a < k_null; a++) {
            rhs[a] = 0;
            for (size_t j = 0; j < P; j++) rhs[a] -= B[j * P + a] * r[j];
            for (size_t b = 0; b < k_null; b++) {
                double dot = 0;
                for (size_t j = 0; j < P; j++) dot += B[j * P + a] * B[j * P + b];
                G[a * k_null + b] = dot;
            }
        }
        pinv_solve(G, k_null, E, E + k_null * k_null, E + 2 * k_null * k_null, rhs, u);
        for (size_t j = 0; j < P; j++)
            for (size_t a = 0; a < k_null; a++) theta[j] += V[j * P + a] * u[a];
        free(E);
    }
#undef ORIGINAL
    free(mem);
    return WLR_OK;
}

/* The largest |v_j|, or NaN if any v_j is NaN (fmax would skip it). */
static double max_abs(const double *v, size_t n)
{
    double m = 0;
    for (size_t j = 0; j < n; j++) {
        if (isnan(v[j])) return NAN;
        m = fmax(m, fabs(v[j]));
    }
    return m;
}

/* Above this many features Newton's sums are train.c's own loops: the fast
 * kernel keeps 16 running sums of each of H's (D + 1)(D + 2) / 2 entries
 * (4 MB at 256), where the row-by-row loops need none, and at this width
 * the D^2 products a row dominate either way. */
#define FAST_SUMS_MAX_D 256

/* L, g and H at theta: train.c's wlr__objective, or its fast twin. */
static double evaluate(const wlr__problem *p, const wlr_train_options *o,
                       const double *theta, double *g, double *H)
{
    return o->reference || p->d->n_features > FAST_SUMS_MAX_D
               ? wlr__objective(p, theta, g, H)
               : wlr__objective_fast(p, theta, g, H);
}

wlr_status wlr__newton(const wlr__problem *p, const wlr_train_options *o,
                       double *theta, wlr_train_info *info, wlr_error *err)
{
    size_t P = p->d->n_features + 1;
    if (P - 1 > WLR_NEWTON_MAX_FEATURES)
        return wlr__fail(err, WLR_ERR_ARG, "newton: %zu features; Newton's "
                         "steps grow as the cube of the features and are kept "
                         "to %d (use solver gd)", P - 1, WLR_NEWTON_MAX_FEATURES);
    double *mem = calloc(P * P * 5 + P * 5, sizeof *mem);
    if (!mem) return wlr__fail(err, WLR_ERR_NOMEM, "newton: out of memory");
    double *H = mem, *A = H + P * P, *V = A + P * P, *Ht = V + P * P,
           *g = Ht + P * P, *gt = g + P, *delta = gt + P, *trial = delta + P,
           *tmp = trial + P, *a = tmp + P;
    /* every trial point is evaluated whole (L, g and H in one pass on the
     * fast path): the accepted one's g and H are the next step's */
    double loss = evaluate(p, o, theta, g, H);
    wlr_status st = WLR_OK;
    info->converged = 0;
    for (int it = 0; it < o->max_iter; it++) {
        double gmax = max_abs(g, P);
        if (!isfinite(loss) || !isfinite(gmax)) {
            st = wlr__fail(err, WLR_ERR_NUMERIC, "newton: the %s is not finite "
                           "after %d steps; the features are too large for "
                           "double precision", isfinite(loss) ? "gradient" : "loss",
                           it);
            break;
        }
        if (gmax < o->tol) {
            info->converged = 1;
            break;
        }
        if (!cholesky_solve(H, P, A, g, delta)) pinv_solve(H, P, A, V, tmp, g, delta);
        double slope = 0;
        for (size_t j = 0; j < P; j++) slope += g[j] * delta[j];
        /* backtracking: t = 1, 1/2, 1/4, ... until Armijo holds, unless the
         * predicted decrease slope/2 is below what L's rounding can show */
        double t = 1, trial_loss = loss;
        int accepted = 0, trust = slope < TRUST_NEWTON * fabs(loss);
        for (int h = 0; h < MAX_HALVINGS; h++, t *= 0.5) {
            for (size_t j = 0; j < P; j++) trial[j] = theta[j] - t * delta[j];
            trial_loss = evaluate(p, o, trial, gt, Ht);
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
        if (o->on_epoch) wlr__report_epoch(o, p->s, theta, a, it + 1, loss);
    }
    /* the last step's gradient may have reached the tolerance */
    if (st == WLR_OK && !info->converged && max_abs(g, P) < o->tol)
        info->converged = 1;
    if (st == WLR_OK && info->converged && p->l2 == 0)
        st = smallest_optimum(p, H, theta, err);
    info->loss = loss;
    free(mem);
    return st;
}
