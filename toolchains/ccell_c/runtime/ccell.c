/* The runtime linked into every C program ccellkernel builds, as its own translation unit (it adds
 * no names to the user's program but the ccell_ ones of <ccell.h>).
 *
 * - stdio: a pipe would make stdout fully buffered, so output would arrive only at the end and a
 *   prompt printed before scanf would never show. stdout and stdin are line-buffered (glibc flushes
 *   a line-buffered stdout before it reads a line-buffered stdin).
 * - the display channel (ccellkernel/api/display.py has the frame format): <ccell.h>'s functions, and the
 *   value of a cell's last expression (Out[n]).
 * - crashes: on SIGSEGV, SIGBUS, SIGFPE, SIGILL or SIGABRT the stack's addresses and the process's
 *   memory map go to the kernel as a crash report (the kernel names the cells' lines with addr2line),
 *   then the signal takes its course. Everything in the handler is async-signal-safe.
 *
 * Without CCELL_DISPLAY_FD in the environment (a program run by hand) all of this but stdio is off. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__GLIBC__)
#include <execinfo.h>
#include <ucontext.h>
#endif

#include "ccell.h"

static int ccell_fd = -1, ccell_ack = -1;
static volatile int ccell_lock;

enum { CCELL_DISPLAY = 1, CCELL_UPDATE = 2, CCELL_CLEAR = 3, CCELL_RESULT = 4, CCELL_CRASH = 5, CCELL_TEST = 6 };

static void ccell_write_all(const void *data, size_t len) {
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(ccell_fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; /* the channel is gone: displays are lost, the program goes on */
        p += n;
        len -= (size_t)n;
    }
}

static void ccell_put32(unsigned char *at, uint32_t v) {
    at[0] = v & 0xff; at[1] = (v >> 8) & 0xff; at[2] = (v >> 16) & 0xff; at[3] = (v >> 24) & 0xff;
}

static void ccell_frame(int kind, int flags, const char *mime, const char *id, const void *data, size_t len) {
    if (ccell_fd < 0)
        return;
    size_t mime_len = mime ? strlen(mime) : 0, id_len = id ? strlen(id) : 0;
    if (mime_len > 255 || id_len > 1024 || len > 0xffffffffu)
        return;
    if (kind != CCELL_CRASH) { /* what was printed before the display comes before it */
        fflush(stdout);
        fflush(stderr);
    }
    unsigned char head[16] = {'C', 'C', 'D', '1', (unsigned char)kind, (unsigned char)flags,
                              (unsigned char)(mime_len & 0xff), (unsigned char)(mime_len >> 8),
                              (unsigned char)(id_len & 0xff), (unsigned char)(id_len >> 8), 0, 0};
    ccell_put32(head + 12, (uint32_t)len);
#ifndef __TINYC__ /* tcc has no atomics: its programs' threads may interleave frames */
    while (__atomic_exchange_n(&ccell_lock, 1, __ATOMIC_ACQUIRE))
        ;
#endif
    ccell_write_all(head, sizeof head);
    ccell_write_all(mime, mime_len);
    ccell_write_all(id, id_len);
    ccell_write_all(data, len);
    if (kind != CCELL_CRASH && ccell_ack >= 0) {
        /* wait until the kernel has sent the display: what the program prints next comes after it */
        char byte;
        ssize_t got;
        while ((got = read(ccell_ack, &byte, 1)) < 0 && errno == EINTR)
            ;
        if (got <= 0)
            ccell_ack = -1; /* the kernel stopped reading frames */
    }
#ifndef __TINYC__
    __atomic_store_n(&ccell_lock, 0, __ATOMIC_RELEASE);
#endif
}

static int ccell_env_fd(const char *name) {
    const char *text = getenv(name);
    if (text == NULL || *text == '\0')
        return -1;
    char *end;
    long value = strtol(text, &end, 10);
    if (*end != '\0' || value < 0 || value > 1 << 20 || fcntl((int)value, F_GETFD) < 0)
        return -1;
    return (int)value;
}

