/*
 * Entry names: the one builder.  Every entry pcbench registers is named
 *
 *   kind[/word...][/key:value...][/flag]
 *
 * joined by '/'.  The kind is a workload's name for the matrix
 * (malloc/stack/depth:128/frames:200), else the suite's (storm, heap,
 * churn, floor, unwind, overhead, thread_start, first_event).  Words name
 * what the entry is about (a workload, a strategy, an unwinder); key:value
 * parameters give its point (a value may carry a unit: profiling:1%); a
 * word after them is a flag (churn's `faults`).  A matrix entry of a cold
 * cache state ends in cache:cold; a warm one has no cache part, so warm
 * names are those written before the cache axis existed.  Last, its rate:
 * rate:N for a rate other than 1, rate:go at Go's default rates (always
 * after cache:cold); none at rate 1, the names before the rate axis.
 * Google Benchmark appends
 * its own (/iterations:N, /repeats:N, /real_time...).
 * scripts/pcbtools/results/names.py (parse_name) reads names by the same grammar.
 */
#ifndef PCBENCH_NAME_H
#define PCBENCH_NAME_H

#include <stdbool.h>
#include <stddef.h>

/* One part of a name: a word (key NULL) or a key:value parameter whose
 * value is `word` when set, else `num` and `unit`.  An `absent` part is
 * left out (an optional parameter). */
struct pcb_name_part {
  const char *key;
  const char *word;
  long long num;
  const char *unit;
  bool absent;
};

#define PCB_NAME_WORD(w) { NULL, (w), 0, "", false }
#define PCB_NAME_WORD_IF(c, w) { NULL, (w), 0, "", !(c) }
#define PCB_NAME_INT(k, v) { (k), NULL, (v), "", false }
#define PCB_NAME_INT_IF(c, k, v) { (k), NULL, (v), "", !(c) }
#define PCB_NAME_PERCENT(k, v) { (k), NULL, (v), "%", false }
#define PCB_NAME_STR_IF(c, k, v) { (k), (v), 0, "", !(c) }

/* Writes the parts into buf[len]; 0, or PCB_EINVAL if it does not fit. */
int pcb_entry_name(char *buf, size_t len, const struct pcb_name_part *parts);

/* PCB_ENTRY_NAME(array, part, ...): the parts of one name into a char
 * array, ended for pcb_entry_name by a part with neither key nor word. */
#define PCB_ENTRY_NAME(buf, ...)                                            \
  pcb_entry_name((buf), sizeof(buf),                                       \
                 (const struct pcb_name_part[]){ __VA_ARGS__,              \
                                                 { NULL, NULL, 0, "", false } })

#endif
