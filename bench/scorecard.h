/*
 * The scorecard pcbench prints at the end of a run (scorecard.c): one row
 * a strategy, the four costs side by side, every figure the results
 * file's own.
 */
#ifndef PCBENCH_SCORECARD_H
#define PCBENCH_SCORECARD_H

#include <stdio.h>

/* After pcb_gb_run, when the compact console was shown: the table under
 * it, at most PCB_SCORECARD_COLS columns a line; nothing when the run
 * wrote no matrix entry. */
#define PCB_SCORECARD_COLS 100
void pcb_scorecard_print(FILE *out);

#endif
