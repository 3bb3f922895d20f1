/*
 * The machine a run measured on, as the kernel and the CPU describe it:
 * the context keys that say whether two results files came from
 * comparable machines (kernel, CPU model and microcode, the CPU flags the
 * clock and the unwinders depend on -- with those the CPU hides --,
 * frequency governor and boost, SMT, transparent huge pages, ASLR, the
 * libraries) and how loaded the machine was at the start and the end.
 *
 * Everything here is read once before the first entry and once after the
 * last, never inside a measured path.  A file that is absent or cannot
 * be read (a container or VM whose /sys has no cpufreq, a kernel without
 * SMT control) is recorded as such, never an error: the context says
 * "unknown (...)" rather than guessing.
 *
 * A CPU flag is "hidden" when the CPU does not advertise it (one machine
 * of the project's kind has rdtscp hidden: CPUID 0x80000001 EDX bit 27
 * clear).  Whether the CPU would run it anyway is not probed: pcbench
 * never executes an instruction the CPU does not advertise.  What the CPU
 * advertises, and how to ask it (CPUID, HWCAP), is the architecture's
 * (core/arch/<arch>.c, pcb_arch_cpu_flags); this file names no
 * architecture.
 */
#include <gnu/libc-version.h>
#include <hwloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "base/gbshim.h"
#include "machine.h"
#include "pcbench/arch.h"

#ifndef PCB_GBENCH_VERSION
#define PCB_GBENCH_VERSION "unknown"
#endif
#ifndef PCB_LIBUNWIND_VERSION
#define PCB_LIBUNWIND_VERSION "unknown"
#endif

/* Above this load average per online CPU a run is called loaded. */
#define LOAD_PER_CPU_MAX 0.5

/* Control characters, quotes and backslashes become '?': a value read
 * from the system goes into JSON and onto a terminal. */
static void printable(char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f || *s == '"' || *s == '\\')
      *s = '?';
}

/* The first line of a file, without its newline; "" if it cannot be
 * read. */
static const char *first_line(const char *path, char *buf, size_t len)
{
  FILE *f = fopen(path, "r");

  buf[0] = '\0';
  if (f == NULL)
    return buf;
  if (fgets(buf, (int)len, f) == NULL)
    buf[0] = '\0';
  fclose(f);
  buf[strcspn(buf, "\n")] = '\0';
  printable(buf);
  return buf;
}

/* The value of the first "key<tabs>: value" line of /proc/cpuinfo. */
static const char *cpuinfo(const char *key, char *buf, size_t len)
{
  FILE *f = fopen("/proc/cpuinfo", "r");
  char line[4096];
  size_t klen = strlen(key);

  buf[0] = '\0';
  if (f == NULL)
    return buf;
  while (fgets(line, sizeof(line), f) != NULL) {
    if (strncmp(line, key, klen) != 0 || strchr(" \t:", line[klen]) == NULL)
      continue;
    const char *v = strchr(line, ':');

    if (v != NULL) {
      v += strspn(v + 1, " \t") + 1;
      snprintf(buf, len, "%s", v);
      buf[strcspn(buf, "\n")] = '\0';
      printable(buf);
    }
    break;
  }
  fclose(f);
  return buf;
}

/* The word a sysfs choice file marks as chosen: "always [madvise] never"
 * gives "madvise"; a file of one word gives that word. */
static const char *chosen(const char *path, char *buf, size_t len)
{
  char line[128];
  char *open, *close;

  first_line(path, line, sizeof(line));
  open = strchr(line, '[');
  close = open ? strchr(open, ']') : NULL;
  if (open && close) {
    *close = '\0';
    snprintf(buf, len, "%s", open + 1);
  } else {
    snprintf(buf, len, "%s", line);
  }
  return buf;
}

static void put_known(const char *key, const char *value, const char *why)
{
  char buf[256];

  if (value[0] != '\0') {
    pcb_gb_context(key, value);
    return;
  }
  snprintf(buf, sizeof(buf), "unknown (%s)", why);
  pcb_gb_context(key, buf);
}

/* "NAME_A A, NAME_B B" under key, two values read from the system;
 * unknown (why) when the first could not be read. */
static void put_pair(const char *key, const char *name_a, const char *a,
                     const char *name_b, const char *b, const char *why)
{
  char out[300];

  if (a[0])
    snprintf(out, sizeof(out), "%s %s, %s %s", name_a, a, name_b,
             b[0] ? b : "unknown");
  else
    out[0] = '\0';
  put_known(key, out, why);
}

/* The flags the clock, the unwinders and the noise depend on
 * (PCB_ARCH_CPUINFO_FLAGS) that /proc/cpuinfo's flags line
 * (PCB_ARCH_CPUINFO_FLAGS_LINE) lists, in the order of the former. */
static void describe_flags(void)
{
  char line[8192], out[256] = "", wanted[] = PCB_ARCH_CPUINFO_FLAGS;
  char *save = NULL;

  line[0] = ' ';  /* " flag flag ... ": every flag between two blanks */
  cpuinfo(PCB_ARCH_CPUINFO_FLAGS_LINE, line + 1, sizeof(line) - 2);
  if (line[1] == '\0') {
    pcb_gb_context("cpu_flags", "unknown (no " PCB_ARCH_CPUINFO_FLAGS_LINE
                   " line in /proc/cpuinfo)");
    return;
  }
  strcat(line, " ");
  for (char *flag = strtok_r(wanted, " ", &save); flag != NULL;
       flag = strtok_r(NULL, " ", &save)) {
    char word[32];

    snprintf(word, sizeof(word), " %s ", flag);
    if (strstr(line, word) != NULL)
      snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
               out[0] ? " " : "", flag);
  }
  pcb_gb_context("cpu_flags", out[0] ? out : "none of those checked");
}

