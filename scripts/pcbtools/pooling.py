"""One quantity from several processes: a random-effects pooling.

Each process i reports a point x_i (its across-layout mean) with an
interval [lo_i, hi_i] of its own, and every process ran the same K code
layouts.  The processes are draws of what stays fixed for a process
(physical pages, the host's state); some are disturbed (another task
shared the core for a while) and say so by a wide interval of their own.

  s_i      each process's standard error, its interval's half-width over
           the t quantile it was made with (K - 1 degrees of freedom,
           or the normal's with one layout);
  tau^2    the variance between processes beyond the s_i^2
           (DerSimonian and Laird's moment estimate, never below 0);
  point    the weighted mean, weights w_i = 1 / (s_i^2 + tau^2): a
           process as precise as the rest counts as much as each of
           them, a disturbed one less, never more than 1/tau^2 allows;
  se^2     Hartung-Knapp-Sidik-Jonkman: the weighted spread of the x_i
           about the point, sum w_i (x_i - point)^2 / ((P - 1) sum w_i),
           so the interval is calibrated by the spread the processes
           show, not by the s_i alone (IntHout et al., BMC Med. Res.
           Methodol. 2014);
  layouts  plus s_L^2 / K, s_L^2 the layouts' own variance averaged
           over the processes with the same weights (every process runs
           the same layouts, so the spread between processes does not
           hold theirs; a disturbed process's copies spread widely too,
           and a plain average let one such process widen the interval
           of every run tenfold), Welch-Satterthwaite degrees of freedom
           from P - 1 and K - 1.

With equal s_i this is the plain mean with the Student-t interval of
the processes plus the layouts' term; where an s_i is 0 (a process
that could not say its precision) the weights are equal.

Where the processes also give each layout's own figure (columns: a
process's median on each copy, `_copy<k>`), s_L^2 comes from those
instead.  Each layout's figure is averaged over the processes that ran
the same copies (same weights), so each process's noise in it is
divided by their number, and s_L^2 is the spread of those averages
over the layouts (pooled within groups of processes that paired the
copies alike), K - 1 degrees of freedom per group.  Nothing is
subtracted and nothing clipped: what noise is left in it counts as
layout, which errs wide.  Each process's `_layout_sd` is its spread of
about a dozen rounds per copy less an estimate of their noise, clipped
at 0; on rows of a few timer ticks (thread start) that estimate read 0
in one process and 0.02 in the next, and an interval built on it missed
a placement offset that every process showed (docs/ci.md).
"""
import math


def process_se(lo, hi, layouts, alpha):
    """A process's standard error from its own interval."""
    from scipy import stats
    q = (stats.t.ppf(1 - alpha / 2, layouts - 1) if layouts > 1
         else stats.norm.ppf(1 - alpha / 2))
    return (hi - lo) / (2 * q)


def weights(xs, ses):
    """(random-effects weights, tau^2)."""
    if any(s <= 0 or not math.isfinite(s) for s in ses):
        return [1.0] * len(xs), None
    w = [1 / (s * s) for s in ses]
    sw = sum(w)
    fixed = sum(wi * x for wi, x in zip(w, xs)) / sw
    q = sum(wi * (x - fixed) ** 2 for wi, x in zip(w, xs))
    c = sw - sum(wi * wi for wi in w) / sw
    tau2 = max(0.0, (q - (len(xs) - 1)) / c) if c > 0 else 0.0
    return [1 / (s * s + tau2) for s in ses], tau2


def pool(xs, ses, layout_sds, layouts, alpha):
    """(point, lo, hi, layout sd) of one quantity over P >= 2 processes."""
    m, se, df, sl, _ = pool_se(xs, ses, layout_sds, layouts)
    return (m, *interval(m, se, df, alpha), sl)


def interval(m, se, df, alpha):
    """(lo, hi): the Student-t interval about m at 1 - alpha."""
    from scipy import stats
    if se == 0:
        return m, m
    t = float(stats.t.ppf(1 - alpha / 2, df))
    return m - t * se, m + t * se


def pool_se(xs, ses, layout_sds, layouts, columns=None):
    """(point, standard error, degrees of freedom, layout sd, whether
    that sd came from the columns): what pool's interval is made of.
    columns: per process (group, {copy: figure}), or None: the layouts'
    term from layout_sds."""
    n = len(xs)
    w, _ = weights(xs, ses)
    sw = sum(w)
    m = sum(wi * x for wi, x in zip(w, xs)) / sw
    a = sum(wi * (x - m) ** 2 for wi, x in zip(w, xs)) / ((n - 1) * sw)
    var_df = layout_var(columns, w) if columns else None
    if var_df:
        sl, ldf = math.sqrt(var_df[0]), var_df[1]
    else:
        sl = math.sqrt(sum(wi * s * s for wi, s in zip(w, layout_sds)) / sw)
        ldf = layouts - 1
    b = sl * sl / layouts if layouts > 1 else 0.0
    se = math.sqrt(a + b)
    parts = a * a / (n - 1) + (b * b / ldf if layouts > 1 else 0)
    df = (a + b) ** 2 / parts if parts > 0 else n - 1
    return m, se, df, sl, var_df is not None


def layout_var(columns, w):
    """(s_L^2, degrees of freedom) from the layouts' own figures, or None
    if no group has two layouts every one of its processes ran.
    columns[i] = (group, {copy: figure}) of process i, w[i] its weight."""
    groups = {}
    for (g, cols), wi in zip(columns, w):
        groups.setdefault(g, []).append((cols, wi))
    ss, df = 0.0, 0
    for members in groups.values():
        common = set.intersection(*(set(c) for c, _ in members))
        if len(common) < 2:
            continue
        sw = sum(wi for _, wi in members)
        means = [sum(wi * c[k] for c, wi in members) / sw for k in common]
        mean = sum(means) / len(means)
        ss += sum((x - mean) ** 2 for x in means)
        df += len(means) - 1
    return (ss / df, df) if df else None
