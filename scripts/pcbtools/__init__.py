"""pcbtools: pcbench's result scripts as one package.

scripts/ holds the commands (compare, report, export, history, bench-ci,
check-stability, paired-runs, bench-run): each a launcher that runs a
module of this package with scripts/ on PYTHONPATH.  The modules:

  pcblib          what the scripts share (figures, loading, options, run())
  results/        a results file: io (checked, atomic output; BadInput),
                  names (the entry-name grammar), read (one file, checked)
  compare/        cli (the CI gate), alternate (two builds timed in turns),
                  paired (the paired entries' rounds)
  report/         cli and the design evaluation report's parts
  bench_ci, callgrind, check_stability, export, history, paired_runs
"""
