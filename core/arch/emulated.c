/*
 * Is this build running on a kernel of its own architecture?  A user-mode
 * emulator (qemu-user) translates the program's instructions and passes
 * its system calls to the host's kernel, and qemu 7.2 does not rewrite
 * /proc/cpuinfo for AArch64 guests: an arm64 pcbench under qemu-aarch64 on
 * an x86-64 host reads the host's "vendor_id" lines and no "CPU
 * implementer".  Same-architecture emulation (qemu-x86_64 -cpu qemu64) is
 * not detected this way; the runner says so itself if it matters.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "pcbench/arch.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *verdict;  /* written once, under `once` */

static void probe(void)
{
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[256];
  int own = 0, lines = 0;

  if (f == NULL)
    return;  /* no evidence either way: not claimed */
  while (fgets(line, sizeof(line), f) != NULL && !own) {
    lines++;
    own = strncmp(line, PCB_ARCH_CPUINFO_KEY,
                  sizeof(PCB_ARCH_CPUINFO_KEY) - 1) == 0;
  }
  fclose(f);
  if (lines > 0 && !own)
    verdict = PCB_ARCH_NAME " build on another architecture's kernel "
              "(a user-mode emulator such as qemu-" PCB_ARCH_NAME ")";
}

const char *pcb_arch_emulated(void)
{
  pthread_once(&once, probe);
  return verdict;
}
