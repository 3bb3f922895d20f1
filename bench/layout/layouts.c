/*
 * Loading the layout modules (layouts.h).  Copy 0 is pcbench's own event
 * path, described by the same struct a module returns, so a caller never
 * tells them apart.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "layout/layouts.h"
#include "pcbench/error.h"
#include "pcbench/hooks.h"

enum { MAX_COPIES = 65 };

static int own_init(const struct pcb_module_env *env)
{
  (void)env;  /* pcbench's own copy is set up by main */
  return 0;
}

static const struct pcb_event_module own = {
  .version = PCB_EVENT_MODULE_VERSION,
  .thread_bytes = sizeof(struct pcb_wl_thread),
  .shared_bytes = sizeof(struct pcb_wl_shared),
  .init = own_init,
  .strategy = pcb_strategy_find,
  .strategy_at = pcb_strategy_at,
  .workload = pcb_workload_find,
  .oracle_run = pcb_oracle_run,
  .consume_timed = pcb_wl_consume_timed,
};

static const struct pcb_event_module *copies[MAX_COPIES] = { &own };
static void *handles[MAX_COPIES];
static int ncopies = 1;

/* <directory of the running executable>/pcbench-layouts */
static int layouts_dir(char *dir, size_t len)
{
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  char *slash;

  if (n <= 0)
    return PCB_ESYS;
  exe[n] = '\0';
  slash = strrchr(exe, '/');
  if (slash == NULL)
    return PCB_ESYS;
  *slash = '\0';
  return snprintf(dir, len, "%s/pcbench-layouts", exe) < (int)len ? 0
                                                                  : PCB_ESYS;
}

/* A private copy of an object file: its bytes in a memfd, loaded
 * through /proc/self/fd/N, a file dlopen has not seen, on pages of this
 * process's own (a file's own pages sit in the page cache, at the same
 * physical addresses in every process).  The memfd stays open for the
 * process's life: a later copy on a reused descriptor number would have
 * the same name, and dlopen would hand back this one. */
static void *open_private(const char *path, char *err, size_t errlen)
{
  char buf[1 << 16], proc[48];
  int in = open(path, O_RDONLY | O_CLOEXEC);
  int fd = in < 0 ? -1 : memfd_create("pcbench-module", MFD_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : 0;
  const char *why;
  void *h = NULL;

  while (n == 0 && (n = read(in, buf, sizeof(buf))) > 0)
    n = write(fd, buf, (size_t)n) == n ? 0 : -1;
  if (n < 0)
    snprintf(err, errlen, "%s: cannot %s (%s)", path,
             in < 0 ? "open it" : "copy it for a private load",
             strerror(errno));
  if (in >= 0)
    close(in);
  if (n < 0) {
    if (fd >= 0)
      close(fd);
    return NULL;
  }
  snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
  h = dlopen(proc, RTLD_NOW | RTLD_LOCAL);
  if (h == NULL) {
    why = dlerror();
    snprintf(err, errlen, "%s (its private copy): %s", path,
             why ? why : "dlopen failed");
    close(fd);
  }
  return h;
}

/* Every load is an object of its own.  dlopen hands back the object
 * already in memory for a file it has loaded (the same name, or the
 * same device and inode): a --module naming one of pcbench's own layout
 * modules, or one file given twice, would otherwise be the very code and
 * data of the other, and its arms would not time apart (an A/A read
 * `off` 3% slower on the shared side, docs/ci.md).  Such a file, and
 * any when private_copy asks, loads from a private copy. */
static void *open_object(const char *path, bool private_copy, char *err,
                         size_t errlen)
{
  void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);

  if (h == NULL && !private_copy) {
    h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL)
      snprintf(err, errlen, "%s", dlerror());
    return h;
  }
  if (h != NULL)
    dlclose(h);  /* the reference RTLD_NOLOAD took */
  return open_private(path, err, errlen);
}

