/* Progress on stderr; see progress.h. */
#include <stdio.h>
#include <time.h>

#include "base/progress.h"

static const char *volatile current;
static int total, step;
static struct timespec started;

static double since_start(void)
{
  struct timespec now;

  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - started.tv_sec) +
         (double)(now.tv_nsec - started.tv_nsec) / 1e9;
}

/* "12/96, ETA 1m05s": steps so far of the total, and the time left at
 * the mean pace of the steps done (none yet: no ETA). */
static void overall(char *buf, size_t len)
{
  double left;

  buf[0] = '\0';
  if (total <= 0)
    return;
  if (++step == 1)
    clock_gettime(CLOCK_MONOTONIC, &started);
  if (step > total)
    total = step;  /* a count from a filter we read differently: no lie */
  if (step == 1) {
    snprintf(buf, len, "%d/%d", step, total);
    return;
  }
  left = since_start() / (step - 1) * (total - step + 1);
  snprintf(buf, len, "%d/%d, ETA %dm%02ds", step, total, (int)(left / 60),
           (int)left % 60);
}

void pcb_progress_total(int n)
{
  total = n;
  step = 0;
}

void pcb_progress(const char *name)
{
  char all[64];

  if (current != name) {
    overall(all, sizeof(all));
    if (all[0])
      fprintf(stderr, "pcbench: [%s] %s\n", all, name);
    else
      fprintf(stderr, "pcbench: %s\n", name);
  }
  current = name;
}

void pcb_progress_nth(const char *name, const char *group, int i, int n)
{
  char all[64];

  if (current != name) {
    overall(all, sizeof(all));
    fprintf(stderr, "pcbench: [%s %d/%d%s%s] %s\n", group, i + 1, n,
            all[0] ? "; all " : "", all, name);
  }
  current = name;
}

const char *pcb_progress_current(void)
{
  return current;
}

void pcb_progress_clear(void)
{
  current = NULL;
}
