/*
 * Users' modules (modules.h).  The model: up to MAX_MODULES shared
 * objects, each checked against pcbench's own event path when opened
 * (layouts.c, pcb__module_open); every strategy one lists that pcbench's
 * table lacks is added to it and remembered with its module, so the
 * suites reach the module's code through the strategy struct itself.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout/layouts.h"
#include "layout/modules.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"

enum { MAX_MODULES = 72, MAX_OWNED = 32 };  /* two builds of 32 layouts, 8 more */

static struct {
  void *handle;
  const struct pcb_event_module *m;
  char name[64];
  char path[PATH_MAX];
  int brought;              /* strategies it added to the table */
} mods[MAX_MODULES];
static int nmods;

/* The strategies added, each with its module's place in mods[]. */
static struct {
  const struct pcb_strategy *s;
  int mod;
} owned[MAX_OWNED];
static int nowned;

/* libmy_strategy.so -> my_strategy; a character outside [a-z_] becomes
 * '_' (layout-1.so -> layout__), so a name is always a label. */
static void module_name(const char *path, char *name, size_t len)
{
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  size_t n;

  if (strncmp(base, "lib", 3) == 0)
    base += 3;
  n = strcspn(base, ".");
  snprintf(name, len, "%.*s", (int)n, base);
  for (char *c = name; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
      *c = '_';
  if (name[0] == '\0')
    snprintf(name, len, "module");
}

/* --module=LABEL=PATH: LABEL is [a-z_]{1,16} before the first '=' (so no
 * '/' before it); its length, 0 when the argument is a path alone. */
static size_t label_len(const char *arg)
{
  size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyz_");

  return n > 0 && n <= 16 && arg[n] == '=' ? n : 0;
}

static int add_strategies(int k, char *err, size_t errlen)
{
  const struct pcb_event_module *m = mods[k].m;

  for (size_t i = 0; m->strategy_at(i) != NULL; i++) {
    const struct pcb_strategy *s = m->strategy_at(i);
    int rc;

    if (s->name != NULL && pcb_strategy_find(s->name) != NULL)
      continue;  /* a name pcbench has stays pcbench's */
    if (nowned == MAX_OWNED)
      rc = PCB_ENOMEM;
    else
      rc = pcb_strategy_add(s);
    if (rc != 0) {
      snprintf(err, errlen, "pcbench: --module=%s: strategy '%.40s' "
               "(strategy version %d) refused: %s (allowed: a unique "
               "[a-z_]+ name, this pcbench's strategy version %d, every "
               "required hook, not a clone)", mods[k].path,
               s->name ? s->name : "?", s->version, pcb_strerror(rc),
               PCB_STRATEGY_VERSION);
      return 2;
    }
    owned[nowned].s = s;
    owned[nowned++].mod = k;
    mods[k].brought++;
  }
  return 0;
}

static int load(const char *arg, char *err, size_t errlen)
{
  char why[PATH_MAX + 256];
  int k = nmods, rc;
  size_t label = label_len(arg);
  const char *path = arg + (label ? label + 1 : 0);

  if (nmods == MAX_MODULES) {
    snprintf(err, errlen, "pcbench: --module: more than %d modules (allowed: "
             "at most %d)", MAX_MODULES, MAX_MODULES);
    return 2;
  }
  for (const char *c = path; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '"' || *c == '\\') {
      snprintf(err, errlen, "pcbench: --module: the path has a control "
               "character, quote or backslash (allowed: none)");
      return 2;
    }
  if (*path == '\0' || strlen(path) + 2 >= sizeof(mods[k].path)) {
    snprintf(err, errlen, "pcbench: --module: '%.60s' is no path (allowed: "
             "a module's file, such as ./libmy_strategy.so)", path);
    return 2;
  }
  /* a name with no '/' is a file here, not one dlopen's search finds */
  if (realpath(path, mods[k].path) == NULL) {  /* the context's: absolute */
    strcpy(mods[k].path, strchr(path, '/') ? "" : "./");
    strcat(mods[k].path, path);  /* fits: checked above */
  }
  /* a label is another build's event path, timed against this one */
  rc = (label ? pcb__module_open_private : pcb__module_open)(
      mods[k].path, &mods[k].handle, &mods[k].m, why, sizeof(why));
  if (rc != 0) {
    snprintf(err, errlen, "pcbench: --module: %s", why);
    for (char *c = err; *c; c++)
      if (*c == '\n')
        *c = ' ';
    return 2;
  }
  if (label)
    snprintf(mods[k].name, sizeof(mods[k].name), "%.*s", (int)label, arg);
  else
    module_name(mods[k].path, mods[k].name, sizeof(mods[k].name));
  nmods++;
  return add_strategies(k, err, errlen);
}

int pcb_modules_load(int argc, char **argv, char *err, size_t errlen)
{
  static const char opt[] = "--module";
  const size_t n = sizeof(opt) - 1;

  for (int i = 1; i < argc; i++) {
    const char *path = NULL;
    int rc;

    if (strcmp(argv[i], "--") == 0)
      break;
    if (strncmp(argv[i], opt, n) == 0 && argv[i][n] == '=')
      path = argv[i] + n + 1;
    else if (strcmp(argv[i], opt) == 0 && i + 1 < argc)
      path = argv[++i];
    if (path != NULL && (rc = load(path, err, errlen)) != 0)
      return rc;
  }
  return 0;
}

int pcb_modules_init(const char *unwinder, enum pcb_clock_path clock,
                     char *err, size_t errlen)
{
  const struct pcb_module_env env = { pcb_hooks.alloc, pcb_hooks.free,
                                      unwinder, clock };

  for (int k = 0; k < nmods; k++) {
    int rc = mods[k].m->init(&env);

    if (rc != 0) {
      snprintf(err, errlen, "%s: %s", mods[k].path, pcb_strerror(rc));
      return rc;
    }
  }
  return 0;
}

void pcb_modules_fini(void)
{
  pcb_strategy_drop_added();
  for (int k = 0; k < nmods; k++)
    if (mods[k].handle != NULL)
      dlclose(mods[k].handle);
  nmods = nowned = 0;
}

static int owner_of(const struct pcb_strategy *s)
{
  for (int i = 0; i < nowned; i++)
    if (owned[i].s == s)
      return owned[i].mod;
  return -1;
}

const struct pcb_event_module *pcb_modules_owner(const struct pcb_strategy *s)
{
  int k = owner_of(s);

  return k < 0 ? NULL : mods[k].m;
}

const char *pcb_modules_name(const struct pcb_strategy *s)
{
  int k = owner_of(s);

  return k < 0 ? NULL : mods[k].name;
}

int pcb_modules_count(void)
{
  return nmods;
}

const struct pcb_event_module *pcb_modules_at(int k)
{
  return k >= 0 && k < nmods ? mods[k].m : NULL;
}

const char *pcb_modules_label(int k)
{
  return k >= 0 && k < nmods ? mods[k].name : NULL;
}

int pcb_modules_brought(int k)
{
  return k >= 0 && k < nmods ? mods[k].brought : 0;
}

const char *pcb_modules_describe(void)
{
  static char desc[MAX_MODULES * (PATH_MAX + 70)];
  size_t at = 0;

  desc[0] = '\0';
  for (int k = 0; k < nmods && at < sizeof(desc); k++)
    at += (size_t)snprintf(desc + at, sizeof(desc) - at, "%s%s=%s",
                           k ? ";" : "", mods[k].name, mods[k].path);
  return desc;
}
