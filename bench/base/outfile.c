/*
 * The temporary behind --out and every way out that removes it (see
 * outfile.h).  The invariant: from the moment the temporary exists until
 * the run is over, every way out but those outfile.h names removes it.
 * The temporary is a short unique name beside --out, never derived from
 * the final name, so it cannot collapse onto it whatever the path's
 * length (the CLI checked that the directory's name leaves room for it).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "base/outfile.h"
#include "base/progress.h"
#include "base/results.h"
#include "config.h"
#include "pcbench/error.h"

static char tmp_path[PATH_MAX];   /* Google Benchmark writes here */
static char clean_path[PATH_MAX + 8]; /* sanitized, renamed to --out */

/* Signals whose default action ends the process, besides SIGRTMIN..
 * SIGRTMAX (all sent from outside).  SIGKILL and SIGSTOP cannot be
 * caught; 32 and 33 are the C library's (outfile.h). */
static const struct { int sig; const char *name; bool crash; } listed[] = {
  { SIGHUP, "SIGHUP", false },     { SIGINT, "SIGINT", false },
  { SIGQUIT, "SIGQUIT", false },   { SIGPIPE, "SIGPIPE", false },
  { SIGALRM, "SIGALRM", false },   { SIGTERM, "SIGTERM", false },
  { SIGUSR1, "SIGUSR1", false },   { SIGUSR2, "SIGUSR2", false },
  { SIGXCPU, "SIGXCPU", false },   { SIGXFSZ, "SIGXFSZ", false },
  { SIGVTALRM, "SIGVTALRM", false }, { SIGPROF, "SIGPROF", false },
  { SIGIO, "SIGIO", false },
#ifdef SIGSTKFLT
  { SIGSTKFLT, "SIGSTKFLT", false },
#endif
#ifdef SIGPWR
  { SIGPWR, "SIGPWR", false },
#endif
  { SIGILL, "SIGILL", true },      { SIGTRAP, "SIGTRAP", true },
  { SIGABRT, "SIGABRT", true },    { SIGBUS, "SIGBUS", true },
  { SIGFPE, "SIGFPE", true },      { SIGSEGV, "SIGSEGV", true },
  { SIGSYS, "SIGSYS", true },
};

/* Per signal number, filled before any handler is installed and read
 * by the handler: its name, whether it is a crash, whether pcbench
 * handles it (it was not ignored when the run began). */
static const char *sig_name[_NSIG];
static char rt_names[_NSIG][16];
static bool sig_crash[_NSIG], sig_ours[_NSIG];
static sigset_t handled;

static void say(const char *s)
{
  if (write(STDERR_FILENO, s, strlen(s)) < 0) {
    /* stderr is gone: nothing more to say */
  }
}

static void remove_temps(void)
{
  if (tmp_path[0])
    unlink(tmp_path);
  if (clean_path[0])
    unlink(clean_path);
}

/* Async-signal-safe: unlink, write, strlen, sigaction and raise only.
 * Every handled signal is blocked while it runs (sa_mask), so the
 * re-raised one is delivered, with its default action, when it returns. */
static void on_fatal(int sig)
{
  const char *at = pcb_progress_current();
  struct sigaction dfl;

  remove_temps();
  say(sig_crash[sig] ? "\npcbench: crashed (" : "\npcbench: interrupted (");
  say(sig_name[sig] ? sig_name[sig] : "a signal");
  say(")");
  if (at) {
    say(" during ");
    say(at);
  }
  say("; no results written, previous results left as they were\n");
  memset(&dfl, 0, sizeof(dfl));
  dfl.sa_handler = SIG_DFL;
  sigaction(sig, &dfl, NULL);
  raise(sig);
}

/* Names every signal to handle, and the set of them: those listed and
 * the real-time ones, each unless it is ignored now (a handler another
 * runtime installed, a sanitizer's, gives way: the temporary comes
 * first, and the re-raise still ends the process by the signal). */
static void name_signals(void)
{
  struct sigaction now;

  sigemptyset(&handled);
  for (size_t i = 0; i < sizeof(listed) / sizeof(*listed); i++) {
    sig_name[listed[i].sig] = listed[i].name;
    sig_crash[listed[i].sig] = listed[i].crash;
  }
  for (int s = SIGRTMIN; s <= SIGRTMAX && s < _NSIG; s++) {
    if (s == SIGRTMIN)
      snprintf(rt_names[s], sizeof(rt_names[s]), "SIGRTMIN");
    else
      snprintf(rt_names[s], sizeof(rt_names[s]), "SIGRTMIN+%d", s - SIGRTMIN);
    sig_name[s] = rt_names[s];
  }
  for (int s = 1; s < _NSIG; s++)
    if (sig_name[s] && sigaction(s, NULL, &now) == 0 &&
        ((now.sa_flags & SA_SIGINFO) || now.sa_handler != SIG_IGN)) {
      sig_ours[s] = true;
      sigaddset(&handled, s);
    }
}

