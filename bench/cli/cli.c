/*
 * pcbench's command line, driven by the option table (options.c): the
 * defaults are the rows' defaults parsed as if typed, --help prints the
 * rows, and parsing looks each flag up among them.  Every rejection is
 * one line: the flag, the value, and what is allowed.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/gbshim.h"
#include "base/icount.h"
#include "cli/cli.h"
#include "cli/options.h"
#include "pcbench/strategy.h"
#include "pcbench/unwind.h"
#include "workloads/workload.h"

/* Where a row's value goes in c, and its count for lists. */
#define FIELD(c, o, type) ((type *)((char *)(c) + (o)->off))
#define COUNT(c, o) ((int *)((char *)(c) + (o)->n_off))

static enum pcb_cli_action fail(char *err, size_t len, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return PCB_CLI_EXIT_USAGE;
}

#define ERR(...) fail(err, errlen, __VA_ARGS__)

/* A value as error lines echo it: at most 40 characters, then "...", so
 * that a long value never pushes "allowed: ..." off the end of the line,
 * and control characters as '?', so that the line stays one line.  Two
 * buffers, for the two values one line may echo. */
static const char *shown(const char *v)
{
  static char buf[2][48];
  static int next;
  char *b = buf[next ^= 1];
  size_t i;

  for (i = 0; v[i] && i < 40; i++)
    b[i] = (unsigned char)v[i] < 0x20 || v[i] == 0x7f ? '?' : v[i];
  snprintf(b + i, sizeof(buf[0]) - i, "%s", v[i] ? "..." : "");
  return b;
}

/*
 * A number of o's type within its range, or false.  Only plain decimal is
 * a number: an optional '-', then a digit, then digits (and for seconds
 * '.', and an exponent "e-3" or "e+3").  strtod/strtoll alone would also
 * take leading blanks, '+', hex ("0x1p-4"), "inf" and "nan".
 */
static bool parse_number(const struct pcb_option *o, const char *s, double *v)
{
  const char *digits = s + (*s == '-');
  const char *allowed = o->type == PCB_OPT_SECONDS ? "0123456789.eE+-"
                                                   : "0123456789";
  char *end;

  if (*digits < '0' || *digits > '9' || digits[strspn(digits, allowed)])
    return false;
  errno = 0;
  if (o->type == PCB_OPT_SECONDS)
    *v = strtod(s, &end);
  else
    *v = (double)strtoll(s, &end, 10);
  return *s != '\0' && *end == '\0' && errno == 0 && *v >= o->lo &&
         *v <= o->hi;
}

static int find_choice(const struct pcb_choices *ch, const char *name)
{
  for (size_t i = 0; i < ch->count(); i++)
    if (strcmp(ch->name_at(i), name) == 0)
      return (int)i;
  return -1;
}

/* Splits a comma list in place; the number of items, or SPLIT_EMPTY if
 * the list or an item is empty, SPLIT_MANY if there are more than
 * PCB_LIST_MAX. */
enum { SPLIT_EMPTY = -1, SPLIT_MANY = -2 };

static int split(char *value, char **items)
{
  int n = 0;

  for (char *it = value;; it++) {
    char *comma = strchr(it, ',');

    if (comma ? comma == it : *it == '\0')
      return SPLIT_EMPTY;
    if (n == PCB_LIST_MAX)
      return SPLIT_MANY;
    items[n++] = it;
    if (comma == NULL)
      return n;
    *comma = '\0';
    it = comma;
  }
}

/* Item s of a PCB_OPT_RATES list: a number in range, or o's one word
 * (PCB_RATE_GO). */
static bool parse_rate(const struct pcb_option *o, const char *s, uint64_t *v)
{
  double d;

  if (strcmp(s, o->words) == 0) {
    *v = PCB_RATE_GO;
    return true;
  }
  if (!parse_number(o, s, &d))
    return false;
  *v = (uint64_t)d;
  return true;
}

