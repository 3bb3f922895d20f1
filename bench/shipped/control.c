/*
 * jemalloc's and gperftools' profilers, driven through the calls they
 * export (control.h), found with dlsym in the preloaded library.
 *
 * jemalloc 5.3: mallctl("prof.active") switches sampling in a process
 * started with prof:true; "prof.dump" writes the live sampled stacks
 * ("@ 0x... 0x..." lines) to a file; "stats.metadata", after an
 * "epoch" refresh, counts its internal allocations, tdata included.
 * gperftools 2.10: HeapProfilerStart/Stop install and remove its hooks
 * (Start makes its table anew); GetHeapProfile returns the live stacks
 * as text.  Its table is allocated outside malloc (LowLevelAlloc), so
 * the allocator cannot say what the profiler holds.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shipped/control.h"

typedef int (*mallctl_fn)(const char *, void *, size_t *, void *, size_t);

static mallctl_fn mallctl_p;

static int je_init(const char **why)
{
  bool prof = false;
  size_t sz = sizeof(prof);

  mallctl_p = (mallctl_fn)dlsym(RTLD_DEFAULT, "mallctl");
  if (mallctl_p == NULL) {
    *why = "mallctl not found: jemalloc is not preloaded";
    return -1;
  }
  if (mallctl_p("opt.prof", &prof, &sz, NULL, 0) != 0 || !prof) {
    *why = "jemalloc was built without its profiler, or prof:true was lost";
    return -1;
  }
  return 0;
}

static void je_active(bool on)
{
  mallctl_p("prof.active", NULL, NULL, &on, sizeof(on));
}

static void je_version(char *out, size_t n)
{
  const char *v = "unknown";
  size_t sz = sizeof(v);

  mallctl_p("version", &v, &sz, NULL, 0);
  snprintf(out, n, "%s", v);
}

static void je_settings(char *out, size_t n)
{
  size_t lg = 0, sz = sizeof(lg);
  bool gcc = false;
  size_t bsz = sizeof(gcc);

  mallctl_p("opt.lg_prof_sample", &lg, &sz, NULL, 0);
  mallctl_p("config.prof_libgcc", &gcc, &bsz, NULL, 0);
  snprintf(out, n, "prof:true lg_prof_sample:%zu prof_accum:false "
           "unwinder:%s depth:128 toggle:prof.active", lg,
           gcc ? "libgcc" : "other");
}

static char *slurp(const char *path)
{
  FILE *f = fopen(path, "r");
  char *buf = NULL;
  size_t len = 0;

  if (f == NULL)
    return NULL;
  FILE *m = open_memstream(&buf, &len);
  if (m != NULL) {
    int c;
    while ((c = getc(f)) != EOF)
      putc(c, m);
    fclose(m);
  }
  fclose(f);
  return buf;
}

static char *je_profile(void)
{
  char path[] = "/tmp/pcbench-jeprof-XXXXXX";
  const char *p = path;
  char *text;
  int fd = mkstemp(path);

  if (fd < 0)
    return NULL;
  close(fd);
  text = mallctl_p("prof.dump", NULL, NULL, &p, sizeof(p)) == 0
             ? slurp(path) : NULL;
  unlink(path);
  return text;
}

static long je_metadata(void)
{
  uint64_t epoch = 1;
  size_t v = 0, sz = sizeof(v);

  mallctl_p("epoch", NULL, NULL, &epoch, sizeof(epoch));
  if (mallctl_p("stats.metadata", &v, &sz, NULL, 0) != 0)
    return -1;
  return (long)v;
}

static int (*hp_start)(const char *);
static void (*hp_stop)(void);
static char *(*hp_get)(void);
static const char *(*tc_version_p)(int *, int *, const char **);
static bool hp_on;
static char hp_prefix[64];

static int gp_init(const char **why)
{
  hp_start = (int (*)(const char *))dlsym(RTLD_DEFAULT, "HeapProfilerStart");
  hp_stop = (void (*)(void))dlsym(RTLD_DEFAULT, "HeapProfilerStop");
  hp_get = (char *(*)(void))dlsym(RTLD_DEFAULT, "GetHeapProfile");
  tc_version_p = (const char *(*)(int *, int *, const char **))dlsym(
      RTLD_DEFAULT, "tc_version");
  if (!hp_start || !hp_stop || !hp_get || !tc_version_p) {
    *why = "HeapProfilerStart not found: libtcmalloc is not preloaded";
    return -1;
  }
  /* Dumps are off (the intervals are 0); the prefix names no file. */
  snprintf(hp_prefix, sizeof(hp_prefix), "/tmp/pcbench-heap-%ld",
           (long)getpid());
  return 0;
}

static void gp_active(bool on)
{
  if (on && !hp_on)
    hp_start(hp_prefix);
  else if (!on && hp_on)
    hp_stop();
  hp_on = on;
}

static void gp_version(char *out, size_t n)
{
  int major, minor;
  const char *patch;

  snprintf(out, n, "%s", tc_version_p(&major, &minor, &patch));
}

static void gp_settings(char *out, size_t n)
{
  const char *m = getenv("TCMALLOC_STACKTRACE_METHOD");

  snprintf(out, n, "HeapProfilerStart every allocation depth:32 "
           "stacktrace:%s toggle:HeapProfilerStart/Stop",
           m ? m : "default(libunwind)");
}

static char *gp_profile(void)
{
  return hp_on ? hp_get() : NULL;
}

static long gp_metadata(void)
{
  return -1;
}

static const struct pcb_prof_control jemalloc = {
  je_init, je_active, je_version, je_settings, je_profile, je_metadata };
static const struct pcb_prof_control gperftools = {
  gp_init, gp_active, gp_version, gp_settings, gp_profile, gp_metadata };

const struct pcb_prof_control *pcb_prof_control_find(const char *name)
{
  if (strcmp(name, "jemalloc") == 0)
    return &jemalloc;
  if (strcmp(name, "gperftools") == 0)
    return &gperftools;
  return NULL;
}
