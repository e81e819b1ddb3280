/*
 * test_out.c - tests src/out.c: a committed file appears whole, an aborted
 * one not at all, the old file survives until the commit, no temporary file
 * is left behind, permissions, "-" for standard output, devices, pipes and
 * sockets written where they are and never removed, symbolic links written
 * through (chains, relative targets, dangling links, loops, /proc links),
 * and the error messages (path and reason).
 */
#include "internal.h"
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static char *path_in_tmp(const char *name)
{
    static char paths[48][256];
    static int used;
    char want[256];
    snprintf(want, sizeof want, "%s/%s", tmpdir, name);
    for (int k = 0; k < used; k++)
        if (strcmp(paths[k], want) == 0) return paths[k];
    if (used == 48) abort();
    return strcpy(paths[used++], want);
}

/* The whole content of a file ("" if missing), in a static buffer. */
static const char *slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    size_t n = 0;
    if (f) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

/* Files in the test directory whose name contains ".tmp." */
static int stray_temps(void)
{
    DIR *d = opendir(tmpdir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".tmp.") != NULL;
    if (d) closedir(d);
    return n;
}

static void test_commit_and_abort(void)
{
    const char *p = path_in_tmp("a.txt");
    wlr__out o;
    wlr_error err;
    CHECK(wlr__out_open(&o, p, &err) == WLR_OK, "open: %s", err.message);
    fputs("first\n", o.f);
    CHECK(access(p, F_OK) != 0, "the file exists before the commit");
    CHECK(stray_temps() == 1, "one temporary file while open");
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    CHECK(strcmp(slurp(p), "first\n") == 0, "content \"%s\"", slurp(p));
    CHECK(o.f == NULL && o.path == NULL && o.tmp == NULL, "not cleared");
    CHECK(stray_temps() == 0, "temporary file left");

    /* replacing: the old content is there until the commit */
    CHECK(wlr__out_open(&o, p, &err) == WLR_OK, "reopen: %s", err.message);
    fputs("second\n", o.f);
    fflush(o.f);
    CHECK(strcmp(slurp(p), "first\n") == 0, "old content gone before commit");
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    CHECK(strcmp(slurp(p), "second\n") == 0, "replaced \"%s\"", slurp(p));

    /* abort: the old file stays, no temporary is left */
    CHECK(wlr__out_open(&o, p, &err) == WLR_OK, "open: %s", err.message);
    fputs("third\n", o.f);
    wlr__out_abort(&o);
    CHECK(strcmp(slurp(p), "second\n") == 0, "abort changed the file");
    CHECK(stray_temps() == 0, "abort left a temporary file");
    CHECK(o.f == NULL && o.path == NULL, "abort did not clear");

    /* abort of a new file: nothing appears */
    const char *q = path_in_tmp("never.txt");
    CHECK(wlr__out_open(&o, q, &err) == WLR_OK, "open: %s", err.message);
    wlr__out_abort(&o);
    CHECK(access(q, F_OK) != 0 && stray_temps() == 0, "aborted file appeared");

    /* harmless on a cleared handle */
    wlr__out_abort(&o);
    CHECK(wlr__out_commit(&o, &err) == WLR_ERR_ARG, "commit of nothing");
    remove(p);
}

static void test_permissions(void)
{
    const char *p = path_in_tmp("perm.txt");
    wlr__out o;
    wlr_error err;
    mode_t mask = umask(022);
    CHECK(wlr__out_open(&o, p, &err) == WLR_OK, "open: %s", err.message);
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    struct stat st;
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0644, "new file mode %o",
          (unsigned)(st.st_mode & 0777));
    chmod(p, 0640);
    CHECK(wlr__out_open(&o, p, &err) == WLR_OK, "open: %s", err.message);
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    CHECK(stat(p, &st) == 0 && (st.st_mode & 0777) == 0640, "kept mode %o",
          (unsigned)(st.st_mode & 0777));
    umask(mask);
    remove(p);
}

