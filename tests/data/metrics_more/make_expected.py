"""Expected metric values for tests/data/metrics_more/, made OFFLINE with the
Debian packages python3-sklearn 1.2.1 and python3-numpy 1.24.2. Never run by
the tests; rerun by hand (from the repository root) to remake the files:

    /usr/bin/python3 tests/data/metrics_more/make_expected.py

For every case NAME it writes NAME.expected.json (and NAME.csv for the cases
made here; the five cases of tests/data/metrics/ are read from there):
scikit-learn's confusion matrix, precision / recall / F1 / support,
accuracy, ROC AUC, average precision, log loss (default eps="auto"),
balanced accuracy, MCC and classification_report (digits 2 and 4), each
with the case's sample_weight when it has a weight column; and, for
unweighted cases, 95 % intervals computed here independently of wlr:
Wilson's score interval for recall and precision of class 1, and DeLong's
interval for ROC AUC from an O(n^2) pass over every (positive, negative)
pair.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
import sklearn
from sklearn.metrics import (accuracy_score, average_precision_score,
                             balanced_accuracy_score, classification_report,
                             brier_score_loss, confusion_matrix, log_loss,
                             matthews_corrcoef,
                             precision_recall_curve,
                             precision_recall_fscore_support, roc_auc_score,
                             roc_curve)

assert sklearn.__version__ == "1.2.1", sklearn.__version__
assert np.__version__ == "1.24.2", np.__version__
warnings.simplefilter("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.join(HERE, "..", "metrics")
Z = 1.959963984540054   # the 0.975 quantile of N(0, 1)


def wilson(k, n):
    """Wilson's score interval for k successes in n trials, or None."""
    if n == 0:
        return None
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z / denom * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    lo = 0.0 if k == 0 else max(0.0, centre - half)
    hi = 1.0 if k == n else min(1.0, centre + half)
    return [lo, hi]


def delong(y, s):
    """DeLong's 95 % interval for ROC AUC, pair by pair, or None."""
    pos, neg = s[y == 1], s[y == 0]
    n1, n0 = len(pos), len(neg)
    if n1 < 2 or n0 < 2:
        return None
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10 = psi.mean(axis=1)          # each positive against every negative
    v01 = psi.mean(axis=0)          # each negative against every positive
    auc = v10.mean()
    var = np.var(v10, ddof=1) / n1 + np.var(v01, ddof=1) / n0
    se = math.sqrt(var)
    return [max(0.0, auc - Z * se), min(1.0, auc + Z * se)]


def expected(name, y, s, w, threshold):
    probabilities = bool(np.all((s >= 0) & (s <= 1)))
    yhat = (s > threshold).astype(int)
    cm = confusion_matrix(y, yhat, labels=[0, 1], sample_weight=w)
    p, r, f, sup = precision_recall_fscore_support(
        y, yhat, labels=[0, 1], sample_weight=w, zero_division=0)
    num = (lambda v: float(v)) if w is not None else (lambda v: int(v))
    e = dict(name=name, threshold=threshold,
             rule="predicted 1 iff score > threshold",
             weighted=w is not None, probabilities=probabilities,
             confusion=[[num(cm[0][0]), num(cm[0][1])],
                        [num(cm[1][0]), num(cm[1][1])]],
             precision=[float(v) for v in p], recall=[float(v) for v in r],
             f1=[float(v) for v in f], support=[num(v) for v in sup],
             accuracy=float(accuracy_score(y, yhat, sample_weight=w)),
             roc_auc=float(roc_auc_score(y, s, sample_weight=w)),
             average_precision=float(average_precision_score(y, s, sample_weight=w)),
             log_loss=float(log_loss(y, s, sample_weight=w)) if probabilities else None,
             brier=float(brier_score_loss(y, s, sample_weight=w)) if probabilities else None,
             balanced_accuracy=float(balanced_accuracy_score(y, yhat, sample_weight=w)),
             mcc=float(matthews_corrcoef(y, yhat, sample_weight=w)),
             classification_report=classification_report(
                 y, yhat, digits=2, zero_division=0, sample_weight=w),
             classification_report_digits4=classification_report(
                 y, yhat, digits=4, zero_division=0, sample_weight=w))
    if len(y) <= 50:
        fpr, tpr, thr = roc_curve(y, s, sample_weight=w, drop_intermediate=False)
        prec, rec, _ = precision_recall_curve(y, s, sample_weight=w)
        e.update(roc_fpr=fpr.tolist(), roc_tpr=tpr.tolist(),
                 roc_thresholds=thr.tolist(), pr_precision=prec.tolist(),
                 pr_recall=rec.tolist())
    if w is None:
        tp, fp, fn = int(cm[1][1]), int(cm[0][1]), int(cm[1][0])
        e["recall1_ci95"] = wilson(tp, tp + fn)
        e["precision1_ci95"] = wilson(tp, tp + fp)
        e["roc_auc_ci95"] = delong(y, s)
    else:
        e["recall1_ci95"] = e["precision1_ci95"] = e["roc_auc_ci95"] = None
    return e


