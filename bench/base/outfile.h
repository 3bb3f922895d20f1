/*
 * The results file's way to --out: Google Benchmark writes a temporary
 * beside it, which is checked (results.h) and renamed over --out only
 * when the run succeeded.  Every other way out removes the temporary and
 * leaves the previous results as they were: a return or exit() from
 * anywhere (atexit), every signal whose default action ends the process
 * (a handler that unlinks, says which signal and where, then re-raises
 * with the default action, so that the exit status still names it), a
 * crash, and an uncaught C++ exception (std::terminate: SIGABRT).
 *
 * Not covered, and why: SIGKILL and power loss (nothing runs); signals 32
 * and 33, which the C library keeps for itself (thread cancellation,
 * set*id across threads) and will not let a program handle (33 has the
 * library's own handler, which ignores a signal from outside; 32 would
 * end the process); a signal ignored when pcbench started, which stays
 * ignored (as nohup expects) and so ends nothing.  SIGPROF is handled
 * like the others until a storm takes it over (suites/storm.c); from then
 * on a SIGPROF from outside is one more nested event, and the run goes on.
 */
#ifndef PCBENCH_OUTFILE_H
#define PCBENCH_OUTFILE_H

#ifdef __cplusplus
extern "C" {
#endif

/* Creates the temporary beside `out` (dir/.pcbench.tmp.PID.RANDOM,
 * O_EXCL), with the handlers and the atexit hook that remove it installed
 * first; 0 or PCB_ESYS (errno says why). */
int pcb_out_begin(const char *out);
/* The temporary Google Benchmark writes (valid after pcb_out_begin). */
const char *pcb_out_temp(void);
/* After the run: with status 0, checks the temporary and renames it over
 * `out`; in every case removes what is left.  Returns the final status
 * (1 if the results were refused or could not be renamed). */
int pcb_out_finish(const char *out, int status);
/* Out of memory where no caller can take it (`what` ran out: a C++
 * allocation in Google Benchmark or the C++ library, hwloc): removes the
 * temporary, says so in one line, and ends the process with status 1 at
 * once (_exit: other threads may be running, and no destructor may run
 * under them).  Async-signal-safe; works with or without --out. */
__attribute__((noreturn)) void pcb_out_of_memory(const char *what);

/* With --out: the temporary begun, and Google Benchmark's JSON output
 * pointed at it (c's gb_argv); 0, or PCB_ESYS (said on stderr).  Without,
 * nothing. */
struct pcb_config;
int pcb_out_route(struct pcb_config *c);
/* With --out: pcb_out_finish; returns the final status (status itself
 * without --out). */
int pcb_out_end(const struct pcb_config *c, int status);

#ifdef __cplusplus
}
#endif

#endif
