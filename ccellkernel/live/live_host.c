/* The host of compiled cells (ccellkernel/live/program.py): a process that loads each cell as a shared object
 * and runs it. It reads commands, one a line:
 *
 *     load PATH            dlopen PATH (RTLD_LAZY | RTLD_GLOBAL); it stays loaded
 *     need SYMBOL ...      say which of these symbols nothing loaded defines (they would fail later)
 *     stdin PATH           take PATH (a pipe the kernel feeds, or /dev/null) as standard input
 *     env NAME=VALUE|NAME ...  set (or, without "=", unset) environment variables (%env)
 *     init PATH SYMBOL     call void SYMBOL(void) of the loaded PATH (a global's initializer that is
 *                          not a constant)
 *     run PATH SYMBOL ARG ...  call int SYMBOL(int argc, char **argv) of PATH with the arguments
 *     checkpoint           fork the stopped copy that a failed cell rolls back to (live mode)
 *     commit               the cell succeeded: drop that copy
 *     quit                 end
 *
 * Fields are separated by the byte 0x1f. Each command is answered with a frame of kind 7 on the
 * display channel (ccellkernel/api/display.py): id "ok", "error", "missing", "exit" or "resumed", data its
 * text. stdout and stderr are flushed first, so the kernel has all of a cell's output before it
 * learns that the cell ended.
 *
 * Two ways to start it:
 *
 * - `host --batch FILE`: one fresh process for one cell (%state fresh). It runs the commands in FILE
 *   and exits with the status of the last `run` (a crash is its death by a signal, as for any
 *   program).
 * - `host`: the live program. The first process is the *supervisor*: a child subreaper that ignores
 *   SIGINT. It forks the host, reaps every process below it, and writes "exit PID WSTATUS MAXRSS_KB" on the
 *   status pipe when a host dies; it ends when nothing is left below it. The host runs in a process
 *   group of its own and reads commands from the command pipe: when the kernel is gone, it reads
 *   end-of-file and ends.
 *
 * The checkpoint is a fork of the host made before a cell's commands. It moves to a process group of
 * its own (interrupting the host does not touch it), ignores SIGINT, and waits for the host's death
 * (PR_SET_PDEATHSIG). If the host dies — a crash, exit(), an interrupt, a limit — the checkpoint holds
 * the state from before the cell: it becomes the host, answers "resumed", and reads the next command.
 * fork copies one thread: after a rollback the threads started by earlier cells are gone. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIELD "\x1f"

static int frames_fd = -1, acks_fd = -1, commands_fd = -1, status_fd = -1, hosts_fd = -1;
static FILE *batch;
static pid_t checkpoint;
static pid_t self; /* the host: a process the cell forked that returns from its code ends there */
static int last_status;

static int env_fd(const char *name) {
    const char *text = getenv(name);
    return text != NULL && *text != '\0' ? atoi(text) : -1;
}

static void write_all(int fd, const void *data, size_t len) {
    const char *p = data;
    while (fd >= 0 && len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += (size_t)n;
        len -= (size_t)n;
    }
}

/* An answer, as a frame of kind 7 (without the channel, a batch host says errors on stderr). */
static void answer(const char *word, const char *text) {
    fflush(stdout);
    fflush(stderr);
    if (frames_fd < 0) {
        if (strcmp(word, "error") == 0 || strcmp(word, "missing") == 0)
            fprintf(stderr, "ccellkernel: %s %s\n", word, text);
        return;
    }
    size_t id_len = strlen(word), len = strlen(text);
    unsigned char head[16] = {'C', 'C', 'D', '1', 7, 0, 10, 0, (unsigned char)id_len, 0, 0, 0,
                              (unsigned char)(len & 0xff), (unsigned char)((len >> 8) & 0xff),
                              (unsigned char)((len >> 16) & 0xff), (unsigned char)((len >> 24) & 0xff)};
    write_all(frames_fd, head, sizeof head);
    write_all(frames_fd, "text/plain", 10);
    write_all(frames_fd, word, id_len);
    write_all(frames_fd, text, len);
    if (acks_fd >= 0) {
        char byte;
        while (read(acks_fd, &byte, 1) < 0 && errno == EINTR)
            ;
    }
}