def write_case(name, y, s, w, threshold, write_csv=True):
    y, s = np.asarray(y, dtype=int), np.asarray(s, dtype=float)
    w = None if w is None else np.asarray(w, dtype=float)
    if write_csv:
        with open(os.path.join(HERE, name + ".csv"), "w") as f:
            f.write("y,score,weight\n" if w is not None else "y,score\n")
            for i in range(len(y)):
                f.write("%d,%r" % (y[i], float(s[i])))
                f.write(",%r\n" % float(w[i]) if w is not None else "\n")
    with open(os.path.join(HERE, name + ".expected.json"), "w") as f:
        json.dump(expected(name, y, s, w, threshold), f, indent=1)
        f.write("\n")


def read_shared(name):
    y, s = [], []
    with open(os.path.join(SHARED, name + ".csv")) as f:
        next(f)
        for line in f:
            a, b = line.strip().split(",")
            y.append(int(a))
            s.append(float(b))
    return y, s


# The five shared cases: unweighted, log loss with eps="auto", intervals.
for name in ["balanced_noties", "rare_ties", "heavy_ties", "tiny",
             "no_positive_predictions"]:
    y, s = read_shared(name)
    write_case(name, y, s, None, 0.5, write_csv=False)

rng = np.random.RandomState(2024)

# Ties across classes, weights of every size (the tiny case, weighted).
write_case("w_tiny",
           [0, 0, 1, 1, 0, 0, 0, 1, 0, 1],
           [0.1, 0.3, 0.7, 0.4, 0.4, 0.2, 0.4, 0.9, 0.7, 0.3],
           [1.0, 0.5, 2.0, 1.5, 3.0, 0.25, 1.0, 0.1, 2.5, 1.25], 0.5)

# Zero weights: the top score held only by weightless rows, a tie of
# weightless and weighted rows, a weightless row of each class.
write_case("w_zero",
           [1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0],
           [0.95, 0.95, 0.8, 0.8, 0.6, 0.6, 0.6, 0.3, 0.3, 0.2, 0.1, 0.05],
           [0.0, 0.0, 1.0, 2.0, 0.0, 1.5, 1.0, 0.0, 2.0, 1.0, 3.0, 0.0], 0.5)

# Rounding: pred_sum = tp + (predicted - tp) and true_sum = tp + (truth -
# tp), as scikit-learn forms them, are not the plain sums here, and the
# precision and recall it divides out differ from tp / predicted in the
# last bit (found by a search over random cases).
write_case("w_rounding",
           [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
           [0.7, 0.6, 0.5, 0.5, 0.7, 0.8, 0.7, 0.1, 0.3, 0.6, 0.6, 0.9],
           [2.95, 2.69, 1.82, 2.16, 2.55, 0.44, 0.94, 0.08, 1.87, 2.76, 0.01,
            0.38], 0.5)

# One weight dominating: a class 0 row at a high score weighs 1e6.
y = (rng.rand(40) < 0.3).astype(int)
s = np.round(1 / (1 + np.exp(-(rng.randn(40) + 1.5 * y - 1))), 2)
w = np.round(rng.uniform(0.5, 2.0, 40), 3)
w[int(np.argmax(np.where(y == 0, s, -1)))] = 1e6
write_case("w_dominant", y, s, w, 0.5)

# Many rows, heavy ties, zero weights, scores of exactly 0 and 1.
n = 600
y = (rng.rand(n) < 0.15).astype(int)
s = np.round(1 / (1 + np.exp(-(rng.randn(n) + 1.2 * y - 1.5))), 2)
s[rng.rand(n) < 0.03] = 0.0
s[rng.rand(n) < 0.03] = 1.0
w = np.round(rng.uniform(0, 3, n), 3)
w[rng.rand(n) < 0.1] = 0.0
write_case("w_ties", y, s, w, 0.5)

# Scores that are not probabilities (logits), with weights; threshold 0.
n = 300
y = (rng.rand(n) < 0.25).astype(int)
s = np.round(rng.randn(n) * 2 + 2 * y - 1, 1)
w = np.round(rng.uniform(0.1, 4, n), 2)
write_case("w_logits", y, s, w, 0.0)

# Logits without weights: ranking metrics and their DeLong interval.
n = 400
y = (rng.rand(n) < 0.2).astype(int)
s = np.round(rng.randn(n) * 3 + 2.5 * y - 2, 1)
write_case("logits", y, s, None, 0.0)

# Scores of exactly 0 and 1, some on the wrong side: log loss clips them to
# [eps, 1 - eps], eps = 2.220446049250313e-16 (float64's).
write_case("extremes",
           [0, 1, 0, 1, 0, 1, 0, 0, 1, 0],
           [0.0, 1.0, 1.0, 0.0, 0.2, 0.7, 0.0, 0.4, 1.0, 0.1], None, 0.5)
print("wrote", sorted(f for f in os.listdir(HERE) if f.endswith(".json")),
      file=sys.stderr)
