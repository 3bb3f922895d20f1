#!/usr/bin/python3
"""Tests pcbtools/pooling.py, paired-runs' pooling over processes.

Against an independent working of the same estimator in numpy (the
DerSimonian-Laird between-process variance, the weighted point, the
Hartung-Knapp variance plus the layouts' term, Welch-Satterthwaite):
agreement to 1e-12.  Then the properties it is chosen for: with equal
precision it is the plain mean and the plain Student-t interval; a
process disturbed while it ran (far off, with a wide interval of its
own) moves the point less than it moves the plain mean, and does not
widen the layouts' term with its copies' spread; a process that
could not say its precision (a zero-width interval) gets an equal
weight, not all of it; each layout's own figures, where the processes
give them, make the layouts' term.  Run by CTest (test "scripts_pooling").
"""
import math
import os
import sys
import unittest

import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from pcbtools import pooling  # noqa: E402

ALPHA = 0.05


def reference(xs, ses, sls, k):
    x, v = np.asarray(xs), np.asarray(ses) ** 2
    w = 1 / v
    q = float(np.sum(w * (x - np.average(x, weights=w)) ** 2))
    tau2 = max(0.0, (q - (len(x) - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
    ws = 1 / (v + tau2)
    m = float(np.average(x, weights=ws))
    a = float(np.sum(ws * (x - m) ** 2) / ((len(x) - 1) * ws.sum()))
    b = float(np.average(np.asarray(sls) ** 2, weights=ws)) / k
    df = (a + b) ** 2 / (a ** 2 / (len(x) - 1) + b ** 2 / (k - 1))
    h = stats.t.ppf(1 - ALPHA / 2, df) * math.sqrt(a + b)
    return m, m - h, m + h, math.sqrt(b * k)


class Pooling(unittest.TestCase):
    def test_matches_reference(self):
        xs = [1.004, 1.010, 0.998, 1.031, 1.002]
        ses = [0.002, 0.003, 0.002, 0.012, 0.0025]
        sls = [0.002, 0.004, 0.003, 0.003, 0.002]
        got = pooling.pool(xs, ses, sls, 9, ALPHA)
        for g, want in zip(got, reference(xs, ses, sls, 9)):
            self.assertAlmostEqual(g, want, places=12)

    def test_equal_precision_is_the_plain_mean(self):
        xs = [1.004, 1.010, 0.998]
        m, lo, hi, _ = pooling.pool(xs, [0.001] * 3, [0.0] * 3, 9, ALPHA)
        half = stats.t.ppf(1 - ALPHA / 2, 2) * np.std(xs, ddof=1) / math.sqrt(3)
        self.assertAlmostEqual(m, np.mean(xs), places=12)
        self.assertAlmostEqual(hi - m, half, places=12)
        self.assertAlmostEqual(m - lo, half, places=12)

    def test_a_disturbed_process_counts_less(self):
        calm = [1.002, 1.004, 1.003, 1.001, 1.005, 1.003, 1.002, 1.004]
        xs, ses = calm + [1.060], [0.002] * 8 + [0.040]
        m, _, _, _ = pooling.pool(xs, ses, [0.001] * 9, 9, ALPHA)
        self.assertLess(abs(m - np.mean(calm)), 0.25 * abs(np.mean(xs) - np.mean(calm)))

    def test_a_disturbed_process_does_not_widen_the_layouts(self):
        xs = [1.002, 1.004, 1.003, 1.001, 1.005, 1.003, 1.002, 1.004, 1.06]
        ses, sls = [0.002] * 8 + [0.05], [0.003] * 8 + [0.2]
        _, lo, hi, sl = pooling.pool(xs, ses, sls, 9, ALPHA)
        self.assertLess(sl, 0.02)
        self.assertLess(hi - lo, 0.02)

    def test_process_se_from_its_interval(self):
        q = stats.t.ppf(1 - ALPHA / 2, 8)
        self.assertAlmostEqual(pooling.process_se(1.0, 1.0 + 2 * q * 0.01, 9,
                                                  ALPHA), 0.01, places=12)
        self.assertAlmostEqual(pooling.process_se(0.0, 2 * 1.959963984540054,
                                                  1, ALPHA), 1.0, places=9)

    def test_zero_width_gets_an_equal_weight(self):
        xs = [1.0, 1.01, 1.02]
        m, _, _, _ = pooling.pool(xs, [0.0, 0.002, 0.002], [0.0] * 3, 9, ALPHA)
        self.assertAlmostEqual(m, np.mean(xs), places=12)

    def test_layouts_from_their_own_figures(self):
        """Columns: each copy's figure in each process.  The layouts'
        term is the spread over copies of their weighted means across
        the processes of one group, pooled over groups (numpy's variance
        of the column means, here with equal weights), K - 1 per group;
        a group that pairs the copies otherwise (its figures shifted by
        one copy) is not averaged copy by copy with the first."""
        lay = np.array([1.03, 0.97, 1.04, 0.98, 1.0, 1.05, 0.99, 0.96, 1.07])
        rng = np.random.default_rng(3)
        cols, xs = [], []
        for p in range(6):
            g = p % 2
            c = np.roll(lay, g) * rng.normal(1, 0.001)
            cols.append((g, dict(enumerate(c))))
            xs.append(float(c.mean()))
        var, df = pooling.layout_var(cols, [1.0] * 6)
        want = np.mean([np.var(np.mean([list(c.values()) for g, c in cols
                                        if g == h], axis=0), ddof=1)
                        for h in (0, 1)])
        self.assertAlmostEqual(var, want, places=12)
        self.assertEqual(df, 16)
        self.assertAlmostEqual(math.sqrt(var), np.std(lay, ddof=1), places=3)
        m, se, pdf, sl, src = pooling.pool_se(xs, [0.001] * 6, [0.0] * 6, 9,
                                              cols)
        self.assertTrue(src)
        self.assertAlmostEqual(sl, math.sqrt(var), places=12)
        self.assertGreater(se, np.std(lay, ddof=1) / 3 * 0.99)
        self.assertIsNone(pooling.layout_var([(0, {0: 1.0}), (1, {1: 1.0})],
                                             [1.0, 1.0]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
