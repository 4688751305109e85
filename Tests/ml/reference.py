#!/usr/bin/env python3
"""Independent references for std.ml (numpy + scikit-learn).

Writes the data sets under Examples/ml/data/ (from the files scikit-learn
ships) and the expected results under Tests/ml/expected/, which the Flow
scripts Tests/corpus/run/ml_*.flow compare against. CI does not need numpy or
scikit-learn: the outputs are committed. Rerun after changing the data or the
split:

    pip install numpy scikit-learn && python3 Tests/ml/reference.py
"""
import csv
import os

import numpy as np
from sklearn import datasets
from sklearn.cluster import KMeans
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import MultinomialNB
from sklearn.preprocessing import StandardScaler

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = os.path.join(ROOT, "Examples", "ml", "data")
EXPECTED = os.path.join(ROOT, "Tests", "ml", "expected")


def draw(seed, i):
    """std.ml's `draw`: two Park-Miller steps."""
    a = (abs(seed % 2147483647) + i * 7919 + 1) % 2147483647
    return ((a * 48271) % 2147483647) * 48271 % 2147483647


def split(n, test_fraction, seed):
    """std.ml's `trainTestSplit`: (train indices, test indices), order kept."""
    cut = round(test_fraction * 1000)
    test = [i for i in range(n) if draw(seed, i) % 1000 < cut]
    train = [i for i in range(n) if draw(seed, i) % 1000 >= cut]
    return train, test


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def export_data():
    iris = datasets.load_iris()
    names = ["setosa", "versicolor", "virginica"]
    write_csv(os.path.join(DATA, "iris.csv"),
              ["sepalLength", "sepalWidth", "petalLength", "petalWidth", "species"],
              [[*map(repr, map(float, x)), names[y]] for x, y in zip(iris.data, iris.target)])
    diabetes = datasets.load_diabetes()  # mean-centred, scaled features
    write_csv(os.path.join(DATA, "diabetes.csv"),
              ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6", "progression"],
              [[*map(repr, map(float, x)), repr(float(y))] for x, y in zip(diabetes.data, diabetes.target)])
    return iris, diabetes


def linear_reference(diabetes):
    # Least squares with an intercept on the whole data set.
    X = np.hstack([np.ones((len(diabetes.data), 1)), diabetes.data])
    coef, *_ = np.linalg.lstsq(X, diabetes.target, rcond=None)
    write_csv(os.path.join(EXPECTED, "diabetes_lstsq.csv"), ["index", "value"],
              [[i, repr(float(c))] for i, c in enumerate(coef)])  # index 0 is the intercept


def iris_references(iris):
    X, y = iris.data, iris.target
    train, test = split(len(X), 0.3, 7)
    scaler = StandardScaler().fit(X[train])
    clf = LogisticRegression(max_iter=1000).fit(scaler.transform(X[train]), y[train])
    acc = float((clf.predict(scaler.transform(X[test])) == y[test]).mean())
    km = KMeans(n_clusters=3, n_init=10, random_state=0).fit(X)
    write_csv(os.path.join(EXPECTED, "iris_sklearn.csv"), ["logisticAccuracy", "kmeansInertia", "testSize"],
              [[repr(acc), repr(float(km.inertia_)), len(test)]])


def spam_reference():
    with open(os.path.join(DATA, "spam.csv")) as f:
        rows = list(csv.DictReader(f))
    labels = np.array([1 if r["label"] == "spam" else 0 for r in rows])
    texts = [r["text"].lower() for r in rows]
    train, test = split(len(rows), 0.3, 11)
    # Whitespace tokens, vocabulary from the training set (as the Flow example does).
    vec = CountVectorizer(tokenizer=str.split, token_pattern=None, lowercase=False)
    Xtrain = vec.fit_transform([texts[i] for i in train])
    nb = MultinomialNB(alpha=1.0).fit(Xtrain, labels[train])
    pred = nb.predict(vec.transform([texts[i] for i in test]))
    write_csv(os.path.join(EXPECTED, "spam_nb_predictions.csv"), ["row", "predicted"],
              [[i, int(p)] for i, p in zip(test, pred)])


def main():
    os.makedirs(EXPECTED, exist_ok=True)
    iris, diabetes = export_data()
    linear_reference(diabetes)
    iris_references(iris)
    spam_reference()


if __name__ == "__main__":
    main()