/* A bare file name: the temporary goes in the current directory. */
static void test_no_directory_part(void)
{
    char cwd[1024];
    if (!getcwd(cwd, sizeof cwd) || chdir(tmpdir) != 0) {
        CHECK(0, "cannot enter %s", tmpdir);
        return;
    }
    wlr__out o;
    wlr_error err;
    CHECK(wlr__out_open(&o, "bare.txt", &err) == WLR_OK, "open: %s", err.message);
    fputs("bare\n", o.f);
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    CHECK(strcmp(slurp("bare.txt"), "bare\n") == 0, "bare content");
    CHECK(wlr__out_open(&o, "./dot.txt", &err) == WLR_OK, "open: %s", err.message);
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    CHECK(access("dot.txt", F_OK) == 0, "./dot.txt");
    remove("bare.txt");
    remove("dot.txt");
    CHECK(chdir(cwd) == 0, "back to %s", cwd);
}

static void test_special(void)
{
    wlr__out o;
    wlr_error err;
    /* "-" is standard output, committed by a flush */
    CHECK(wlr__out_open(&o, "-", &err) == WLR_OK && o.f == stdout, "stdout");
    CHECK(wlr__out_commit(&o, &err) == WLR_OK && o.f == NULL, "stdout commit: %s", err.message);
    /* a device is written directly, and a full one fails at commit */
    CHECK(wlr__out_open(&o, "/dev/null", &err) == WLR_OK && o.tmp == NULL, "null: %s", err.message);
    fputs("gone\n", o.f);
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "/dev/null commit: %s", err.message);
    if (access("/dev/full", W_OK) == 0) {
        CHECK(wlr__out_open(&o, "/dev/full", &err) == WLR_OK, "full: %s", err.message);
        fputs("no room\n", o.f);
        CHECK(wlr__out_commit(&o, &err) == WLR_ERR_IO &&
              strcmp(err.message, "/dev/full: cannot write (No space left on device)") == 0,
              "full commit: %s", err.message);
        CHECK(o.f == NULL && o.path == NULL, "cleared after a failed commit");
    }
}

static void test_errors(void)
{
    wlr__out o;
    wlr_error err;
    char want[512];
    const char *p = path_in_tmp("no/such/dir/x.csv");
    CHECK(wlr__out_open(&o, p, &err) == WLR_ERR_IO, "missing directory opened");
    snprintf(want, sizeof want, "%s: cannot create a temporary file beside it "
             "(No such file or directory)", p);
    CHECK(strcmp(err.message, want) == 0, "message \"%s\"", err.message);
    CHECK(o.f == NULL && o.path == NULL && o.tmp == NULL, "not cleared");

    CHECK(wlr__out_open(&o, tmpdir, &err) == WLR_ERR_IO &&
          strstr(err.message, ": cannot write (Is a directory)"), "directory: %s", err.message);
    CHECK(wlr__out_open(&o, "", &err) == WLR_ERR_ARG, "empty path");

    /* the rename fails if the target became a directory meanwhile */
    const char *q = path_in_tmp("becomes_dir");
    CHECK(wlr__out_open(&o, q, &err) == WLR_OK, "open: %s", err.message);
    mkdir(q, 0700);
    CHECK(wlr__out_commit(&o, &err) == WLR_ERR_IO && strstr(err.message, "becomes_dir: cannot write ("),
          "rename over a directory: %s", err.message);
    CHECK(stray_temps() == 0, "failed commit left its temporary file");
    rmdir(q);
}

/* Writes text to path through wlr__out and commits; 1 if both worked. */
static int write_through(const char *path, const char *text)
{
    wlr__out o;
    wlr_error err;
    if (wlr__out_open(&o, path, &err) != WLR_OK) {
        printf("  open %s: %s\n", path, err.message);
        return 0;
    }
    fputs(text, o.f);
    if (wlr__out_commit(&o, &err) != WLR_OK) {
        printf("  commit %s: %s\n", path, err.message);
        return 0;
    }
    return 1;
}

