/* Progress on stderr; see progress.h. */
#include <stdio.h>

#include "base/progress.h"

static const char *volatile current;

void pcb_progress(const char *name)
{
  if (current != name)
    fprintf(stderr, "pcbench: %s\n", name);
  current = name;
}

void pcb_progress_nth(const char *name, const char *group, int i, int n)
{
  if (current != name)
    fprintf(stderr, "pcbench: [%s %d/%d] %s\n", group, i + 1, n, name);
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
