/* The entry-name builder; see name.h for the grammar. */
#include <stdio.h>

#include "base/name.h"
#include "pcbench/error.h"

int pcb_entry_name(char *buf, size_t len, const struct pcb_name_part *parts)
{
  size_t at = 0;

  if (len == 0)
    return PCB_EINVAL;
  buf[0] = '\0';
  for (const struct pcb_name_part *p = parts; p->key || p->word; p++) {
    const char *sep = at ? "/" : "";
    int n;

    if (p->absent)
      continue;
    if (p->key == NULL)
      n = snprintf(buf + at, len - at, "%s%s", sep, p->word);
    else if (p->word)
      n = snprintf(buf + at, len - at, "%s%s:%s", sep, p->key, p->word);
    else
      n = snprintf(buf + at, len - at, "%s%s:%lld%s", sep, p->key, p->num,
                   p->unit);
    if (n < 0 || (size_t)n >= len - at)
      return PCB_EINVAL;
    at += (size_t)n;
  }
  return 0;
}