/* Is path a symbolic link to exactly `to`? */
static int is_link_to(const char *path, const char *to)
{
    char buf[512];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n < 0) return 0;
    buf[n] = '\0';
    return strcmp(buf, to) == 0;
}

/* A link is written through: the file at the end of the chain gets the
 * content (and keeps its mode), every link stays the same link, and the
 * temporary was beside the target (none is left anywhere). */
static void test_symlink_write_through(void)
{
    const char *t = path_in_tmp("t.txt"), *l1 = path_in_tmp("l1"),
               *l2 = path_in_tmp("l2"), *sub = path_in_tmp("sub"),
               *l3 = path_in_tmp("sub/l3");
    FILE *f = fopen(t, "w");
    if (f) { fputs("old\n", f); fclose(f); }
    chmod(t, 0640);
    /* l1 -> t.txt (relative, beside it); l2 -> l1; sub/l3 -> ../l2 (relative
     * to sub, not to the current directory) */
    CHECK(symlink("t.txt", l1) == 0 && symlink(l1, l2) == 0 && mkdir(sub, 0700) == 0 &&
          symlink("../l2", l3) == 0, "making the links: %s", strerror(errno));
    char *target = NULL;
    wlr_error err;
    CHECK(wlr__out_target(l3, &target, &err) == WLR_OK && target &&
          strcmp(strrchr(target, '/'), "/t.txt") == 0, "target of sub/l3: %s",
          target ? target : err.message);
    free(target);
    CHECK(wlr__out_target(t, &target, &err) == WLR_OK && strcmp(target, t) == 0,
          "a file is its own target");
    free(target);

    CHECK(write_through(l1, "one\n"), "through l1");
    CHECK(strcmp(slurp(t), "one\n") == 0, "t.txt after l1: \"%s\"", slurp(t));
    CHECK(write_through(l3, "three\n"), "through sub/l3 -> l2 -> l1");
    CHECK(strcmp(slurp(t), "three\n") == 0, "t.txt after sub/l3: \"%s\"", slurp(t));
    CHECK(is_link_to(l1, "t.txt") && is_link_to(l2, l1) && is_link_to(l3, "../l2"),
          "a link was replaced");
    struct stat st;
    CHECK(stat(t, &st) == 0 && (st.st_mode & 0777) == 0640, "mode through a link %o",
          (unsigned)(st.st_mode & 0777));
    CHECK(stray_temps() == 0, "temporary left");

    /* abort through a link: the target keeps its content */
    wlr__out o;
    CHECK(wlr__out_open(&o, l2, &err) == WLR_OK, "open: %s", err.message);
    fputs("never\n", o.f);
    wlr__out_abort(&o);
    CHECK(strcmp(slurp(t), "three\n") == 0 && stray_temps() == 0, "abort through a link");
    remove(l3);
    rmdir(sub);
    remove(l2);
    remove(l1);
    remove(t);
}

/* A dangling link creates its target; an abort creates nothing. */
static void test_dangling_link(void)
{
    const char *l = path_in_tmp("dangling"), *t = path_in_tmp("made.txt");
    CHECK(symlink("made.txt", l) == 0, "symlink: %s", strerror(errno));
    wlr__out o;
    wlr_error err;
    CHECK(wlr__out_open(&o, l, &err) == WLR_OK, "open: %s", err.message);
    wlr__out_abort(&o);
    CHECK(access(t, F_OK) != 0 && stray_temps() == 0, "abort made the target");
    CHECK(write_through(l, "made\n"), "through a dangling link");
    CHECK(strcmp(slurp(t), "made\n") == 0, "target \"%s\"", slurp(t));
    CHECK(is_link_to(l, "made.txt"), "the link was replaced");
    remove(l);
    remove(t);
}

/* Links that lead nowhere writable fail with the reason, and leave nothing:
 * a loop, a target in a missing directory. A target longer than the first
 * readlink buffer is read whole. */