/* Item i of a parsed list equals an earlier one: a value twice would make
 * two entries of one name. */
static bool given_before(const struct pcb_option *o, const struct pcb_config *c,
                         char **it, int i)
{
  for (int j = 0; j < i; j++)
    if (o->choices ? strcmp(it[j], it[i]) == 0 :
        o->type == PCB_OPT_RATES ? FIELD(c, o, uint64_t)[j] ==
                                       FIELD(c, o, uint64_t)[i]
                                 : FIELD(c, o, int)[j] == FIELD(c, o, int)[i])
      return true;
  return false;
}

static enum pcb_cli_action take_list(const struct pcb_option *o,
                                     const char *value, struct pcb_config *c,
                                     char *err, size_t errlen)
{
  char copy[512], *it[PCB_LIST_MAX];
  int n = snprintf(copy, sizeof(copy), "%s", value) < (int)sizeof(copy)
              ? split(copy, it) : SPLIT_MANY;
  const struct pcb_choices *ch = o->choices;

  if (n == SPLIT_EMPTY)
    return ERR("pcbench: %s: '%s' has an empty item (allowed: 1..%d "
               "comma-separated values)", o->name, shown(value), PCB_LIST_MAX);
  if (n < 0)
    return ERR("pcbench: %s: more than %d values (allowed: 1..%d "
               "comma-separated values)", o->name, PCB_LIST_MAX, PCB_LIST_MAX);
  for (int i = 0; i < n; i++) {
    double v;
    uint64_t r;
    int k = ch ? find_choice(ch, it[i]) : 0;

    if (ch && k < 0)
      return ERR("pcbench: %s: unknown %s '%s' (allowed: %s)", o->name,
                 ch->what, shown(it[i]), pcb__cli_choices_of(ch));
    if (o->type == PCB_OPT_RATES) {
      if (!parse_rate(o, it[i], &r))
        return ERR("pcbench: %s: '%s' (allowed: %s)", o->name, shown(it[i]),
                   pcb__cli_range_of(o));
      FIELD(c, o, uint64_t)[i] = r;
    } else if (ch) {
      ch->store((char *)c + o->off + (size_t)i * ch->slot_size, (size_t)k);
    } else {
      if (!parse_number(o, it[i], &v))
        return ERR("pcbench: %s: '%s' (allowed: %s)", o->name, shown(it[i]),
                   pcb__cli_range_of(o));
      FIELD(c, o, int)[i] = (int)v;
    }
    if (given_before(o, c, it, i))
      return ERR("pcbench: %s: '%s' given twice (allowed: each %s once)",
                 o->name, shown(it[i]), ch ? ch->what : "value");
  }
  *COUNT(c, o) = n;
  return PCB_CLI_RUN;
}

/*
 * The output is checked now, not after the run: rename() would replace
 * whatever is at the path, a device node included.  Allowed: a regular
 * file (not a symbolic link, whatever it points at), or a new name, in an
 * existing directory we may write and search, whose name leaves room for
 * the temporary beside it (PCB_TMP_NAME_MAX more bytes, main.c).
 */
