/*
 * Instruction counts for CI.  In --instructions mode each matrix entry's
 * run is bracketed by callgrind client requests: the counters are zeroed
 * before the run and dumped, under the entry's name, after it, so the
 * dump holds exactly the instructions of N iterations on every thread.
 * scripts/bench-ci reads the dumps and divides by the events recorded.
 *
 * Outside valgrind a client request is a few no-op instructions; it is
 * only ever issued outside the timed loop, and only in this mode.
 */
#ifndef PCBENCH_ICOUNT_H
#define PCBENCH_ICOUNT_H

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define PCB_ICOUNT_AVAILABLE 1
#define PCB_ICOUNT_ZERO() CALLGRIND_ZERO_STATS
#define PCB_ICOUNT_DUMP(name) CALLGRIND_DUMP_STATS_AT(name)
#endif
#endif

#ifndef PCB_ICOUNT_ZERO  /* built without valgrind's headers */
#define PCB_ICOUNT_AVAILABLE 0
#define PCB_ICOUNT_ZERO() ((void)0)
#define PCB_ICOUNT_DUMP(name) ((void)(name))
#endif

#endif
