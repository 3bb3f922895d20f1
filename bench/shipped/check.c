/*
 * Correctness of a shipped profiler's capture: one allocation made at
 * the bottom of the chain and kept live, the profiler's own profile
 * read (jemalloc's prof.dump, gperftools' GetHeapProfile: "@ 0x.. 0x.."
 * per stack), and the stack that names the allocation's site checked
 * against the oracle's truth.  A capture is
 *   [the allocator's own frames] [keep_site] [keep_bottom] truth[0] ...
 * (return addresses, as both write them).  correct: every chain PC that
 * fits is right, and it holds depth PCs exactly when the chain does not
 * fit (truncated), else the whole chain.  allocator_frames: the PCs of
 * the allocator's own before its caller, a part of the depth the
 * profiler spends on itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shipped/child.h"
#include "shipped/control.h"
#include "shipped/shipped.h"

enum { PCS_MAX = 1024 };

static uintptr_t site_ret;  /* keep_bottom's return address in keep_site */
static void *kept;

__attribute__((noinline, noipa)) static void keep_site(void)
{
  site_ret = (uintptr_t)__builtin_return_address(0);
  kept = malloc(48);
  __asm__ volatile("" : : "r"(kept) : "memory");
}

__attribute__((noinline)) static int keep_bottom(void *arg)
{
  (void)arg;
  keep_site();
  __asm__ volatile("" : : : "memory");
  return 0;
}

/* The PCs after '@' on one line; 0 if none (a header). */
static int parse_stack(const char *line, uintptr_t *pcs)
{
  const char *at = strstr(line, "@ 0x");
  int n = 0;

  if (at == NULL)
    return 0;
  for (const char *s = at + 2; *s && *s != '\n' && n < PCS_MAX;) {
    char *end;
    unsigned long long v = strtoull(s, &end, 16);

    if (end == s)
      break;
    pcs[n++] = (uintptr_t)v;
    s = end;
    while (*s == ' ')
      s++;
  }
  return n;
}

static void judge(struct pcb_shipped_probe *p, const uintptr_t *pcs, int n,
                  int j)
{
  const struct pcb_oracle *o = &p->oracle;
  int first = j + 2, depth = p->a->depth, kept_frames = n - first;
  bool truncated = first + o->frames > depth, ok = kept_frames > 0;

  if (kept_frames > o->frames)
    kept_frames = o->frames;
  for (int i = 0; ok && i < kept_frames; i++)
    ok = pcs[first + i] == o->truth[i];
  ok = ok && (truncated ? n == depth : n >= first + o->frames);
  printf("check_found 1\n");
  printf("correct %d\n", ok);
  printf("truncated %d\n", n == depth && truncated);
  printf("captured_pcs %d\n", n);
  printf("allocator_frames %d\n", j - 1 > 0 ? j - 1 : 0);
  printf("chain_frames_kept %d\n", kept_frames < 0 ? 0 : kept_frames);
}

void pcb__shipped_check(struct pcb_shipped_probe *p)
{
  static uintptr_t pcs[PCS_MAX];
  char *text, *line;
  bool found = false;

  pcb_oracle_run(&p->oracle, p->frames, keep_bottom, NULL);
  text = p->c->profile();
  for (line = text; line && *line && !found;) {
    char *nl = strchr(line, '\n');
    int n = parse_stack(line, pcs);

    for (int j = 0; j < n && !found; j++)
      if (pcs[j] == site_ret) {
        judge(p, pcs, n, j);
        found = true;
      }
    line = nl ? nl + 1 : NULL;
  }
  if (!found) {
    printf("check_found 0\n");
    fprintf(stderr, "pcbench: external %s: no stack in its profile names "
            "the checked allocation: the capture cannot be checked\n",
            p->a->name);
  }
  free(text);
  free(kept);
  kept = NULL;
}
