"""The parts of `compare`: cli (the command), alternate, paired."""