void ccell_display(const char *mime, const void *data, size_t len) {
    ccell_frame(CCELL_DISPLAY, 0, mime, "", data, len);
}
void ccell_display_id(const char *id, const char *mime, const void *data, size_t len) {
    ccell_frame(CCELL_DISPLAY, 0, mime, id, data, len);
}
void ccell_update(const char *id, const char *mime, const void *data, size_t len) {
    ccell_frame(CCELL_UPDATE, 0, mime, id, data, len);
}
void ccell_html(const char *html) { ccell_display("text/html", html, html ? strlen(html) : 0); }
void ccell_markdown(const char *md) { ccell_display("text/markdown", md, md ? strlen(md) : 0); }
void ccell_svg(const char *svg) { ccell_display("image/svg+xml", svg, svg ? strlen(svg) : 0); }
void ccell_png(const void *png, size_t len) { ccell_display("image/png", png, len); }
void ccell_clear(void) { ccell_frame(CCELL_CLEAR, 0, "", "", "", 0); }

/* -- Out[n] ------------------------------------------------------------------------------------ */

void ccell__result(const char *text) { ccell_frame(CCELL_RESULT, 0, "text/plain", "", text, strlen(text)); }

void ccell__value_signed(long long v) {
    char text[32];
    snprintf(text, sizeof text, "%lld", v);
    ccell__result(text);
}
void ccell__value_unsigned(unsigned long long v) {
    char text[32];
    snprintf(text, sizeof text, "%llu", v);
    ccell__result(text);
}
void ccell__value_double(double v) {
    char text[64];
    snprintf(text, sizeof text, "%g", v);
    ccell__result(text);
}
void ccell__value_long_double(long double v) {
    char text[64];
    snprintf(text, sizeof text, "%Lg", v);
    ccell__result(text);
}
void ccell__value_bool(int v) { ccell__result(v ? "true" : "false"); }
void ccell__value_pointer(const void *v) {
    char text[32];
    if (v == NULL)
        snprintf(text, sizeof text, "NULL");
    else
        snprintf(text, sizeof text, "%#llx", (unsigned long long)(uintptr_t)v);
    ccell__result(text);
}

/* One character as C writes it between quotes; ``quote`` is the quote that needs a backslash. */
static size_t ccell_escape(unsigned char c, char quote, char *out) {
    switch (c) {
    case '\n': return (size_t)sprintf(out, "\\n");
    case '\t': return (size_t)sprintf(out, "\\t");
    case '\r': return (size_t)sprintf(out, "\\r");
    case '\0': return (size_t)sprintf(out, "\\0");
    case '\\': return (size_t)sprintf(out, "\\\\");
    default:
        if (c == (unsigned char)quote)
            return (size_t)sprintf(out, "\\%c", quote);
        if (c < 0x20 || c == 0x7f)
            return (size_t)sprintf(out, "\\x%02x", c);
        out[0] = (char)c;
        return 1;
    }
}

void ccell__value_char(int v) {
    char text[16] = "'";
    size_t n = 1 + ccell_escape((unsigned char)v, '\'', text + 1);
    text[n++] = '\'';
    text[n] = '\0';
    ccell__result(text);
}

void ccell__value_string(const char *v) {
    if (v == NULL) {
        ccell__result("NULL");
        return;
    }
    size_t len = strlen(v), cap = len * 4 + 3;
    char *text = malloc(cap);
    if (text == NULL)
        return;
    size_t n = 0;
    text[n++] = '"';
    for (size_t i = 0; i < len; i++)
        n += ccell_escape((unsigned char)v[i], '"', text + n);
    text[n++] = '"';
    text[n] = '\0';
    ccell__result(text);
    free(text);
}

/* -- crashes ----------------------------------------------------------------------------------- */

#if defined(__GLIBC__)
static const int ccell_fatal[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static char ccell_report[1 << 16];

static size_t ccell_hex(char *out, uintptr_t v) {
    char digits[2 * sizeof v];
    size_t n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v & 0xf];
        v >>= 4;
    } while (v);
    out[0] = '0';
    out[1] = 'x';
    for (size_t i = 0; i < n; i++)
        out[2 + i] = digits[n - 1 - i];
    return n + 2;
}