static enum pcb_cli_action take_path(const struct pcb_option *o,
                                     const char *value, struct pcb_config *c,
                                     char *err, size_t errlen)
{
  static const char allowed[] = "allowed: a regular file, or a new name "
                                "in a writable directory";
  char dir[PATH_MAX];
  const char *slash = strrchr(value, '/');
  const char *base = slash ? slash + 1 : value;
  size_t dirlen = slash ? (size_t)(slash - value) : 1;
  struct stat st;

  if (*value == '\0' || *base == '\0' || strcmp(base, ".") == 0 ||
      strcmp(base, "..") == 0)
    return ERR("pcbench: %s: '%s' is not a file name (%s)", o->name,
               shown(value), allowed);
  if (strlen(base) > NAME_MAX || dirlen + PCB_TMP_NAME_MAX >= PATH_MAX)
    return ERR("pcbench: %s: '%s' is too long (allowed: names of up to %d "
               "bytes, paths of up to %d)", o->name, shown(value), NAME_MAX,
               PATH_MAX - PCB_TMP_NAME_MAX - 1);
  snprintf(dir, sizeof(dir), "%.*s", slash ? (int)dirlen : 1,
           slash ? value : ".");
  if (slash == value)
    strcpy(dir, "/");
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
      access(dir, W_OK | X_OK) != 0)
    return ERR("pcbench: %s: directory '%s' does not exist or is not "
               "writable (%s)", o->name, shown(dir), allowed);
  if (lstat(value, &st) == 0 && !S_ISREG(st.st_mode))
    return ERR("pcbench: %s: '%s' is a %s (%s)", o->name, shown(value),
               S_ISDIR(st.st_mode) ? "directory" :
               S_ISLNK(st.st_mode) ? "symbolic link" :
               S_ISFIFO(st.st_mode) ? "FIFO" :
               S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device node" :
               "non-regular file", allowed);
  *FIELD(c, o, const char *) = value;
  return PCB_CLI_RUN;
}

/* PCB_OPT_WORD: value is one of the comma-separated words. */
static bool is_word(const char *words, const char *value)
{
  size_t n = strlen(value);

  for (const char *w = words; w; w = strchr(w, ',') ? strchr(w, ',') + 1
                                                    : NULL)
    if (strncmp(w, value, n) == 0 && (w[n] == ',' || w[n] == '\0') && n)
      return true;
  return false;
}

/* One row's value into c. */
static enum pcb_cli_action take(const struct pcb_option *o, const char *value,
                                struct pcb_config *c, char *err, size_t errlen)
{
  double v;
  int k;

  switch (o->type) {
  case PCB_OPT_INTS:
  case PCB_OPT_RATES:
  case PCB_OPT_NAMES:
    return take_list(o, value, c, err, errlen);
  case PCB_OPT_PATH:
    return take_path(o, value, c, err, errlen);
  case PCB_OPT_NAME:
    if ((k = find_choice(o->choices, value)) < 0)
      return ERR("pcbench: %s: unknown %s '%s' (allowed: %s)", o->name,
                 o->choices->what, shown(value),
                 pcb__cli_choices_of(o->choices));
    if (o->choices->unusable && o->choices->unusable((size_t)k))
      return ERR("pcbench: %s: %s '%s' cannot be used: %s", o->name,
                 o->choices->what, shown(value),
                 o->choices->unusable((size_t)k));
    o->choices->store((char *)c + o->off, (size_t)k);
    return PCB_CLI_RUN;
  case PCB_OPT_BOOL:
    if (!is_word("true,false", value))
      return ERR("pcbench: %s: '%s' (allowed: true, false)", o->name,
                 shown(value));
    *FIELD(c, o, bool) = strcmp(value, "true") == 0;
    return PCB_CLI_RUN;
  case PCB_OPT_WORD:
    if (!is_word(o->words, value))
      return ERR("pcbench: %s: '%s' (allowed: one of %s)", o->name,
                 shown(value), o->words);
    return PCB_CLI_RUN;
  case PCB_OPT_TEXT:
    if (!o->valid(value))
      return ERR("pcbench: %s: '%s' (allowed: %s)", o->name, shown(value),
                 o->note);
    return PCB_CLI_RUN;
  case PCB_OPT_REFUSED:
    return ERR("pcbench: %s: refused (%s)", o->name, o->note);
  default:
    break;
  }
  if (!parse_number(o, value, &v))
    return ERR("pcbench: %s: '%s' (allowed: %s)", o->name, shown(value),
               pcb__cli_range_of(o));
  if (o->pass)
    return PCB_CLI_RUN;  /* checked; Google Benchmark keeps it */
  if (o->type == PCB_OPT_INT)
    *FIELD(c, o, int) = (int)v;
  else if (o->type == PCB_OPT_U64)
    *FIELD(c, o, uint64_t) = (uint64_t)v;
  else
    *FIELD(c, o, double) = v;
  return PCB_CLI_RUN;
}