static void install_handlers(void)
{
  struct sigaction sa;

  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_fatal;
  sa.sa_mask = handled;
  for (int s = 1; s < _NSIG; s++)
    if (sig_ours[s] && sigaction(s, &sa, NULL) != 0)
      sig_ours[s] = false;  /* a reserved one (under valgrind, say) */
}

/* 64 bits that no other pcbench of this machine is likely to draw. */
static unsigned long long draw(void)
{
  unsigned long long r = 0;
  struct timespec ts;

  if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r)) {
    clock_gettime(CLOCK_REALTIME, &ts);
    r ^= (unsigned long long)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^
         (unsigned long long)ts.tv_sec;
  }
  return r;
}

int pcb_out_begin(const char *out)
{
  const char *slash = strrchr(out, '/');
  int dirlen = slash ? (int)(slash - out) + 1 : 0;
  int fd = -1, err = 0;
  sigset_t old;

  name_signals();
  sigprocmask(SIG_BLOCK, &handled, &old);  /* names complete first */
  atexit(remove_temps);
  install_handlers();
  for (int tries = 0; fd < 0 && tries < 8; tries++) {
    snprintf(tmp_path, sizeof(tmp_path), "%.*s.pcbench.tmp.%ld.%016llx",
             dirlen, out, (long)getpid(), draw());
    fd = open(tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    tmp_path[0] = '\0';
  else
    snprintf(clean_path, sizeof(clean_path), "%s.clean", tmp_path);
  if (fd < 0 || close(fd) != 0)
    err = errno;
  sigprocmask(SIG_SETMASK, &old, NULL);
  errno = err;
  return err ? PCB_ESYS : 0;
}

void pcb_out_of_memory(const char *what)
{
  const char *at = pcb_progress_current();

  remove_temps();
  say("pcbench: out of memory (");
  say(what);
  say(")");
  if (at) {
    say(" during ");
    say(at);
  }
  say("; no results written, previous results left as they were\n");
  _exit(1);
}

const char *pcb_out_temp(void)
{
  return tmp_path;
}

/* --out is still what the CLI allowed: a regular file or nothing. */
static bool out_still_allowed(const char *out)
{
  struct stat st;

  return lstat(out, &st) == 0 ? S_ISREG(st.st_mode) : errno == ENOENT;
}

int pcb_out_finish(const char *out, int status)
{
  char err[256];

  /* From here an interruption is ignored: the run is over, and the
   * rename must not be cut in half.  Crashes still remove the temporary. */
  for (int s = 1; s < _NSIG; s++)
    if (sig_ours[s] && !sig_crash[s])
      signal(s, SIG_IGN);
  if (status == 0 &&
      pcb_results_sanitize(tmp_path, clean_path, err, sizeof(err)) != 0) {
    fprintf(stderr, "pcbench: results refused: %s\n", err);
    status = 1;
  }
  if (status == 0 && !out_still_allowed(out)) {
    fprintf(stderr, "pcbench: --out: '%s' is no longer a regular file; "
            "results not written\n", out);
    status = 1;
  }
  if (status == 0 && rename(clean_path, out) != 0) {
    perror("pcbench: rename results");
    status = 1;
  }
  remove_temps();
  tmp_path[0] = clean_path[0] = '\0';
  if (status == 0)
    fprintf(stderr, "pcbench: results written to %s\n", out);
  return status;
}

static char out_flag[PATH_MAX + 32];

/* Points Google Benchmark's JSON output at a temporary beside --out. */
int pcb_out_route(struct pcb_config *c)
{
  if (c->out == NULL)
    return 0;
  if (pcb_out_begin(c->out) != 0) {
    fprintf(stderr, "pcbench: --out: cannot create a temporary beside '%s' "
            "(%s)\n", c->out, strerror(errno));
    return PCB_ESYS;
  }
  snprintf(out_flag, sizeof(out_flag), "--benchmark_out=%s",
           pcb_out_temp());
  c->gb_argv[c->gb_argc++] = out_flag;
  c->gb_argv[c->gb_argc++] = "--benchmark_out_format=json";
  return 0;
}

int pcb_out_end(const struct pcb_config *c, int status)
{
  return c->out == NULL ? status : pcb_out_finish(c->out, status);
}