static uintptr_t ccell_pc(void *context) {
    ucontext_t *uc = context;
#if defined(__x86_64__)
    return (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
    return (uintptr_t)uc->uc_mcontext.pc;
#else
    (void)uc;
    return 0;
#endif
}

static void ccell_on_crash(int sig, siginfo_t *info, void *context) {
    (void)info;
    void *frames[64];
    int count = backtrace(frames, 64);
    size_t n = 0, cap = sizeof ccell_report;
    memcpy(ccell_report + n, "pc ", 3);
    n += 3;
    n += ccell_hex(ccell_report + n, ccell_pc(context));
    memcpy(ccell_report + n, "\nframes", 7);
    n += 7;
    for (int i = 0; i < count && n + 24 < cap; i++) {
        ccell_report[n++] = ' ';
        n += ccell_hex(ccell_report + n, (uintptr_t)frames[i]);
    }
    memcpy(ccell_report + n, "\nmaps\n", 6);
    n += 6;
    int maps = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (maps >= 0) {
        ssize_t got;
        while (n < cap && (got = read(maps, ccell_report + n, cap - n)) > 0)
            n += (size_t)got;
        close(maps);
    }
    ccell_frame(CCELL_CRASH, 0, "text/plain", "", ccell_report, n);
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns: the program dies of the signal, as it would */
}

static void ccell_catch_crashes(void) {
    static char stack[1 << 16]; /* a handler that runs after a stack overflow needs a stack of its own */
    stack_t alt = {.ss_sp = stack, .ss_size = sizeof stack, .ss_flags = 0};
    sigaltstack(&alt, NULL);
    void *warm[1];
    backtrace(warm, 1); /* loads libgcc now: it allocates, which a signal handler must not */
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = ccell_on_crash;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < sizeof ccell_fatal / sizeof ccell_fatal[0]; i++)
        sigaction(ccell_fatal[i], &action, NULL);
}
#else
static void ccell_catch_crashes(void) {}
#endif

__attribute__((constructor)) static void ccell_start(void) {
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    setvbuf(stdin, NULL, _IOLBF, BUFSIZ);
    ccell_fd = ccell_env_fd("CCELL_DISPLAY_FD");
    if (ccell_fd < 0)
        return;
    ccell_ack = ccell_env_fd("CCELL_DISPLAY_ACK");
    ccell_catch_crashes();
}

/* -- %test ------------------------------------------------------------------------------------- */

#include <sys/wait.h>

/* Runs each test in a child process of its own, so that a failed assert or a crash ends that test
 * only. A test's stdout and stderr are gathered in one pipe and sent with its outcome as one frame
 * of the display channel (kind 6: id the test's name, data "STATUS\n" then the output; STATUS is
 * ok, exit:N or signal:N), after the crash report of a test that crashed. */
int ccell__run_tests(int count, const char *const *names, void (*const *tests)(void)) {
    for (int i = 0; i < count; i++) {
        int out[2];
        fflush(stdout);
        fflush(stderr);
        if (pipe(out) != 0)
            return 1;
        pid_t child = fork();
        if (child == 0) {
            close(out[0]);
            dup2(out[1], 1);
            dup2(out[1], 2);
            close(out[1]);
            tests[i]();
            fflush(stdout);
            fflush(stderr);
            _exit(0);
        }
        close(out[1]);
        size_t cap = 4096, len = 0;
        char *text = malloc(cap);
        for (;;) {
            if (text == NULL)
                break;
            if (len == cap) {
                char *more = realloc(text, cap * 2);
                if (more == NULL)
                    break;
                text = more;
                cap *= 2;
            }
            ssize_t got = read(out[0], text + len, cap - len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            len += (size_t)got;
        }
        close(out[0]);
        int status = 0;
        if (child < 0) {
            status = -1;
        } else {
            while (waitpid(child, &status, 0) < 0 && errno == EINTR)
                ;
        }
        char verdict[32];
        if (child < 0)
            snprintf(verdict, sizeof verdict, "exit:-1");
        else if (WIFSIGNALED(status))
            snprintf(verdict, sizeof verdict, "signal:%d", WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0)
            snprintf(verdict, sizeof verdict, "exit:%d", WEXITSTATUS(status));
        else
            snprintf(verdict, sizeof verdict, "ok");
        size_t head = strlen(verdict) + 1;
        char *data = malloc(head + len);
        if (data != NULL) {
            memcpy(data, verdict, head - 1);
            data[head - 1] = '\n';
            if (len)
                memcpy(data + head, text, len);
            ccell_frame(CCELL_TEST, 0, "text/plain", names[i], data, head + len);
            free(data);
        }
        free(text);
    }
    return 0;
}
