"""peers.py - wlr against scikit-learn and LIBLINEAR on the same data, in one run.

Usage: python3 bench/peers.py WLR_BINARY [REPEATS]
(bench/peers.sh calls it and skips what is not installed.)

The data is the tutorial's: make_classification(100000 rows, 2 features,
weights 0.995/0.005, flip_y 0.01, class_sep 0.5, seed 0), split 80/20 with
train_test_split(random_state=42). wlr generates and splits bit for bit the
same rows, so every tool fits the same 80,000 rows and is scored on the same
20,000. The objective is wlr's default: mean weighted log-loss + (l2/2)|w|^2
with l2 = 1e-4, i.e. C = 1 / (N l2) = 0.125 in scikit-learn's and LIBLINEAR's
form (C sum_i loss_i + |w|^2 / 2).

Timings are the best of REPEATS fits:
  wlr            the fit alone ("seconds" of `wlr train --json`): 50 epochs
                 of batch-100 gradient descent (the default), and the exact
                 Newton solver (--solver newton); "wlr gd is" is the peer's
                 time over gradient descent's, "newton is" over Newton's;
  LogisticRegression(lbfgs)  .fit() alone;
  SGDClassifier(log_loss, max_iter=50, tol=None)  .fit() alone;
  LIBLINEAR      the whole `liblinear-train -s 0` process, which includes
                 parsing its text file (it has no way to time the fit alone).
Minority recall (class 1 iff p > 0.5) and ROC AUC are on the test split.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import recall_score, roc_auc_score
from sklearn.model_selection import train_test_split

L2 = 1e-4
WEIGHTINGS = [("none", None, "none"), ("balanced", "balanced", "balanced"),
              ("1:200", {0: 1, 1: 200}, "1:200")]


def best_of(repeats, fn):
    best = float("inf")
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def scores(y_test, p):
    return recall_score(y_test, p > 0.5), roc_auc_score(y_test, p)


def class_weights(spec, y):
    """c0, c1 as wlr and scikit-learn compute them."""
    if spec is None:
        return 1.0, 1.0
    if spec == "balanced":
        n, n1 = len(y), int(y.sum())
        return n / (2.0 * (n - n1)), n / (2.0 * n1)
    return float(spec[0]), float(spec[1])   # a dict {0: c0, 1: c1}


def run_wlr(wlr, cli_spec, repeats, solver="gd"):
    best, doc = float("inf"), None
    for _ in range(repeats):
        out = subprocess.run([wlr, "train", "--class-weight", cli_spec, "--json",
                              "--solver", solver],
                             check=True, capture_output=True, text=True).stdout
        doc = json.loads(out)
        best = min(best, doc["train"]["seconds"])
    t = doc["test"]
    return best, t["recall"][1], t["roc_auc"]


def write_libsvm(path, X, y):
    with open(path, "w") as f:
        for row, label in zip(X, y):
            f.write("%d 1:%.17g 2:%.17g\n" % (1 if label else -1, row[0], row[1]))


def run_liblinear(tmp, X_train, y_train, X_test, y_test, cw, C, repeats):
    tr, te = os.path.join(tmp, "train.txt"), os.path.join(tmp, "test.txt")
    model, pred = os.path.join(tmp, "model"), os.path.join(tmp, "pred")
    if not os.path.exists(tr):
        write_libsvm(tr, X_train, y_train)
        write_libsvm(te, X_test, y_test)
    # -B 1 adds the intercept as a feature (LIBLINEAR penalises it, a small
    # difference from wlr and scikit-learn); -w sets the class weights.
    cmd = ["liblinear-train", "-s", "0", "-c", repr(C), "-B", "1", "-q",
           "-w1", repr(cw[1]), "-w-1", repr(cw[0]), tr, model]
    best, _ = best_of(repeats, lambda: subprocess.run(cmd, check=True))
    subprocess.run(["liblinear-predict", "-b", "1", "-q", te, model, pred],
                   check=True)
    with open(pred) as f:
        header = f.readline().split()
        col = header.index("1")  # "labels 1 -1" or "labels -1 1"
        p = np.array([float(line.split()[col]) for line in f])
    return best, scores(y_test, p)


def main():
    wlr = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    X, y = make_classification(n_samples=100000, n_features=2, n_informative=2,
                               n_redundant=0, n_repeated=0, n_clusters_per_class=1,
                               weights=[0.995, 0.005], flip_y=0.01, class_sep=0.5,
                               random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                        random_state=42)
    n = len(y_train)
    C = 1.0 / (n * L2)
    have_liblinear = shutil.which("liblinear-train") is not None
    tmp = tempfile.mkdtemp(prefix="wlr-peers-")
    print("same data: %d training rows, %d test rows; l2 %g (C = %g); best of %d"
          % (n, len(y_test), L2, C, repeats))
    print("%-9s %-22s %10s %8s %8s %10s %10s" % ("weights", "fitter", "fit ms",
                                                "recall1", "ROC AUC", "wlr gd is",
                                                "newton is"))
    try:
        for name, sk_cw, cli in WEIGHTINGS:
            t_wlr, rec, auc = run_wlr(wlr, cli, repeats)
            print("%-9s %-22s %10.2f %8.3f %8.4f %9s" % (name, "wlr gd (default)",
                                                        t_wlr * 1e3, rec, auc, ""))
            t_nt, r, a = run_wlr(wlr, cli, repeats, "newton")
            print("%-9s %-22s %10.2f %8.3f %8.4f %9s" % ("", "wlr newton (exact)",
                                                        t_nt * 1e3, r, a, ""))
            lr = LogisticRegression(C=C, class_weight=sk_cw, max_iter=1000)
            t, m = best_of(repeats, lambda: lr.fit(X_train, y_train))
            r, a = scores(y_test, m.predict_proba(X_test)[:, 1])
            print("%-9s %-22s %10.2f %8.3f %8.4f %9.1fx %9.1fx" % (
                "", "sklearn LogisticReg", t * 1e3, r, a, t / t_wlr, t / t_nt))
            sgd = SGDClassifier(loss="log_loss", alpha=L2, max_iter=50, tol=None,
                                class_weight=sk_cw, random_state=0)
            t, m = best_of(repeats, lambda: sgd.fit(X_train, y_train))
            r, a = scores(y_test, m.predict_proba(X_test)[:, 1])
            print("%-9s %-22s %10.2f %8.3f %8.4f %9.1fx %9.1fx" % (
                "", "sklearn SGD(50 ep.)", t * 1e3, r, a, t / t_wlr, t / t_nt))
            if have_liblinear:
                cw = class_weights(sk_cw, y_train)
                t, (r, a) = run_liblinear(tmp, X_train, y_train, X_test, y_test,
                                          cw, C, repeats)
                print("%-9s %-22s %10.2f %8.3f %8.4f %9.1fx %9.1fx" % (
                    "", "LIBLINEAR -s 0 (proc.)", t * 1e3, r, a, t / t_wlr, t / t_nt))
            else:
                print("%-9s %-22s (liblinear-train not installed: skipped)" % ("", "LIBLINEAR"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
