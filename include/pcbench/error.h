/*
 * One error convention for all of pcbench (after libuv): functions return 0
 * or a negative PCB_E* code; pcb_strerror() gives the message for any code.
 * Distinct causes get distinct codes, so a caller can tell "depth too large"
 * from "out of memory" without parsing text.
 */
#ifndef PCBENCH_ERROR_H
#define PCBENCH_ERROR_H

#define PCB_ERRNO_MAP(XX)                                                    \
  XX(EINVAL,    -1, "invalid argument")                                      \
  XX(ENOMEM,    -2, "out of memory")                                         \
  XX(EBUSY,     -3, "buffer busy: nested event on the same thread")          \
  XX(EDEPTH,    -4, "depth out of range (allowed 1..1024)")                  \
  XX(ENOENT,    -5, "no such strategy")                                      \
  XX(EVERSION,  -6, "strategy interface version mismatch")                   \
  XX(EINCOMPLETE, -7, "strategy ops struct is missing a required hook")      \
  XX(ESYS,      -8, "system call failed")                                    \
  XX(EFULL,     -9, "table full")                                            \
  XX(ENOTREG,  -10, "thread is not registered")                              \
  XX(EFRAMES,  -11, "frames out of range")                                   \
  XX(EOVERFLOW, -12, "stack overflow: the call needs more stack than there is") \
  XX(ECONTENDED, -13, "buffer busy: every one tried is held by another capture") \
  XX(ETOOFEW,  -14, "too few samples for an interval (95% needs 6)")        \
  XX(EBATCH,   -15, "calibrated batch exceeds the allowed iterations")     \
  XX(EUNSUPPORTED, -16, "not supported by this machine")                    \
  XX(ECRASH,   -17, "a library crashed (most likely an allocation it did not check)")

enum pcb_errno {
#define XX(name, val, msg) PCB_##name = (val),
  PCB_ERRNO_MAP(XX)
#undef XX
};

/* Never NULL: unknown codes get a generic message. */
const char *pcb_strerror(int err);
/* The symbolic name ("EBUSY"), for logs and JSON. */
const char *pcb_errname(int err);

#endif