/* The files behind the pipes to the kernel, as the host started with them. */
static struct stat pipes_at_start[3];

static void note_pipes(void) {
    int fds[3] = {frames_fd, acks_fd, commands_fd};
    for (int i = 0; i < 3; i++)
        if (fds[i] < 0 || fstat(fds[i], &pipes_at_start[i]) != 0)
            memset(&pipes_at_start[i], 0, sizeof pipes_at_start[i]);
}

/* After the cell's code: a child it forked and did not end comes back here and ends, as after main;
 * a host whose pipes the cell closed or replaced cannot be trusted to answer, and dies by a signal
 * no program dies of, which the kernel reports as such (the checkpoint takes over). */
static void after_cell_code(int status) {
    if (getpid() != self) {
        fflush(stdout);
        fflush(stderr);
        _exit(status);
    }
    int fds[3] = {frames_fd, acks_fd, commands_fd};
    for (int i = 0; i < 3 && batch == NULL; i++) {
        struct stat now;
        if (fstat(fds[i], &now) != 0 || now.st_ino != pipes_at_start[i].st_ino ||
            now.st_dev != pipes_at_start[i].st_dev) {
            signal(SIGSTKFLT, SIG_DFL);
            raise(SIGSTKFLT);
            _exit(2);
        }
    }
}

static void announce_host(void) {
    self = getpid();
    char line[32];
    int n = snprintf(line, sizeof line, "host %d\n", (int)getpid());
    write_all(hosts_fd, line, (size_t)n);
}

/* -- commands ---------------------------------------------------------------------------------- */

static char *read_command(char *buf, size_t cap) {
    if (batch != NULL)
        return fgets(buf, (int)cap, batch) != NULL ? (buf[strcspn(buf, "\n")] = '\0', buf) : NULL;
    size_t n = 0;
    while (n + 1 < cap) {
        char c;
        ssize_t got = read(commands_fd, &c, 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return NULL;
        if (c == '\n')
            break;
        buf[n++] = c;
    }
    buf[n] = '\0';
    return buf;
}

static void drop_checkpoint(void) {
    if (checkpoint > 0) {
        kill(checkpoint, SIGKILL);
        while (waitpid(checkpoint, NULL, 0) < 0 && errno == EINTR)
            ;
        checkpoint = 0;
    }
}

static volatile sig_atomic_t host_died;
static void on_host_death(int sig) {
    (void)sig;
    host_died = 1;
}

/* Fork the checkpoint. Returns 0 in the host; in the checkpoint it returns 1, once the host died. */
static int make_checkpoint(void) {
    drop_checkpoint();
    host_died = 0; /* this process may be a checkpoint that took over: its copy starts waiting anew */
    pid_t host = getpid();
    sigset_t usr1, old;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, &old);
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child != 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        checkpoint = child > 0 ? child : 0;
        return 0;
    }
    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_host_death;
    sigaction(SIGUSR1, &action, NULL);
    prctl(PR_SET_PDEATHSIG, SIGUSR1);
    sigset_t wait_mask = old;
    sigdelset(&wait_mask, SIGUSR1);
    while (!host_died && getppid() == host)
        sigsuspend(&wait_mask);
    sigprocmask(SIG_SETMASK, &old, NULL);
    prctl(PR_SET_PDEATHSIG, SIGKILL); /* as the host now: it dies with the supervisor, its parent */
    signal(SIGUSR1, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    checkpoint = 0;
    announce_host();
    char text[32];
    snprintf(text, sizeof text, "%d", (int)getpid());
    answer("resumed", text);
    return 1;
}