bool pcb__cli_takes_value(const struct pcb_option *o)
{
  return o->type != PCB_OPT_FLAG && o->type != PCB_OPT_PRESET &&
         o->type != PCB_OPT_ACTION;
}

static const struct pcb_option *find_option(const char *arg, size_t len)
{
  for (size_t i = 0; i < pcb_noptions; i++)
    if (strlen(pcb_options[i].name) == len &&
        strncmp(pcb_options[i].name, arg, len) == 0)
      return &pcb_options[i];
  return NULL;
}

/* A row's default: its `def` as if typed, or its choices' own defaults. */
static void take_default(const struct pcb_option *o, struct pcb_config *c)
{
  const struct pcb_choices *ch = o->choices;
  char err[256];

  if (o->def && pcb__cli_takes_value(o)) {
    take(o, o->def, c, err, sizeof(err));  /* the table's own: valid */
    return;
  }
  for (size_t i = 0; ch && ch->is_default && i < ch->count(); i++)
    if (ch->is_default(i) && *COUNT(c, o) < PCB_LIST_MAX)
      ch->store((char *)c + o->off + (size_t)(*COUNT(c, o))++ * ch->slot_size,
                i);
}

/* A preset's options ("--a=x --b=y"), applied before the command line's. */
static void take_preset(const struct pcb_option *p, struct pcb_config *c)
{
  char copy[256], err[256], *save = NULL;

  snprintf(copy, sizeof(copy), "%s", p->def);
  for (char *tok = strtok_r(copy, " ", &save); tok;
       tok = strtok_r(NULL, " ", &save)) {
    char *eq = strchr(tok, '=');
    const struct pcb_option *o = find_option(tok, (size_t)(eq - tok));

    take(o, eq + 1, c, err, sizeof(err));  /* the table's own: valid */
  }
}

/* --flag=value or --flag value; *used says how many argv slots. */
static enum pcb_cli_action take_arg(int argc, char **argv, int i, int *used,
                                    struct pcb_config *c, char *err,
                                    size_t errlen)
{
  const char *eq = strchr(argv[i], '=');
  size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
  const struct pcb_option *o = find_option(argv[i], len);

  enum pcb_cli_action a;

  *used = 1;
  if (o == NULL)
    return ERR("pcbench: unknown option '%s' (see pcbench --help)",
               shown(argv[i]));
  if (o->type == PCB_OPT_REFUSED)
    return take(o, "", c, err, errlen);
  if (o->pass && eq == NULL)
    return ERR("pcbench: %s needs =VALUE (allowed: %s=%s)", o->name, o->name,
               o->arg);
  if (o->pass) {
    if ((a = take(o, eq + 1, c, err, errlen)) != PCB_CLI_RUN)
      return a;
    if (c->gb_argc >= PCB_GB_ARGV_MAX - PCB_GB_ARGV_OWN)
      return ERR("pcbench: too many --benchmark_* flags (allowed: %d)",
                 PCB_GB_ARGV_MAX - PCB_GB_ARGV_OWN - 1);
    c->gb_argv[c->gb_argc++] = argv[i];
    return PCB_CLI_RUN;
  }
  if (!pcb__cli_takes_value(o)) {
    if (eq)
      return ERR("pcbench: %s takes no value (see pcbench --help)", o->name);
    if (o->type == PCB_OPT_ACTION) {
      o->action();
      return PCB_CLI_EXIT_OK;
    }
    *FIELD(c, o, bool) = true;
    return PCB_CLI_RUN;
  }
  if (eq)
    return take(o, eq + 1, c, err, errlen);
  if (i + 1 >= argc)
    return ERR("pcbench: %s needs a value (see pcbench --help)", o->name);
  *used = 2;
  return take(o, argv[i + 1], c, err, errlen);
}