static int module_open(const char *path, bool private_copy, void **handle,
                       const struct pcb_event_module **out, char *err,
                       size_t errlen)
{
  void *h = open_object(path, private_copy, err, errlen);
  pcb_event_module_fn entry;
  const struct pcb_event_module *m;

  *handle = h;
  if (h == NULL)
    return PCB_ESYS;
  entry = (pcb_event_module_fn)dlsym(h, PCB_EVENT_MODULE_SYMBOL);
  m = entry ? entry() : NULL;
  if (m == NULL) {
    snprintf(err, errlen, "%s: no %s() returning a module: not a pcbench "
             "event-path module", path, PCB_EVENT_MODULE_SYMBOL);
    return PCB_EVERSION;
  }
  if (m->version != own.version || m->thread_bytes != own.thread_bytes ||
      m->shared_bytes != own.shared_bytes) {
    snprintf(err, errlen, "%s: module ABI version %d (thread %zu B, shared "
             "%zu B), this pcbench's is version %d (thread %zu B, shared %zu "
             "B): rebuild it against this pcbench's package", path,
             m->version, m->thread_bytes, m->shared_bytes, own.version,
             own.thread_bytes, own.shared_bytes);
    return PCB_EVERSION;
  }
  *out = m;
  return 0;
}

int pcb__module_open(const char *path, void **handle,
                     const struct pcb_event_module **out, char *err,
                     size_t errlen)
{
  return module_open(path, false, handle, out, err, errlen);
}

int pcb__module_open_private(const char *path, void **handle,
                             const struct pcb_event_module **out, char *err,
                             size_t errlen)
{
  return module_open(path, true, handle, out, err, errlen);
}

static int load_one(const char *path, const struct pcb_module_env *env,
                    char *err, size_t errlen)
{
  const struct pcb_event_module *m;
  int rc = pcb__module_open(path, &handles[ncopies], &m, err, errlen);

  if (rc != 0) {
    if (handles[ncopies] != NULL)
      dlclose(handles[ncopies]);
    handles[ncopies] = NULL;
    return rc;
  }
  rc = m->init(env);
  if (rc != 0) {
    snprintf(err, errlen, "%s: %s", path, pcb_strerror(rc));
    dlclose(handles[ncopies]);
    handles[ncopies] = NULL;
    return rc;
  }
  copies[ncopies++] = m;
  return 0;
}

/* What pcb_layouts_init loaded, for the results' context. */
static char desc[PATH_MAX + 160];

int pcb_layouts_init(const char *where, int want, const char *unwinder,
                     enum pcb_clock_path clock, char *err, size_t errlen)
{
  const struct pcb_module_env env = { pcb_hooks.alloc, pcb_hooks.free,
                                      unwinder, clock };
  char dir[PATH_MAX], path[PATH_MAX + 32];
  int rc = 0;

  if (want > MAX_COPIES - 1)
    want = MAX_COPIES - 1;
  if (where != NULL)
    snprintf(dir, sizeof(dir), "%s", where);
  else if (want > 0 && layouts_dir(dir, sizeof(dir)) != 0)
    want = 0;
  for (int k = 1; k <= want && rc == 0; k++) {
    snprintf(path, sizeof(path), "%s/layout-%d.so", dir, k);
    if (access(path, R_OK) != 0)
      break;  /* fewer were built, or none installed: say so below */
    rc = load_one(path, &env, err, errlen);
  }
  if (rc != 0)
    return rc;
  snprintf(desc, sizeof(desc), "%d: pcbench's own event path and %d "
           "module%s with shuffled code and data (%s)%s", ncopies, ncopies - 1,
           ncopies == 2 ? "" : "s", want > 0 ? dir : "none asked for",
           ncopies - 1 < want ? "; fewer found than asked for" : "");
  return ncopies;
}

const char *pcb_layouts_describe(void)
{
  return desc;
}

void pcb_layouts_fini(void)
{
  for (int i = 1; i < ncopies; i++)
    dlclose(handles[i]);
  ncopies = 1;
}

int pcb_layouts_count(void)
{
  return ncopies;
}

const struct pcb_event_module *pcb_layout_at(int i)
{
  return i >= 0 && i < ncopies ? copies[i] : &own;
}
