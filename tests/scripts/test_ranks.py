#!/usr/bin/python3
"""The median's order-statistic ranks and the sign test: core/paired.c
(through tests/paired_ranks.c), pcbtools.stats (scipy's binom and
binomtest) and an exact rational reference agree over a grid of n and
alpha.  The grid leaves out alphas whose half is a multiple of 2^-n, where
C's floating sum may put an exact tie on either side (core/paired.c).

usage: test_ranks.py PAIRED_RANKS
"""
import math
import os
import subprocess
import sys
import unittest
from fractions import Fraction

HERE = os.path.dirname(os.path.realpath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "scripts"))
from pcbtools import stats  # noqa: E402

N_MAX = 400
ALPHAS = (0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3,
          0.05 / 16, 0.05 / 110, 0.01 / 7)
BINARY = None


def exact_ranks(n, alpha):
    """The rule in exact arithmetic: lo is the smallest j with
    P(B <= j) > alpha/2, B ~ Binomial(n, 1/2); the coverage is
    1 - 2 P(B <= lo - 1)."""
    cdf, below, half = 0, 0, Fraction(alpha) / 2
    for j in range(n):
        below = cdf
        cdf += Fraction(math.comb(n, j), 2 ** n)
        if cdf > half:
            return j, n + 1 - j, float(1 - 2 * below)
    raise AssertionError("no interval")


def exact_sign_p(above, below):
    m = above + below
    if m == 0:
        return 1.0
    tail = sum(math.comb(m, j) for j in range(min(above, below) + 1))
    return float(min(1, 2 * Fraction(tail, 2 ** m)))


class Ranks(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        out = subprocess.run([BINARY, str(N_MAX), *map(repr, ALPHAS)],
                             capture_output=True, text=True, check=True)
        cls.lines = [ln.split() for ln in out.stdout.splitlines()]

    def test_ranks(self):
        seen = {a: 0 for a in ALPHAS}
        for _, alpha, n, lo, hi, cov in (
                ln for ln in self.lines if ln[0] == "ranks"):
            alpha, n, c = float(alpha), int(n), (int(lo), int(hi))
            if seen[alpha] == 0:  # the first n C gives an interval
                self.assertEqual(stats.min_rounds(alpha), n, alpha)
            seen[alpha] += 1
            py = stats.median_ranks(n, alpha)
            ref = exact_ranks(n, alpha)
            self.assertEqual(py[:2], c, (alpha, n, "scipy vs C"))
            self.assertEqual(ref[:2], c, (alpha, n, "exact vs C"))
            self.assertAlmostEqual(py[2], float(cov), delta=1e-9)
            self.assertAlmostEqual(ref[2], float(cov), delta=1e-9)
        for alpha in ALPHAS:
            self.assertEqual(seen[alpha], N_MAX + 1 - stats.min_rounds(alpha))

    def test_sign(self):
        cases = [ln for ln in self.lines if ln[0] == "sign"]
        self.assertEqual(len(cases), 41 * 41)
        for _, above, below, p in cases:
            above, below, p = int(above), int(below), float(p)
            ref = exact_sign_p(above, below)
            self.assertAlmostEqual(stats.sign_p(above, below), ref,
                                   delta=1e-12 + 1e-9 * ref)
            self.assertAlmostEqual(p, ref, delta=1e-12 + 1e-9 * ref)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__.rsplit("\n\n", 1)[1].strip())
    BINARY = sys.argv.pop(1)
    unittest.main()
