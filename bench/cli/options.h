/*
 * The option table: one row per option -- name, type, where its value
 * goes, range, default and help -- from which parsing (cli.c), --help and
 * the defaults all come, as fio's struct fio_option.  A new option is one
 * row in options.c (and its field in struct pcb_config).
 */
#ifndef PCBENCH_OPTIONS_H
#define PCBENCH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "cli/action.h"

enum pcb_opt_type {
  PCB_OPT_INT,      /* int in [lo, hi] */
  PCB_OPT_U64,      /* uint64_t in [lo, hi] */
  PCB_OPT_SECONDS,  /* double in [lo, hi] */
  PCB_OPT_INTS,     /* comma list of ints in [lo, hi]; its count at n_off */
  PCB_OPT_RATES,    /* comma list of uint64_t in [lo, hi] or the one word
                     * `words` (stored as PCB_RATE_GO); count at n_off */
  PCB_OPT_NAMES,    /* comma list of distinct `choices`; count at n_off */
  PCB_OPT_NAME,     /* one of `choices` */
  PCB_OPT_PATH,     /* an output file in a writable directory */
  PCB_OPT_FLAG,     /* no value: sets a bool */
  PCB_OPT_PRESET,   /* no value: sets a bool, and `def` (options) first */
  PCB_OPT_ACTION,   /* no value: parsing ends with `then` (main prints
                     * what it names, and pcbench exits 0) */
  PCB_OPT_BOOL,     /* true or false, into a bool */
  PCB_OPT_WORD,     /* one of the comma-separated `words`; not stored */
  PCB_OPT_TEXT,     /* text `valid` accepts (`note` says what); not stored */
  PCB_OPT_REFUSED,  /* never accepted: `note` says why and what instead */
};

/* The names an option may take, read from a table of the project's. */
struct pcb_choices {
  const char *what;                   /* "workload", in error lines */
  size_t (*count)(void);
  const char *(*name_at)(size_t i);
  void (*store)(void *slot, size_t i);  /* choice i into one slot */
  size_t slot_size;
  /* the default when the option's row gives none: each choice for which
   * this says so (NULL: no default) */
  bool (*is_default)(size_t i);
  /* NULL, or why choice i cannot be used on this machine, and what can
   * (NULL when it can) */
  const char *(*unusable)(size_t i);
};

struct pcb_option {
  const char *name;           /* "--depths" */
  enum pcb_opt_type type;
  size_t off, n_off;          /* offsetof(struct pcb_config, ...) */
  double lo, hi;              /* numbers' range, inclusive */
  const struct pcb_choices *choices;
  const char *def;            /* as typed on the command line, or NULL */
  const char *arg;            /* the value's placeholder in --help */
  const char *unit;           /* what lo..hi counts, in error lines */
  const char *note;           /* after the range in error lines */
  const char *help;           /* '\n' starts another line */
  const char *heading;        /* starts a group of --help */
  enum pcb_cli_action then;
  const char *words;          /* PCB_OPT_WORD: "console,json" */
  /* PCB_OPT_TEXT: NULL if value is allowed, else what is wrong with it
   * ("is not a regular expression (...)"), for the error line */
  const char *(*valid)(const char *value);
  /* A Google Benchmark flag: once checked here it is handed to Google
   * Benchmark as typed (only --benchmark_x=VALUE form); a pass row with
   * no storage of its own has type WORD, TEXT or REFUSED.  Its
   * environment variable (--benchmark_x: BENCHMARK_X) is read through
   * the same row (cli/env.c). */
  bool pass;
  /* may be given more than once (--module): each value is taken */
  bool repeat;
};

/* Rows of the table, at most (the parser keeps a list of those given). */
#define PCB_OPTIONS_MAX 64

extern const struct pcb_option pcb_options[];
extern const size_t pcb_noptions;

/* The questions about one row, asked by the parser (cli.c), the values
 * (take.c), the environment (env.c) and --help (help.c). */
/* The row named by the first len bytes of name, or NULL. */
const struct pcb_option *pcb__cli_find(const char *name, size_t len);
/* Rows a and b set the same thing (one row, or two names of one field). */
bool pcb__cli_same_setting(const struct pcb_option *a,
                           const struct pcb_option *b);
bool pcb__cli_takes_value(const struct pcb_option *o);
/* "a, b, c": a row's choices, for --help and error lines (a static
 * buffer). */
const char *pcb__cli_choices_of(const struct pcb_choices *ch);
/* The range of a numeric row, as error lines give it (a static buffer). */
const char *pcb__cli_range_of(const struct pcb_option *o);

#endif