static void test_link_errors(void)
{
    const char *a = path_in_tmp("loop_a"), *b = path_in_tmp("loop_b"),
               *n = path_in_tmp("to_nowhere"), *g = path_in_tmp("long_link");
    CHECK(symlink("loop_b", a) == 0 && symlink("loop_a", b) == 0 &&
          symlink("no/such/dir/x.csv", n) == 0, "symlink: %s", strerror(errno));
    wlr__out o;
    wlr_error err;
    char want[512];
    CHECK(wlr__out_open(&o, a, &err) == WLR_ERR_IO, "a loop opened");
    snprintf(want, sizeof want, "%s: cannot follow the link (%s)", a, strerror(ELOOP));
    CHECK(strcmp(err.message, want) == 0, "loop message \"%s\"", err.message);
    CHECK(o.f == NULL && o.path == NULL && o.target == NULL && o.tmp == NULL, "not cleared");
    CHECK(wlr__out_open(&o, n, &err) == WLR_ERR_IO, "a missing directory opened");
    snprintf(want, sizeof want, "%s: cannot create a temporary file beside its link's "
             "target %s/no/such/dir/x.csv (No such file or directory)", n, tmpdir);
    CHECK(strcmp(err.message, want) == 0, "message \"%s\"", err.message);
    CHECK(stray_temps() == 0 && is_link_to(a, "loop_b") && is_link_to(n, "no/such/dir/x.csv"),
          "a failed open changed the directory");

    char to[600] = "";
    while (strlen(to) < 500) strcat(to, "deep/");
    strcat(to, "end.txt");
    CHECK(symlink(to, g) == 0, "long symlink: %s", strerror(errno));
    char *target = NULL;
    CHECK(wlr__out_target(g, &target, &err) == WLR_OK && target &&
          strlen(target) == strlen(tmpdir) + 1 + strlen(to) &&
          strcmp(target + strlen(tmpdir) + 1, to) == 0, "long target: %s",
          target ? target : err.message);
    free(target);
    remove(a);
    remove(b);
    remove(n);
    remove(g);
}

/* A named pipe is written where it is, with a reader at the other end, and
 * is still a named pipe afterwards, after an abort too. */