static int missing(char *rest) {
    char text[4096];
    size_t n = 0;
    text[0] = '\0';
    for (char *name = strtok(rest, FIELD); name != NULL; name = strtok(NULL, FIELD)) {
        if (dlsym(RTLD_DEFAULT, name) == NULL && n + strlen(name) + 2 < sizeof text)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s%s", n ? FIELD : "", name);
    }
    answer(n ? "missing" : "ok", text);
    return n > 0;
}

/* SYMBOL of the object loaded from PATH (looked up in it, not among all: two cells may use a name). */
static void *symbol_of(const char *path, const char *symbol) {
    if (path == NULL || symbol == NULL)
        return NULL;
    void *handle = dlopen(path, RTLD_LAZY | RTLD_GLOBAL | RTLD_NOLOAD);
    void *found = handle != NULL ? dlsym(handle, symbol) : NULL;
    if (handle != NULL)
        dlclose(handle); /* RTLD_NOLOAD took one more reference: give it back */
    return found;
}

static void run(char *rest) {
    char *argv[256];
    int argc = 0;
    char *path = strtok(rest, FIELD);
    char *symbol = strtok(NULL, FIELD);
    for (char *word = strtok(NULL, FIELD); word != NULL && argc < 255; word = strtok(NULL, FIELD))
        argv[argc++] = word;
    argv[argc] = NULL;
    int (*entry)(int, char **) = (int (*)(int, char **))symbol_of(path, symbol);
    if (entry == NULL) {
        answer("error", symbol != NULL ? dlerror() : "run: no symbol");
        last_status = 127;
        return;
    }
    last_status = entry(argc, argv) & 0xff;
    after_cell_code(last_status);
    char text[16];
    snprintf(text, sizeof text, "%d", last_status);
    answer("exit", text);
}

static int host(void) {
    char line[1 << 16];
    self = getpid();
    note_pipes();
    if (batch == NULL) {
        announce_host();
        char text[32];
        snprintf(text, sizeof text, "ready %d", (int)getpid());
        answer("ok", text);
    }
    while (read_command(line, sizeof line) != NULL) {
        char *rest = strchr(line, ' ');
        rest = rest != NULL ? (*rest = '\0', rest + 1) : line + strlen(line);
        if (strcmp(line, "load") == 0) {
            void *handle = dlopen(rest, RTLD_LAZY | RTLD_GLOBAL);
            answer(handle != NULL ? "ok" : "error", handle != NULL ? rest : dlerror());
            if (handle == NULL && batch != NULL)
                return 127;
        } else if (strcmp(line, "need") == 0) {
            if (missing(rest) && batch != NULL)
                return 127; /* a function nothing defines: the kernel says which */
        } else if (strcmp(line, "stdin") == 0) {
            int fd = open(rest, O_RDONLY | O_CLOEXEC);
            if (fd >= 0 && fd != 0) {
                dup2(fd, 0);
                close(fd);
            }
            __fpurge(stdin); /* what an earlier cell left unread belongs to that cell */
            clearerr(stdin);
            answer(fd >= 0 ? "ok" : "error", fd >= 0 ? rest : strerror(errno));
        } else if (strcmp(line, "env") == 0) {
            for (char *entry = strtok(rest, FIELD); entry != NULL; entry = strtok(NULL, FIELD)) {
                char *equals = strchr(entry, '=');
                if (equals != NULL) {
                    *equals = '\0';
                    setenv(entry, equals + 1, 1);
                } else {
                    unsetenv(entry);
                }
            }
            answer("ok", "env");
        } else if (strcmp(line, "init") == 0) {
            char *path = strtok(rest, FIELD);
            char *symbol = strtok(NULL, FIELD);
            void (*init)(void) = (void (*)(void))symbol_of(path, symbol);
            if (init != NULL) {
                init();
                after_cell_code(0);
            }
            answer(init != NULL ? "ok" : "error", init != NULL ? symbol : "no such initializer");
        } else if (strcmp(line, "run") == 0) {
            run(rest);
        } else if (strcmp(line, "checkpoint") == 0) {
            if (!make_checkpoint()) {
                char text[16];
                snprintf(text, sizeof text, "%d", (int)checkpoint);
                answer("ok", text);
            }
        } else if (strcmp(line, "commit") == 0) {
            drop_checkpoint();
            answer("ok", "committed");
        } else if (strcmp(line, "quit") == 0) {
            drop_checkpoint();
            break;
        } else if (line[0] != '\0') {
            answer("error", "unknown command");
        }
    }
    /* End of the commands: the kernel is gone (the checkpoint, if any, reads the same end and ends),
     * or the cell closed the pipe (the checkpoint takes over). */
    fflush(stdout);
    fflush(stderr);
    return last_status;
}