/* What the CPU advertises of the flags that matter, and which of them it
 * has without advertising (core/arch/<arch>.c). */
static void describe_cpuid(void)
{
  struct pcb_arch_cpu_flags f;

  pcb_arch_cpu_flags(&f);
  pcb_gb_context("cpu_flags_cpuid", f.advertised);
  pcb_gb_context("cpu_hidden_flags", f.hidden);
}

static void describe_frequency(void)
{
  char buf[128], boost[64];

  first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf,
             sizeof(buf));
  put_known("cpu_governor", buf, "no cpufreq for cpu0 in /sys");
  first_line("/sys/devices/system/cpu/cpufreq/boost", boost, sizeof(boost));
  if (boost[0])
    snprintf(buf, sizeof(buf), "%s", strcmp(boost, "0") ? "on" : "off");
  else if (first_line("/sys/devices/system/cpu/intel_pstate/no_turbo", boost,
                      sizeof(boost))[0])
    snprintf(buf, sizeof(buf), "%s (intel_pstate)",
             strcmp(boost, "0") ? "off" : "on");
  else
    buf[0] = '\0';
  put_known("cpu_boost", buf, "no boost control in /sys");
}

static void describe_memory_and_smt(void)
{
  static const char *const aslr[] = {
    "0 (off)", "1 (stack, mmap, vdso randomized)",
    "2 (stack, mmap, vdso and heap randomized)",
  };
  char buf[128], more[128];

  first_line("/sys/devices/system/cpu/smt/control", buf, sizeof(buf));
  first_line("/sys/devices/system/cpu/smt/active", more, sizeof(more));
  put_pair("smt", "control", buf, "active", more, "no SMT control in /sys");
  chosen("/sys/kernel/mm/transparent_hugepage/enabled", buf, sizeof(buf));
  chosen("/sys/kernel/mm/transparent_hugepage/defrag", more, sizeof(more));
  put_pair("transparent_hugepages", "enabled", buf, "defrag", more,
           "no transparent_hugepage in /sys");
  first_line("/proc/sys/kernel/randomize_va_space", buf, sizeof(buf));
  if (strlen(buf) == 1 && buf[0] >= '0' && buf[0] <= '2')
    snprintf(buf, sizeof(buf), "%s", aslr[buf[0] - '0']);
  put_known("aslr", buf, "/proc/sys/kernel/randomize_va_space unreadable");
}

static void describe_libraries(void)
{
  unsigned v = hwloc_get_api_version();
  char buf[256];

  snprintf(buf, sizeof(buf), "glibc %s (run time); hwloc API %u.%u.%u (run "
           "time); Google Benchmark %s, libunwind %s (build time)",
           gnu_get_libc_version(), v >> 16, (v >> 8) & 0xff, v & 0xff,
           PCB_GBENCH_VERSION, PCB_LIBUNWIND_VERSION);
  pcb_gb_context("libraries", buf);
}

/* The 1, 5 and 15 minute load averages under `key`, with the CPUs
 * online; a warning on stderr when the 1-minute one exceeds
 * LOAD_PER_CPU_MAX per CPU.  `when`: "start" or "end", for the warning. */
static void describe_load(const char *key, const char *when)
{
  double l[3];
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  char buf[128];

  if (cpus < 1)
    cpus = 1;
  if (getloadavg(l, 3) != 3) {
    pcb_gb_context(key, "unknown (getloadavg failed)");
    return;
  }
  snprintf(buf, sizeof(buf), "%.2f %.2f %.2f (1, 5, 15 min; %ld CPUs "
           "online)", l[0], l[1], l[2], cpus);
  pcb_gb_context(key, buf);
  if (l[0] > LOAD_PER_CPU_MAX * (double)cpus)
    fprintf(stderr, "pcbench: warning: load average %.2f at the %s of the "
            "run, more than %.1f per CPU on %ld CPUs: other work shares "
            "the machine, and timings are noisier than they should be\n",
            l[0], when, LOAD_PER_CPU_MAX, cpus);
}

void pcb_machine_describe(void)
{
  struct utsname u;
  char buf[512];

  if (uname(&u) == 0)
    snprintf(buf, sizeof(buf), "%s %s %s %s", u.sysname, u.release,
             u.version, u.machine);
  else
    buf[0] = '\0';
  printable(buf);
  put_known("kernel", buf, "uname failed");
  put_known("cpu_model", cpuinfo("model name", buf, sizeof(buf)),
            "no model name in /proc/cpuinfo");
  put_known("cpu_microcode", cpuinfo("microcode", buf, sizeof(buf)),
            "no microcode line in /proc/cpuinfo");
  describe_flags();
  describe_cpuid();
  describe_frequency();
  describe_memory_and_smt();
  describe_libraries();
  describe_load("load_avg_start", "start");
}

void pcb_machine_describe_end(void)
{
  describe_load("load_avg_end", "end");
}
