/*
 * The parent's side of an external row: pcbench started again with the
 * allocator preloaded (shipped.h), its stdout read into figures.  The
 * child inherits stderr, so whatever it cannot do it says there.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shipped/shipped.h"

extern char **environ;

enum { ENV_OURS = 12 };

/* environ without what a child must not inherit, then ours. */
static char **child_env(char ours[][96], int nours)
{
  size_t n = 0, k = 0;
  char **env;

  while (environ[n])
    n++;
  env = calloc(n + ENV_OURS + 5, sizeof(*env));
  if (env == NULL)
    return NULL;
  for (size_t i = 0; i < n; i++)
    if (strncmp(environ[i], "LD_PRELOAD=", 11) != 0 &&
        strncmp(environ[i], "MALLOC_CONF=", 12) != 0 &&
        strncmp(environ[i], "HEAPPROFILE=", 12) != 0 &&
        strncmp(environ[i], "PCB_SHIPPED_", 12) != 0)
      env[k++] = environ[i];
  for (int i = 0; i < nours; i++)
    env[k++] = ours[i];
  return env;
}

static void take_line(char *line, struct pcb_shipped_figs *f)
{
  char *sp = strchr(line, ' ');

  line[strcspn(line, "\n")] = '\0';
  if (sp == NULL)
    return;
  *sp = '\0';
  if (strcmp(line, "version") == 0)
    snprintf(f->version, sizeof(f->version), "%s", sp + 1);
  else if (strcmp(line, "settings") == 0)
    snprintf(f->settings, sizeof(f->settings), "%s", sp + 1);
  else if (f->n < PCB_SHIPPED_FIGS_MAX) {
    snprintf(f->key[f->n], sizeof(f->key[0]), "%.31s", line);
    f->value[f->n++] = strtod(sp + 1, NULL);
  }
}

int pcb_shipped_run(const struct pcb_shipped *a, int frames, uint64_t rate,
                    int rounds, uint64_t seed, struct pcb_shipped_figs *f)
{
  char ours[ENV_OURS][96], line[256];
  const char *alloc_env[5] = { NULL };
  char *argv[] = { "pcbench", NULL }, **env;
  int fds[2], st, n = 0, rc = -1;
  posix_spawn_file_actions_t fa;
  FILE *in;
  pid_t pid;

  memset(f, 0, sizeof(*f));
  a->environment(rate, alloc_env);
  snprintf(ours[n++], 96, "LD_PRELOAD=%s", a->library);
  snprintf(ours[n++], 96, "PCB_SHIPPED_CHILD=%s", a->name);
  snprintf(ours[n++], 96, "PCB_SHIPPED_FRAMES=%d", frames);
  snprintf(ours[n++], 96, "PCB_SHIPPED_RATE=%llu", (unsigned long long)rate);
  snprintf(ours[n++], 96, "PCB_SHIPPED_ROUNDS=%d", rounds);
  snprintf(ours[n++], 96, "PCB_SHIPPED_SEED=%llu",
           (unsigned long long)(seed % 1000000000000000ull));
  for (int i = 0; alloc_env[i] && n < ENV_OURS; i++)
    snprintf(ours[n++], 96, "%s", alloc_env[i]);
  if ((env = child_env(ours, n)) == NULL || pipe(fds) != 0) {
    free(env);
    fprintf(stderr, "pcbench: external %s: cannot start it\n", a->name);
    return -1;
  }
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_addclose(&fa, fds[0]);
  errno = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, env);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  free(env);
  if (errno != 0) {
    close(fds[0]);
    fprintf(stderr, "pcbench: external %s: cannot start it: %s\n", a->name,
            strerror(errno));
    return -1;
  }
  in = fdopen(fds[0], "r");
  while (in && fgets(line, sizeof(line), in))
    take_line(line, f);
  if (in)
    fclose(in);
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
    ;
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
    rc = 0;
  else if (WIFSIGNALED(st))
    fprintf(stderr, "pcbench: external %s: its process was killed by "
            "signal %d\n", a->name, WTERMSIG(st));
  else
    fprintf(stderr, "pcbench: external %s: its process failed\n", a->name);
  return rc;
}
