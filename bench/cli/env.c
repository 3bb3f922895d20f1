/*
 * Google Benchmark's environment variables.  Google Benchmark 1.7.1
 * gives each of its flags --benchmark_x the initial value of the
 * variable BENCHMARK_X, read while the program loads, before main; a flag
 * on the command line wins over it.  Left alone, they would be a back
 * door round the option table: a value no row allows (BENCHMARK_FORMAT=
 * xml), an output no temporary protects (BENCHMARK_OUT), a list of names
 * where --out is given (BENCHMARK_LIST_TESTS).  So pcbench reads them
 * itself, each through the row of its flag, as strictly as the flag:
 * refused where the flag is refused, and applied as the flag would be
 * unless the command line set the same thing.  The shim then resets
 * Google Benchmark's own copies to their defaults before it hands over
 * the checked flags (base/gbshim.cc).  A BENCHMARK_* that names no
 * setting is refused too: Google Benchmark would ignore a misspelt one
 * without a word.  Its log level, V (the flag --v), is not a
 * BENCHMARK_* name and not pcbench's to check: it is ignored.
 *
 * Google Benchmark reads the variables in its initializers, which run
 * before main, and prints a line of its own for a value it cannot parse
 * (BENCHMARK_REPETITIONS=abc).  So the program takes them out of its
 * environment before any library is initialized, in an ELF preinit
 * function, and keeps them here; the library sees none of them.
 */
#include <stdio.h>
#include <string.h>

#include "cli/env.h"
#include "cli/options.h"
#include "cli/take.h"

extern char **environ;

#define TAKEN_MAX 64  /* variables kept aside; more stay in environ */
static char *taken[TAKEN_MAX + 1];

/* s starts with p.  By hand: in a preinit function, before a sanitizer's
 * runtime may be ready, no library call is safe. */
__attribute__((no_sanitize("address", "thread", "undefined")))
static bool starts(const char *s, const char *p)
{
  while (*p && *s == *p)
    s++, p++;
  return *p == '\0';
}

/* Takes BENCHMARK_* and V out of the environment, before any library's
 * initializer runs (DT_PREINIT_ARRAY: the program's own, run first). */
__attribute__((no_sanitize("address", "thread", "undefined")))
static void take_out(int argc, char **argv, char **envp)
{
  char **keep = envp;
  int n = 0;

  (void)argc;
  (void)argv;
  for (char **e = envp; e && *e; e++)
    if ((starts(*e, "BENCHMARK_") || starts(*e, "V=")) && n < TAKEN_MAX)
      taken[n++] = *e;
    else
      *keep++ = *e;
  if (envp)
    *keep = NULL;
}

__attribute__((section(".preinit_array"), used))
static void (*const take_out_first)(int, char **, char **) = take_out;

#define ERR(...) pcb__cli_fail(err, errlen, __VA_ARGS__)
#define PREFIX "BENCHMARK_"
#define POOL 8192  /* bytes of the flags made from variables */

/* "BENCHMARK_MIN_TIME" (len bytes) as "--benchmark_min_time" into flag,
 * or false unless every byte after the prefix is A-Z, 0-9 or '_' (the
 * names Google Benchmark reads are its flags' names upper-cased). */
static bool flag_of(const char *var, size_t len, char *flag, size_t size)
{
  size_t n = (size_t)snprintf(flag, size, "--benchmark_");

  for (size_t i = strlen(PREFIX); i < len; i++, n++) {
    char ch = var[i];

    if (n + 1 >= size || !((ch >= 'A' && ch <= 'Z') || ch == '_' ||
                           (ch >= '0' && ch <= '9')))
      return false;
    flag[n] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
  }
  flag[n] = '\0';
  return len > strlen(PREFIX);
}

/* err, which names o's flag after "pcbench: ", made to name the
 * variable instead. */
static void name_variable(char *err, size_t errlen,
                          const struct pcb_option *o, const char *var,
                          size_t len)
{
  char line[512];
  size_t head = strlen("pcbench: ") + strlen(o->name);

  if (strlen(err) < head || strncmp(err + strlen("pcbench: "), o->name,
                                    strlen(o->name)) != 0)
    return;
  snprintf(line, sizeof(line), "pcbench: %.*s (environment)%s", (int)len,
           var, err + head);
  snprintf(err, errlen, "%s", line);
}

static bool set_by_command_line(const struct pcb_option *o,
                                const struct pcb_option *const *set, int n)
{
  for (int i = 0; i < n; i++)
    if (pcb__cli_same_setting(set[i], o))
      return true;
  return false;
}

/* A checked pass row's value, handed on as the flag: "--benchmark_x=v". */
static enum pcb_cli_action hand_on(struct pcb_config *c, const char *flag,
                                   const char *value, const char *var,
                                   char *err, size_t errlen)
{
  static char pool[POOL];
  static size_t used;
  size_t need = strlen(flag) + 1 + strlen(value) + 1;

  if (used + need > sizeof(pool))
    return ERR("pcbench: %s (environment): too long (allowed: %d bytes "
               "for all BENCHMARK_* flags together)", var, POOL);
  if (c->gb_argc >= PCB_GB_ARGV_MAX - PCB_GB_ARGV_OWN)
    return ERR("pcbench: too many --benchmark_* flags and BENCHMARK_* "
               "variables (allowed: %d)",
               PCB_GB_ARGV_MAX - PCB_GB_ARGV_OWN - 1);
  snprintf(pool + used, need, "%s=%s", flag, value);
  c->gb_argv[c->gb_argc++] = pool + used;
  used += need;
  return PCB_CLI_RUN;
}

/* One variable, var=value, whose name is len bytes. */
static enum pcb_cli_action take_variable(struct pcb_config *c,
                                         const struct pcb_option *const *set,
                                         int n, const char *var, size_t len,
                                         char *err, size_t errlen)
{
  static struct pcb_config scratch;  /* where an overridden value goes */
  const char *value = var + len + 1;
  const struct pcb_option *o = NULL;
  char flag[64], name[64];
  bool mine;

  snprintf(name, sizeof(name), "%.*s", (int)len, var);
  if (flag_of(var, len, flag, sizeof(flag)))
    o = pcb__cli_find(flag, strlen(flag));
  if (o == NULL)
    return ERR("pcbench: %s (environment): names none of Google "
               "Benchmark's settings (allowed: the BENCHMARK_* variables "
               "pcbench --help lists)", pcb__cli_shown(name));
  mine = !set_by_command_line(o, set, n);
  scratch = *c;
  if (pcb__cli_take(o, value, mine ? c : &scratch, err, errlen) !=
      PCB_CLI_RUN) {
    name_variable(err, errlen, o, var, len);
    return PCB_CLI_EXIT_USAGE;
  }
  return mine && o->pass ? hand_on(c, flag, value, name, err, errlen)
                         : PCB_CLI_RUN;
}

enum pcb_cli_action pcb__cli_env(struct pcb_config *c,
                                 const struct pcb_option *const *set, int n,
                                 char *err, size_t errlen)
{
  /* Those taken out at start, then any set since (a test's setenv). */
  for (char **list = taken; list; list = list == taken ? environ : NULL)
    for (char **e = list; e && *e; e++) {
      const char *eq = strchr(*e, '=');

      if (strncmp(*e, PREFIX, strlen(PREFIX)) == 0 && eq != NULL &&
          take_variable(c, set, n, *e, (size_t)(eq - *e), err, errlen) !=
              PCB_CLI_RUN)
        return PCB_CLI_EXIT_USAGE;
    }
  return PCB_CLI_RUN;
}
