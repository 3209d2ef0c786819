/* fork / waitpid / pipes / execve(/proc/self/exe) / vfork / death by signal.
 *
 * The program re-executes itself: "fork_exec exec-child ARGS..." runs the
 * child mode. If execve of /proc/self/exe fails with ENOEXEC (e.g. qemu-arm
 * without binfmt_misc) and GUEST_EXEC_WRAPPER is set in the environment
 * (space-separated command prefix, e.g. "qemu-arm -L /usr/arm-linux-gnueabihf"),
 * the test retries through that wrapper so reference output can be produced. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/resource.h>

static void describe(const char *what, int st)
{
    if (WIFEXITED(st))
        printf("%s: exited status %d\n", what, WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        printf("%s: killed by signal %d\n", what, WTERMSIG(st));
    else
        printf("%s: other status\n", what);
}

static int exec_child_mode(int argc, char **argv)
{
    /* argv[3], argv[4] are fd numbers, which depend on the runtime: not printed */
    printf("exec-child: argc=%d", argc);
    for (int i = 1; i < argc && i < 3; i++)
        printf(" [%s]", argv[i]);
    printf("\n");
    const char *foo = getenv("FOO");
    printf("exec-child: FOO=%s HOME set=%d\n", foo ? foo : "(null)", getenv("HOME") != NULL);
    if (argc >= 5) {
        int keep = atoi(argv[3]), cloexec = atoi(argv[4]);
        printf("exec-child: inherited fd open=%d, cloexec fd open=%d\n",
               fcntl(keep, F_GETFD) != -1, fcntl(cloexec, F_GETFD) != -1);
        char buf[32] = { 0 };
        ssize_t n = read(keep, buf, sizeof buf - 1);
        printf("exec-child: read %zd bytes from inherited pipe: %s\n", n, n > 0 ? buf : "");
    }
    struct sigaction sa;
    sigaction(SIGUSR1, NULL, &sa);
    printf("exec-child: SIGUSR1 ignored=%d", sa.sa_handler == SIG_IGN);
    sigaction(SIGUSR2, NULL, &sa);
    printf(" SIGUSR2 default=%d", sa.sa_handler == SIG_DFL);
    sigset_t m;
    sigprocmask(SIG_SETMASK, NULL, &m);
    printf(" SIGWINCH blocked=%d\n", sigismember(&m, SIGWINCH));
    fflush(stdout);
    return 7;
}

static void do_exec(char **args, char **envp)
{
    execve("/proc/self/exe", args, envp);
    int err = errno;
    const char *wrap = getenv("GUEST_EXEC_WRAPPER");
    if (err == ENOEXEC && wrap && *wrap) {
        static char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0) {
            self[n] = 0;
            char *w = strdup(wrap);
            char *nargv[64];
            int k = 0;
            for (char *tok = strtok(w, " "); tok && k < 48; tok = strtok(NULL, " "))
                nargv[k++] = tok;
            nargv[k++] = self;
            for (int i = 1; args[i] && k < 63; i++)
                nargv[k++] = args[i];
            nargv[k] = NULL;
            /* the wrapper needs a usable environment (PATH etc.); add FOO */
            setenv("FOO", "bar", 1);
            unsetenv("HOME");
            execvp(nargv[0], nargv);
        }
    }
    fprintf(stderr, "execve failed: %s\n", strerror(err));
    _exit(127);
}

