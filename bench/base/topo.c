/*
 * hwloc topology: what the results record about the machine, and where
 * threads run.  VMs often report cache topologies wrongly; we record what
 * hwloc saw, not what the machine may really be.
 *
 * When hwloc cannot load a topology (a broken HWLOC_XMLFILE, a sandbox
 * without /sys), pcbench runs unbound: one PU, no cache sizes, placement
 * and binding are no-ops that say so, and main records it in the context.
 * No function here touches the topology unless it was loaded.
 *
 * hwloc does not check every allocation it makes while it starts and
 * loads a topology: out of memory, hwloc_topology_init can fail an
 * assert (SIGABRT) and hwloc_topology_load crash (a NULL bitmap written,
 * a NULL cpuset cleared) or spin for ever (asking for its binding into a
 * cpuset it could not allocate, again and again).  Both run while the
 * program is still one thread, under SIGSEGV, SIGBUS and SIGABRT handlers
 * of their own, and an alarm of LOAD_LIMIT seconds (a load takes
 * milliseconds here, under a second on large machines), that jump back
 * out; the half-built topology is then left alone (it cannot be destroyed
 * safely) and pcb_topo_init says it crashed.  Binding a thread
 * to a PU needs no allocation and no hwloc call: the PU's OS index into a
 * cpu_set_t on the stack, for sched_setaffinity.
 */
#include <hwloc.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pcbench/error.h"
#include "topo.h"

static hwloc_topology_t topo;
static bool loaded;  /* topo is a loaded topology */
static char summary[512] = "unavailable: hwloc could not load the topology";

static const char *const place_names[PCB_PLACE_COUNT] = { "same_core",
                                                          "cross_core" };

const char *pcb_place_name(enum pcb_place p)
{
  return place_names[p];
}

/* The caches hwloc saw, or that it saw none: under valgrind hwloc leaves
 * its x86 (CPUID) backend off, and a VM may report none. */
static void add_caches(char *out, size_t len)
{
  static const hwloc_obj_type_t types[] = {
    HWLOC_OBJ_L1CACHE, HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L3CACHE
  };
  size_t before = strlen(out);

  for (size_t i = 0; i < 3; i++) {
    int n = hwloc_get_nbobjs_by_type(topo, types[i]);
    hwloc_obj_t o = hwloc_get_obj_by_type(topo, types[i], 0);
    size_t used = strlen(out);

    if (n > 0 && o && o->attr)
      snprintf(out + used, len - used, " L%u=%lluKiB*%d",
               o->attr->cache.depth,
               (unsigned long long)o->attr->cache.size / 1024, n);
  }
  if (strlen(out) == before)
    snprintf(out + before, len - before, " caches=none-reported");
}

#define LOAD_LIMIT 10  /* seconds */

static sigjmp_buf load_crashed;

static void on_load_crash(int sig)
{
  siglongjmp(load_crashed, sig);
}

/* hwloc_topology_init and _load (and _destroy if the load failed), with
 * a crash or a hang inside them taken back: 0, -1 if init or load
 * failed, or the signal it crashed with (SIGALRM: it hung). */
static int guarded_load(void)
{
  static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGALRM };
  struct sigaction sa, old[4];
  int sig;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_load_crash;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 4; i++)
    sigaction(sigs[i], &sa, &old[i]);
  alarm(LOAD_LIMIT);
  sig = sigsetjmp(load_crashed, 1);
  if (sig == 0 && hwloc_topology_init(&topo) != 0)
    sig = -1;
  else if (sig == 0 && hwloc_topology_load(topo) != 0) {
    sig = -1;
    hwloc_topology_destroy(topo);
  }
  alarm(0);
  for (int i = 0; i < 4; i++)
    sigaction(sigs[i], &old[i], NULL);
  return sig;
}

int pcb_topo_init(void)
{
  int rc = guarded_load();

  if (rc > 0)
    return PCB_ECRASH;  /* topo is left as it is: see above */
  if (rc != 0)
    return PCB_ESYS;
  loaded = true;
  snprintf(summary, sizeof(summary), "packages=%d cores=%d pus=%d",
           hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE),
           hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE),
           hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
  add_caches(summary, sizeof(summary));
  return 0;
}

void pcb_topo_fini(void)
{
  if (loaded)
    hwloc_topology_destroy(topo);
  loaded = false;
}

bool pcb_topo_loaded(void)
{
  return loaded;
}

const char *pcb_topo_summary(void)
{
  return summary;
}

unsigned long long pcb_topo_l2_bytes(void)
{
  hwloc_obj_t o = loaded ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_L2CACHE, 0)
                         : NULL;

  return o && o->attr ? (unsigned long long)o->attr->cache.size : 0;
}

int pcb_topo_npus(void)
{
  int n = loaded ? hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU) : 1;

  return n > 0 ? n : 1;
}

/* The first cache shared by a and b, or NULL. */
static hwloc_obj_t shared_cache(hwloc_obj_t a, hwloc_obj_t b)
{
  hwloc_obj_t o = hwloc_get_common_ancestor_obj(topo, a, b);

  while (o && !hwloc_obj_type_is_cache(o->type))
    o = o->parent;
  return o;
}

static hwloc_obj_t pu(int i)
{
  return hwloc_get_obj_by_type(topo, HWLOC_OBJ_PU, (unsigned)i);
}

/* The PU whose first shared cache with PU0 is the farthest from it (none
 * at all is best); ties go to the lowest index. */
static int farthest_pu(void)
{
  int best = 0, best_depth = 1 << 30;

  for (int i = 1; i < pcb_topo_npus(); i++) {
    hwloc_obj_t c = shared_cache(pu(0), pu(i));
    int d = c ? (int)c->depth : -1;

    if (pu(i)->parent == pu(0)->parent)
      continue;  /* same core */
    if (d < best_depth) {
      best = i;
      best_depth = d;
    }
  }
  return best;
}

/* An SMT sibling of PU0, or PU0 itself. */
static int sibling_pu(void)
{
  for (int i = 1; i < pcb_topo_npus(); i++)
    if (hwloc_get_common_ancestor_obj(topo, pu(0), pu(i))->type ==
        HWLOC_OBJ_CORE)
      return i;
  return 0;
}

int pcb_topo_pu_for(enum pcb_place place, int role, char *desc, size_t len)
{
  int other;
  hwloc_obj_t c;
  char cache[32] = "no cache";

  if (role == 0)
    return 0;
  if (!loaded) {
    snprintf(desc, len, "unbound: hwloc could not load the topology");
    return 0;
  }
  other = place == PCB_PLACE_SAME_CORE ? sibling_pu() : farthest_pu();
  if (role > 1)  /* further partners: spread round the machine */
    other = (other + role - 1) % pcb_topo_npus();
  c = shared_cache(pu(0), pu(other));
  if (c)
    hwloc_obj_type_snprintf(cache, sizeof(cache), c, 0);
  snprintf(desc, len, "PU0+PU%d: %s, share %s", other,
           other == 0 ? "same PU" :
           pu(other)->parent == pu(0)->parent ? "same core" : "different cores",
           cache);
  return other;
}

int pcb_topo_bind(int p)
{
  hwloc_obj_t o;
  cpu_set_t set;

  if (!loaded)
    return 0;  /* unbound, as the context says */
  o = pu(p);
  if (o == NULL || o->os_index >= CPU_SETSIZE)
    return PCB_EINVAL;
  CPU_ZERO(&set);
  CPU_SET(o->os_index, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0
             ? 0 : PCB_ESYS;
}