/* -- the supervisor ---------------------------------------------------------------------------- */

static int supervise(void) {
    int hosts[2];
    if (pipe(hosts) != 0)
        return 2;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    signal(SIGINT, SIG_IGN);
    pid_t child = fork();
    if (child < 0)
        return 2;
    if (child == 0) {
        close(hosts[0]);
        hosts_fd = hosts[1];
        close(status_fd);
        prctl(PR_SET_PDEATHSIG, SIGKILL); /* a host outlives no supervisor (the kernel's watchdog ends that) */
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        _exit(host());
    }
    close(hosts[1]);
    close(commands_fd);
    pid_t hosts_seen[64] = {child}; /* every process that has been the host (a checkpoint that took over) */
    size_t seen = 1;
    char buffer[256];
    size_t held = 0;
    for (;;) {
        int status;
        struct rusage usage;
        pid_t dead = wait4(-1, &status, 0, &usage);
        if (dead < 0 && errno == EINTR)
            continue;
        /* which process is the host now: a checkpoint that took over says so before it answers */
        for (;;) {
            struct timeval none = {0, 0};
            fd_set ready;
            FD_ZERO(&ready);
            FD_SET(hosts[0], &ready);
            if (select(hosts[0] + 1, &ready, NULL, NULL, &none) <= 0)
                break;
            ssize_t got = read(hosts[0], buffer + held, sizeof buffer - 1 - held);
            if (got <= 0)
                break;
            held += (size_t)got;
            buffer[held] = '\0';
            char *end;
            while ((end = strchr(buffer, '\n')) != NULL) {
                *end = '\0';
                if (strncmp(buffer, "host ", 5) == 0 && seen < 64)
                    hosts_seen[seen++] = (pid_t)atoi(buffer + 5);
                held -= (size_t)(end + 1 - buffer);
                memmove(buffer, end + 1, held + 1);
            }
        }
        if (dead < 0)
            break; /* nothing left below */
        for (size_t i = 0; i < seen; i++) {
            if (hosts_seen[i] != dead)
                continue;
            char line[64];
            int n = snprintf(line, sizeof line, "exit %d %d %ld\n", (int)dead, status, (long)usage.ru_maxrss);
            write_all(status_fd, line, (size_t)n);
            hosts_seen[i] = hosts_seen[--seen];
            break;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
#ifdef __GLIBC__
    /* what assert() and perror-style messages call the program: a cell, as a fresh one is named */
    program_invocation_name = program_invocation_short_name = (char *)"cell";
#endif
    frames_fd = env_fd("CCELL_DISPLAY_FD");
    acks_fd = env_fd("CCELL_DISPLAY_ACK");
    if (argc == 3 && strcmp(argv[1], "--batch") == 0) {
        batch = fopen(argv[2], "r");
        if (batch == NULL) {
            perror(argv[2]);
            return 2;
        }
        return host();
    }
    commands_fd = env_fd("CCELL_HOST_COMMANDS");
    status_fd = env_fd("CCELL_HOST_STATUS");
    if (frames_fd < 0 || commands_fd < 0 || status_fd < 0) {
        fprintf(stderr, "ccellkernel host: started without the kernel's pipes\n");
        return 2;
    }
    return supervise();
}