static volatile sig_atomic_t chld_count;
static void on_chld(int s)
{
    (void)s;
    chld_count++;
}
static void on_usr2(int s) { (void)s; }

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "exec-child") == 0)
        return exec_child_mode(argc, argv);

    setvbuf(stdout, NULL, _IOLBF, 0);
    pid_t me = getpid();
    int st;

    /* 1. plain fork + exit status */
    fflush(stdout);
    pid_t c = fork();
    if (c == 0) {
        printf("child: getppid matches=%d pid differs=%d\n", getppid() == me, getpid() != me);
        fflush(stdout);
        _exit(3);
    }
    pid_t w = waitpid(c, &st, 0);
    printf("waitpid returned child pid=%d\n", w == c);
    describe("fork child", st);

    /* 2. exit() from child flushes stdio buffers; return value 0 */
    fflush(stdout);
    if ((c = fork()) == 0) {
        setvbuf(stdout, NULL, _IOFBF, 4096);
        printf("child: buffered output flushed by exit\n");
        exit(0);
    }
    waitpid(c, &st, 0);
    describe("exit(0) child", st);

    /* 3. pipes both ways; WNOHANG while the child is blocked */
    int to_child[2], to_parent[2];
    pipe(to_child);
    pipe(to_parent);
    fflush(stdout);
    if ((c = fork()) == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        int sum = 0, v;
        while (read(to_child[0], &v, sizeof v) == sizeof v)
            sum += v;
        char msg[64];
        int len = snprintf(msg, sizeof msg, "sum=%d", sum);
        write(to_parent[1], msg, len);
        _exit(sum & 0xff);
    }
    close(to_child[0]);
    close(to_parent[1]);
    printf("WNOHANG before child done: %d\n", (int)waitpid(c, &st, WNOHANG));
    for (int i = 1; i <= 100; i++)
        write(to_child[1], &i, sizeof i);
    close(to_child[1]);
    char buf[64] = { 0 };
    ssize_t n, tot = 0;
    while ((n = read(to_parent[0], buf + tot, sizeof buf - 1 - tot)) > 0)
        tot += n;
    close(to_parent[0]);
    printf("parent read from pipe: %s (EOF after %zd bytes)\n", buf, tot);
    waitpid(c, &st, 0);
    describe("pipe child", st);

    /* 4. execve of /proc/self/exe with arguments, env, fds and signal state */
    int p2[2];
    pipe(p2);
    int ce = open("/dev/null", O_RDONLY | O_CLOEXEC);
    write(p2[1], "through-exec", 12);
    close(p2[1]);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    sigset_t m, oldm;
    sigemptyset(&m);
    sigaddset(&m, SIGWINCH);
    sigprocmask(SIG_BLOCK, &m, &oldm);
    char fdbuf[16], cebuf[16];
    snprintf(fdbuf, sizeof fdbuf, "%d", p2[0]);
    snprintf(cebuf, sizeof cebuf, "%d", ce);
    char *args[] = { "fork_exec", "exec-child", "hello world", fdbuf, cebuf, NULL };
    char *envp[] = { "FOO=bar", NULL };
    fflush(stdout);
    if ((c = fork()) == 0)
        do_exec(args, envp);
    waitpid(c, &st, 0);
    describe("execve child", st);
    close(p2[0]);
    close(ce);
    sigprocmask(SIG_SETMASK, &oldm, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);

    /* 5. vfork + _exit, and vfork + execve */
    volatile int shared = 0;
    fflush(stdout);
    if ((c = vfork()) == 0) {
        _exit(5);
    }
    waitpid(c, &st, 0);
    describe("vfork child", st);
    (void)shared;
    char *args2[] = { "fork_exec", "exec-child", NULL };
    fflush(stdout);
    if ((c = vfork()) == 0)
        do_exec(args2, envp);
    waitpid(c, &st, 0);
    describe("vfork+execve child", st);

    /* 6. children killed by signals */
    static const int sigs[] = { SIGTERM, SIGKILL, SIGSEGV, SIGABRT };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        fflush(stdout);
        if ((c = fork()) == 0) {
            struct rlimit rl = { 0, 0 };
            setrlimit(RLIMIT_CORE, &rl);
            int dn = open("/dev/null", O_WRONLY);
            dup2(dn, 2); /* silence emulator "uncaught signal" messages */
            volatile uintptr_t bad = 8;
            if (sigs[i] == SIGSEGV)
                *(volatile int *)bad = 1;
            else if (sigs[i] == SIGABRT)
                abort();
            else
                kill(getpid(), sigs[i]);
            _exit(99);
        }
        waitpid(c, &st, 0);
        char what[32];
        snprintf(what, sizeof what, "child sending sig %d", sigs[i]);
        describe(what, st);
    }

    /* 7. parent kills a child blocked in pause() */
    int ready[2];
    pipe(ready);
    fflush(stdout);
    if ((c = fork()) == 0) {
        close(ready[0]);
        write(ready[1], "r", 1);
        for (;;)
            pause();
    }
    close(ready[1]);
    char r;
    read(ready[0], &r, 1);
    close(ready[0]);
    kill(c, SIGINT);
    waitpid(c, &st, 0);
    describe("paused child after SIGINT", st);

    /* 8. several children, SIGCHLD, wait() collects all */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    int codes = 0;
    fflush(stdout);
    for (int i = 0; i < 3; i++)
        if (fork() == 0)
            _exit(10 + i);
    for (int i = 0; i < 3; i++) {
        while ((w = wait(&st)) < 0 && errno == EINTR)
            ;
        if (w > 0 && WIFEXITED(st))
            codes |= 1 << (WEXITSTATUS(st) - 10);
    }
    printf("collected exit codes mask=%x, SIGCHLD seen=%d\n", codes, chld_count > 0);
    errno = 0;
    printf("wait with no children: %d errno=ECHILD:%d\n", (int)wait(&st), errno == ECHILD);
    printf("done\n");
    return 0;
}
