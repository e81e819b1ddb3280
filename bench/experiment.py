"""experiment.py - what `wlr experiment` does, in Python: the tutorial data,
the 80/20 split, one fit per weighting (none, balanced, 1:200) and each
fit's report on the test split. bench/peers.sh times this whole process
against the whole `wlr experiment` process.

wlr fits each weighting twice (gradient descent, and Newton for the exact
optimum it reports the gap to); here each weighting gets one
LogisticRegression (lbfgs, the exact optimum) and one SGDClassifier (50
epochs), the nearest scikit-learn equivalents of those two fits.
"""
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.metrics import (average_precision_score, classification_report,
                             log_loss, roc_auc_score)
from sklearn.model_selection import train_test_split

L2 = 1e-4

X, y = make_classification(n_samples=100000, n_features=2, n_informative=2,
                           n_redundant=0, n_repeated=0, n_clusters_per_class=1,
                           weights=[0.995, 0.005], flip_y=0.01, class_sep=0.5,
                           random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2,
                                                    random_state=42)
C = 1.0 / (len(y_train) * L2)
for name, cw in [("none", None), ("balanced", "balanced"), ("1:200", {0: 1, 1: 200})]:
    exact = LogisticRegression(C=C, class_weight=cw, max_iter=1000).fit(X_train, y_train)
    sgd = SGDClassifier(loss="log_loss", alpha=L2, max_iter=50, tol=None,
                        class_weight=cw, random_state=0).fit(X_train, y_train)
    p = sgd.predict_proba(X_test)[:, 1]
    print("== %s" % name)
    print(classification_report(y_test, p > 0.5, zero_division=0))
    print("ROC AUC %.4f  average precision %.4f  log loss %.4f" % (
        roc_auc_score(y_test, p), average_precision_score(y_test, p),
        log_loss(y_test, p)))
    print("exact optimum: coef %s intercept %s" % (exact.coef_[0], exact.intercept_[0]))
