/*
 * The one count/at/find of pcbench's explicit tables (strategies, the
 * unwinders, workloads): an array of pointers to rows that each begin
 * with or hold a `name`.  PCB_TABLE(prefix, type, rows) defines
 *   size_t prefix_count(void);
 *   const type *prefix_at(size_t i);           NULL past the end
 *   const type *prefix_find(const char *name); NULL if none is so named
 * over `rows`, a static array in the defining file; its order is the
 * table's (--list, --help, the matrix).
 */
#ifndef PCBENCH_TABLE_H
#define PCBENCH_TABLE_H

#include <stddef.h>
#include <string.h>

#define PCB_TABLE(prefix, type, rows)                                      \
  size_t prefix##_count(void)                                              \
  {                                                                        \
    return sizeof(rows) / sizeof((rows)[0]);                               \
  }                                                                        \
  const type *prefix##_at(size_t i)                                        \
  {                                                                        \
    return i < prefix##_count() ? (rows)[i] : NULL;                        \
  }                                                                        \
  const type *prefix##_find(const char *name)                              \
  {                                                                        \
    for (size_t i = 0; i < prefix##_count(); i++)                          \
      if (strcmp((rows)[i]->name, name) == 0)                              \
        return (rows)[i];                                                  \
    return NULL;                                                           \
  }

#endif
