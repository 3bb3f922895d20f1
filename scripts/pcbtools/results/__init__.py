"""One pcbench results file: io, names, read."""