/* Physical memory in bytes, as the kernel reports it. */
static unsigned long long machine_memory(void)
{
  long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);

  return pages > 0 && size > 0 ? (unsigned long long)pages * (unsigned long long)size
                               : ULLONG_MAX;
}

/* What no single row can check: a workload's minimum thread count, and
 * a mode this build lacks. */
static enum pcb_cli_action check_together(const struct pcb_config *c,
                                          char *err, size_t errlen)
{
  for (int i = 0; i < c->nworkloads; i++)
    if (c->threads != 0 && c->threads < c->workloads[i]->min_threads)
      return ERR("pcbench: --threads: %d is too few for workload '%s' "
                 "(allowed: %d..%d)", c->threads, c->workloads[i]->name,
                 c->workloads[i]->min_threads, PCB_THREADS_MAX);
  /* A storm costs a handler per signal on every thread; a workload that
   * blocks hands off through waits that each signal interrupts, and past
   * about 20 kHz its hand-offs starve (block: 0.07 s for 1000 storm events
   * at 20 kHz, 0.85 s at 40 kHz, over 20 s at 100 kHz on 2 vCPUs). */
  for (int i = 0; c->storm_hz > PCB_STORM_BLOCKING_HZ && i < c->nworkloads;
       i++)
    if (c->workloads[i]->real_time)
      return ERR("pcbench: --storm: %d Hz is more than workload '%s' can "
                 "take (allowed: 0..%d for workloads that block)",
                 c->storm_hz, c->workloads[i]->name, PCB_STORM_BLOCKING_HZ);
  if (c->paired && c->nstrategies < 2)
    return ERR("pcbench: --paired: compares strategies, and %d was given "
               "(allowed: two or more in --strategies)", c->nstrategies);
  if (c->paired && c->instructions)
    return ERR("pcbench: --paired: times, and --instructions counts "
               "instructions (allowed: one of the two)");
  if (c->working_set > machine_memory())
    return ERR("pcbench: --working-set: %llu is more than this machine's "
               "memory (allowed: bytes 1..%llu)",
               (unsigned long long)c->working_set, machine_memory());
  if (c->gb_list && c->out)
    return ERR("pcbench: --benchmark_list_tests=true: lists names and "
               "writes no results (allowed: without --out)");
  if (c->instructions && !PCB_ICOUNT_AVAILABLE)
    return ERR("pcbench: --instructions: this pcbench was built without "
               "valgrind/callgrind.h (allowed: install valgrind, rebuild)");
  return PCB_CLI_RUN;
}

enum pcb_cli_action pcb_cli_parse(int argc, char **argv, struct pcb_config *c,
                                  char *err, size_t errlen)
{
  memset(c, 0, sizeof(*c));
  c->rate = PCB_RATE_POINT;  /* see config.h: a rate is a point's */
  for (size_t k = 0; k < pcb_noptions; k++)
    take_default(&pcb_options[k], c);
  c->gb_argv[c->gb_argc++] = argv[0];
  for (int i = 1; i < argc; i++)
    for (size_t k = 0; k < pcb_noptions; k++)
      if (pcb_options[k].type == PCB_OPT_PRESET &&
          strcmp(argv[i], pcb_options[k].name) == 0)
        take_preset(&pcb_options[k], c);
  for (int i = 1, used = 1; i < argc; i += used) {
    enum pcb_cli_action a;

    used = 1;
    if (strcmp(argv[i], "-h") == 0) {
      pcb_cli_usage();
      return PCB_CLI_EXIT_OK;
    }
    if ((a = take_arg(argc, argv, i, &used, c, err, errlen)) != PCB_CLI_RUN)
      return a;
  }
  return check_together(c, err, errlen);
}
