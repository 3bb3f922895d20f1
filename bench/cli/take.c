/*
 * One row's value into the configuration: numbers, lists, names, paths,
 * words and text, each checked against its row (options.h) before it is
 * stored.  Every rejection is one line: the flag, the value (as shown()
 * prints it) and what is allowed.  The command line (cli.c) and the
 * environment (env.c) both come through here.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/options.h"
#include "cli/take.h"

#define FIELD(c, o, type) ((type *)((char *)(c) + (o)->off))
#define COUNT(c, o) ((int *)((char *)(c) + (o)->n_off))

enum pcb_cli_action pcb__cli_fail(char *err, size_t len, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(err, len, fmt, ap);
  va_end(ap);
  return PCB_CLI_EXIT_USAGE;
}

#define ERR(...) pcb__cli_fail(err, errlen, __VA_ARGS__)

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

const char *pcb__cli_shown(const char *v)
{
  return shown(v);
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
    if (ch && ch->unusable && ch->unusable((size_t)k))
      return ERR("pcbench: %s: %s '%s' cannot be used: %s", o->name,
                 ch->what, shown(it[i]), ch->unusable((size_t)k));
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
 * the temporary beside it (PCB_TMP_NAME_MAX more bytes, base/outfile.c).
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
enum pcb_cli_action pcb__cli_take(const struct pcb_option *o,
                                  const char *value, struct pcb_config *c,
                                  char *err, size_t errlen)
{
  const char *why;
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
    if ((why = o->valid(value)) != NULL)
      return ERR("pcbench: %s: '%s' %s (allowed: %s)", o->name, shown(value),
                 why, o->note);
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