static void test_fifo(void)
{
    const char *fifo = path_in_tmp("fifo"), *got = path_in_tmp("fifo_got.txt");
    CHECK(mkfifo(fifo, 0600) == 0, "mkfifo: %s", strerror(errno));
    for (int commit = 1; commit >= 0; commit--) {
        pid_t pid = fork();
        if (pid == 0) { /* the reader: copies the pipe into got */
            FILE *in = fopen(fifo, "rb"), *out = fopen(got, "wb");
            int c;
            while (in && out && (c = fgetc(in)) != EOF) fputc(c, out);
            _exit(in && out && fclose(out) == 0 ? 0 : 3);
        }
        wlr__out o;
        wlr_error err;
        CHECK(wlr__out_open(&o, fifo, &err) == WLR_OK && o.tmp == NULL,
              "fifo open: %s", err.message);
        if (o.f) fputs("through the pipe\n", o.f);
        if (commit) CHECK(wlr__out_commit(&o, &err) == WLR_OK, "fifo commit: %s", err.message);
        wlr__out_abort(&o);
        int status = 0;
        waitpid(pid, &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader status %#x", status);
        /* an abort closes the pipe; what was buffered may or may not reach
         * the reader, but the pipe itself is never removed */
        if (commit)
            CHECK(strcmp(slurp(got), "through the pipe\n") == 0, "read \"%s\"", slurp(got));
        struct stat st;
        CHECK(lstat(fifo, &st) == 0 && S_ISFIFO(st.st_mode), "the fifo is gone (commit %d)",
              commit);
    }
    CHECK(stray_temps() == 0, "temporary left");
    remove(got);
    remove(fifo);
}

/* /dev/stdout when standard output is a pipe is /proc/self/fd/1, a link to
 * the pipe: written into the pipe, no temporary, nothing renamed. The same
 * through /proc/self/fd/N for a pipe made here. */
static void test_proc_link_to_pipe(void)
{
    int p[2];
    if (pipe(p) != 0) {
        CHECK(0, "pipe: %s", strerror(errno));
        return;
    }
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
    wlr__out o;
    wlr_error err;
    CHECK(wlr__out_open(&o, path, &err) == WLR_OK && o.tmp == NULL,
          "open %s: %s", path, err.message);
    if (o.f) fputs("piped\n", o.f);
    CHECK(wlr__out_commit(&o, &err) == WLR_OK, "commit: %s", err.message);
    char buf[16] = "";
    ssize_t n = read(p[0], buf, sizeof buf - 1);
    CHECK(n == 6 && strcmp(buf, "piped\n") == 0, "pipe got %zd bytes \"%s\"", n, buf);
    close(p[0]);
    close(p[1]);
}

/* /dev/stdout when standard output is a socket: the socket cannot be
 * opened again by name, so standard output itself is written (a child with
 * one end of a socket pair as its standard output; the parent reads the
 * other end). */
static void test_stdout_socket(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
        CHECK(0, "socketpair: %s", strerror(errno));
        return;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        wlr__out o;
        wlr_error err;
        close(sv[0]);
        if (dup2(sv[1], STDOUT_FILENO) < 0) _exit(3);
        if (wlr__out_open(&o, "/dev/stdout", &err) != WLR_OK) {
            fprintf(stderr, "  child: %s\n", err.message);
            _exit(4);
        }
        if (o.tmp) _exit(5);
        fputs("socket\n", o.f);
        _exit(wlr__out_commit(&o, &err) == WLR_OK ? 0 : 6);
    }
    close(sv[1]);
    char buf[16] = "";
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf - 1 && (n = read(sv[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    close(sv[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %#x", status);
    CHECK(strcmp(buf, "socket\n") == 0, "the socket got \"%s\"", buf);
}

/* A /proc link to an open regular file names the file: written through to
 * it. To a deleted file it names nothing to rename over: refused, and
 * nothing is created. */
static void test_proc_link_to_file(void)
{
    const char *t = path_in_tmp("proc_target.txt");
    FILE *f = fopen(t, "w");
    if (!f) {
        CHECK(0, "cannot make %s", t);
        return;
    }
    fputs("old\n", f);
    fflush(f);
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(f));
    CHECK(write_through(path, "new\n"), "through %s", path);
    CHECK(strcmp(slurp(t), "new\n") == 0, "the file got \"%s\"", slurp(t));
    fclose(f);

    f = fopen(t, "w");
    remove(t);
    if (f) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fileno(f));
        wlr__out o;
        wlr_error err;
        CHECK(wlr__out_open(&o, path, &err) == WLR_ERR_IO &&
              strstr(err.message, "which is not the file they reach; cannot replace it"),
              "a deleted file's link: %s", err.message);
        CHECK(o.f == NULL && o.tmp == NULL, "not cleared");
        fclose(f);
    }
    CHECK(stray_temps() == 0 && access(t, F_OK) != 0, "a deleted file's link made a file");
}

/* A socket cannot be opened for writing: the error says so and the socket
 * stays. (Devices: test_special; an abort never removes what it wrote in
 * place: test_fifo.) */
static void test_socket(void)
{
    const char *sock = path_in_tmp("sock");
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", sock);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0,
          "socket: %s", strerror(errno));
    wlr__out o;
    wlr_error err;
    char want[512];
    CHECK(wlr__out_open(&o, sock, &err) == WLR_ERR_IO, "a socket opened");
    snprintf(want, sizeof want, "%s: cannot open (%s)", sock, strerror(ENXIO));
    CHECK(strcmp(err.message, want) == 0, "socket message \"%s\"", err.message);
    struct stat st;
    CHECK(lstat(sock, &st) == 0 && S_ISSOCK(st.st_mode) && stray_temps() == 0,
          "the socket was replaced");
    if (fd >= 0) close(fd);
    remove(sock);
}

/* A child with two outputs open (one already committed) kills itself with
 * sig: with wlr__out_remove_temps_on_signal the open temporary is removed, the
 * committed file stays, and the child dies of sig, not of a handler's exit. */
static void killed_with_open_output(int sig)
{
    const char *done_path = path_in_tmp("sig_done.txt");
    const char *p = path_in_tmp("sig_open.txt");
    pid_t pid = fork();
    if (pid == 0) {
        wlr__out o, d;
        wlr_error err;
        /* the default action, whatever this test inherited (a shell's
         * background job starts with SIGINT ignored, and ignored signals
         * stay ignored) */
        signal(sig, SIG_DFL);
        wlr__out_remove_temps_on_signal();
        if (wlr__out_open(&d, done_path, &err) || fputs("done\n", d.f) < 0 ||
            wlr__out_commit(&d, &err) || wlr__out_open(&o, p, &err))
            _exit(3);
        fputs("half", o.f);
        fflush(o.f);
        raise(sig);
        _exit(4); /* not reached */
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == sig,
          "signal %d: child status %#x, not killed by it", sig, status);
    CHECK(stray_temps() == 0, "signal %d left a temporary file", sig);
    CHECK(access(p, F_OK) != 0, "signal %d: the open output appeared", sig);
    CHECK(strcmp(slurp(done_path), "done\n") == 0, "committed file lost");
    remove(done_path);
}

static void test_signals_remove_temps(void)
{
    killed_with_open_output(SIGINT);
    killed_with_open_output(SIGTERM);
    killed_with_open_output(SIGHUP);
}

/* Past the file size limit (a full disk, in effect) the write fails with
 * EFBIG instead of SIGXFSZ killing the process: the commit reports it and
 * the old file stays. */
static void test_file_size_limit(void)
{
    const char *p = path_in_tmp("limit.txt");
    FILE *f = fopen(p, "w");
    if (f) { fputs("old\n", f); fclose(f); }
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = {1024, 1024};
        wlr__out o;
        wlr_error err;
        wlr__out_remove_temps_on_signal();
        if (setrlimit(RLIMIT_FSIZE, &rl) || wlr__out_open(&o, p, &err)) _exit(3);
        for (int i = 0; i < 1000; i++) fputs("0123456789\n", o.f);
        /* the failed write is behind us, the buffer empty: the commit must
         * still say why, not "Input/output error" */
        fflush(o.f);
        wlr_status s = wlr__out_commit(&o, &err);
        _exit(s == WLR_ERR_IO &&
              strstr(err.message, "limit.txt: cannot write (File too large)") ? 0 : 5);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child status %#x (SIGXFSZ is %d)", status, SIGXFSZ);
    CHECK(strcmp(slurp(p), "old\n") == 0, "the old file changed: %s", slurp(p));
    CHECK(stray_temps() == 0, "a temporary file was left");
    remove(p);
}

int main(void)
{
    strcpy(tmpdir, "/tmp/wlr_test_out.XXXXXX");
    if (!mkdtemp(tmpdir)) { perror("mkdtemp"); return 1; }
    RUN(test_commit_and_abort);
    RUN(test_permissions);
    RUN(test_no_directory_part);
    RUN(test_special);
    RUN(test_errors);
    RUN(test_symlink_write_through);
    RUN(test_dangling_link);
    RUN(test_link_errors);
    RUN(test_fifo);
    /* /proc/self/fd/N (what /dev/stdout links to) is Linux's */
    if (access("/proc/self/fd", F_OK) == 0) {
        RUN(test_proc_link_to_pipe);
        RUN(test_stdout_socket);
        RUN(test_proc_link_to_file);
    } else {
        printf("no /proc/self/fd: the three /proc link tests are not run (not counted)\n");
    }
    RUN(test_socket);
    RUN(test_signals_remove_temps);
    RUN(test_file_size_limit);
    rmdir(tmpdir);
    return check_summary();
}
