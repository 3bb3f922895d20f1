/*
 * The shipped allocators --external may name, one row each, and whether
 * this build and machine can measure one (shipped.h).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shipped/shipped.h"

#define LIBDIR "/usr/lib/x86_64-linux-gnu/"

/* jemalloc 5.3: prof:true at start-up (its profiler cannot be built in
 * later), prof_active toggled by mallctl; lg_prof_sample 0 samples every
 * allocation, 19 (512 KiB, its default) one in 8192 of 64 bytes. */
static void jemalloc_env(uint64_t rate, const char **env)
{
  env[0] = rate == 1 ? "MALLOC_CONF=prof:true,prof_active:true,"
                       "lg_prof_sample:0,prof_accum:false"
                     : "MALLOC_CONF=prof:true,prof_active:true,"
                       "lg_prof_sample:19,prof_accum:false";
  env[1] = NULL;
}

/* gperftools 2.10: HeapProfilerStart/Stop from the child; it records
 * every allocation (its heap profiler does not sample), and must write
 * no profile on its own (the intervals at 0 turn the dumps off). */
static void gperftools_env(uint64_t rate, const char **env)
{
  (void)rate;
  env[0] = "HEAP_PROFILE_ALLOCATION_INTERVAL=0";
  env[1] = "HEAP_PROFILE_INUSE_INTERVAL=0";
  env[2] = "HEAP_PROFILE_TIME_INTERVAL=0";
  env[3] = NULL;
}

static const struct pcb_shipped allocators[] = {
  { .name = "jemalloc", .package = "libjemalloc2",
    .library = LIBDIR "libjemalloc.so.2", .depth = 128, .design = "lazy",
    .unwinder = "libgcc", .rate_default = 524288,
    .environment = jemalloc_env },
  { .name = "gperftools", .package = "libgoogle-perftools4",
    .library = LIBDIR "libtcmalloc.so.4", .depth = 32, .design = "stack",
    .unwinder = "libunwind", .rate_default = 1,
    .environment = gperftools_env },
};

size_t pcb_shipped_count(void)
{
  return sizeof(allocators) / sizeof(allocators[0]);
}

const struct pcb_shipped *pcb_shipped_at(size_t i)
{
  return i < pcb_shipped_count() ? &allocators[i] : NULL;
}

const struct pcb_shipped *pcb_shipped_find(const char *name)
{
  for (size_t i = 0; i < pcb_shipped_count(); i++)
    if (strcmp(allocators[i].name, name) == 0)
      return &allocators[i];
  return NULL;
}

const char *pcb_shipped_unusable(const struct pcb_shipped *a)
{
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  (void)a;
  return "not in a sanitizer build: its runtime replaces malloc, and "
         "another allocator cannot be preloaded under it";
#elif !defined(__x86_64__)
  (void)a;
  return "only on x86-64 (the libraries' paths are Debian's amd64 ones)";
#else
  static char why[160];

  if (access(a->library, R_OK) == 0)
    return NULL;
  snprintf(why, sizeof(why), "not installed (%s; scripts/install-deps "
           "installs %s)", a->library, a->package);
  return why;
#endif
}
