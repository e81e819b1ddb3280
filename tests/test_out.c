/*
 * test_out.c - tests src/out.c: a committed file appears whole, an aborted
 * one not at all, the old file survives until the commit, no temporary file
 * is left behind, permissions, "-" for standard output, devices, and the
 * error messages (path and reason).
 */
#include "internal.h"
#include "check.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

static char *path_in_tmp(const char *name)
{
    static char paths[16][256];
    static int used;
    char want[256];
    snprintf(want, sizeof want, "%s/%s", tmpdir, name);
    for (int k = 0; k < used; k++)
        if (strcmp(paths[k], want) == 0) return paths[k];
    if (used == 16) abort();
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
              strcmp(err.message, "/dev/full:0: cannot write (No space left on device)") == 0,
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
    snprintf(want, sizeof want, "%s:0: cannot create a temporary file beside it "
             "(No such file or directory)", p);
    CHECK(strcmp(err.message, want) == 0, "message \"%s\"", err.message);
    CHECK(o.f == NULL && o.path == NULL && o.tmp == NULL, "not cleared");

    CHECK(wlr__out_open(&o, tmpdir, &err) == WLR_ERR_IO &&
          strstr(err.message, ":0: cannot write (Is a directory)"), "directory: %s", err.message);
    CHECK(wlr__out_open(&o, "", &err) == WLR_ERR_ARG, "empty path");

    /* the rename fails if the target became a directory meanwhile */
    const char *q = path_in_tmp("becomes_dir");
    CHECK(wlr__out_open(&o, q, &err) == WLR_OK, "open: %s", err.message);
    mkdir(q, 0700);
    CHECK(wlr__out_commit(&o, &err) == WLR_ERR_IO && strstr(err.message, "becomes_dir:0: cannot write ("),
          "rename over a directory: %s", err.message);
    CHECK(stray_temps() == 0, "failed commit left its temporary file");
    rmdir(q);
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
              strstr(err.message, "limit.txt:0: cannot write (File too large)") ? 0 : 5);
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
    RUN(test_signals_remove_temps);
    RUN(test_file_size_limit);
    rmdir(tmpdir);
    return check_summary();
}
