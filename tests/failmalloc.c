/*
 * A failing allocator, for LD_PRELOAD: every allocation call of the
 * process is numbered from 1 (malloc, calloc, realloc, the aligned ones;
 * C++'s operator new calls malloc), and once more than PCB_FAIL_AFTER
 * calls have been made, each call for at least PCB_FAIL_FLOOR bytes
 * (default 0: every call) fails as out of memory: NULL and ENOMEM, and
 * operator new throws std::bad_alloc.  Without PCB_FAIL_AFTER nothing
 * fails, and PCB_FAIL_COUNT=1 prints how many calls the process made, at
 * exit.  The memory itself comes from the C library's own allocator
 * (__libc_malloc and its kin), so free() and malloc_usable_size() work
 * unchanged.  Not for a sanitizer's build: the sanitizer owns malloc.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);

static atomic_long calls;
static long after = -1;      /* -1: nothing fails */
static size_t floor_bytes;
static atomic_bool ready;

/* getenv does not allocate: safe inside malloc. */
static void configure(void)
{
  const char *a = getenv("PCB_FAIL_AFTER"), *f = getenv("PCB_FAIL_FLOOR");

  if (a && *a)
    after = strtol(a, NULL, 10);
  if (f && *f)
    floor_bytes = (size_t)strtoull(f, NULL, 10);
  atomic_store(&ready, true);
}

static void report(void)
{
  char line[64];
  int n = snprintf(line, sizeof(line), "failmalloc: %ld calls\n",
                   (long)atomic_load(&calls));

  if (write(STDERR_FILENO, line, (size_t)n) < 0) {
    /* nowhere to say it */
  }
}

__attribute__((constructor)) static void start(void)
{
  const char *c = getenv("PCB_FAIL_COUNT");

  if (!atomic_load(&ready))
    configure();
  if (c && strcmp(c, "1") == 0)
    atexit(report);
}

/* This call (of `size` bytes) is to fail. */
static bool fails(size_t size)
{
  long n = atomic_fetch_add(&calls, 1) + 1;

  if (!atomic_load(&ready))
    configure();
  if (after < 0 || n <= after || size < floor_bytes)
    return false;
  errno = ENOMEM;
  return true;
}

void *malloc(size_t size)
{
  return fails(size) ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
  return fails(n * size) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
  return fails(size) ? NULL : __libc_realloc(p, size);
}

void *memalign(size_t align, size_t size)
{
  return fails(size) ? NULL : __libc_memalign(align, size);
}

void *aligned_alloc(size_t align, size_t size)
{
  return fails(size) ? NULL : __libc_memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
  void *p;

  if (align < sizeof(void *) || (align & (align - 1)) != 0)
    return EINVAL;
  if (fails(size))
    return ENOMEM;
  p = __libc_memalign(align, size);
  if (p == NULL)
    return ENOMEM;
  *out = p;
  return 0;
}

void *valloc(size_t size)
{
  return fails(size) ? NULL : __libc_memalign((size_t)sysconf(_SC_PAGESIZE),
                                              size);
}
