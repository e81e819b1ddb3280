/*
 * out.c - output files that appear all at once or not at all.
 *
 * wlr__out_open writes into a new temporary file beside the target
 * (PATH.tmp.XXXXXX, made by mkstemp, so in the same directory and on the same
 * filesystem); wlr__out_commit flushes it, checks every write for an error,
 * fsyncs it and renames it over PATH. rename() within one filesystem is
 * atomic: a reader of PATH sees the old file or the complete new one, and an
 * interrupted or failed run leaves the old file untouched (a crash can leave
 * a stray PATH.tmp.XXXXXX behind, never a half-written PATH).
 *
 * Special cases:
 *   "-"  means standard output: written directly, commit only flushes.
 *   A PATH that exists and is not a regular file (/dev/null, a named pipe, a
 *        terminal, /dev/stdout when standard output is a pipe) cannot be
 *        replaced by renaming: it is opened for writing where it is (or,
 *        when it is standard output or error, that descriptor is used),
 *        never created, truncated, renamed over or removed, even on failure.
 *   A symbolic link at PATH is written through: the chain of links is
 *        followed (a relative target is relative to its link's directory)
 *        to the file it ends at, the temporary goes beside that file and is
 *        renamed over it, and every link stays a link. A dangling link
 *        creates its target. When the name at the end of the chain is not
 *        the file the kernel reaches (a /proc link to a deleted file), the
 *        output is refused rather than written somewhere else.
 *   A regular file being replaced keeps its permission bits; a new file gets
 *        0666 less the umask, as fopen would give it (mkstemp's 0600 would
 *        otherwise stick).
 *
 * Signals: a process killed while writing would leave PATH.tmp.XXXXXX
 * behind. Every open temporary is therefore listed in a small registry, and
 * wlr__out_remove_temps_on_signal() installs handlers for SIGINT, SIGTERM,
 * SIGHUP that unlink() the listed files (unlink is async-signal-safe; so is
 * reading the list, whose slots are single pointer stores) and then die of
 * the same signal. It also ignores SIGXFSZ, so that a write beyond the file
 * size limit (ulimit -f) fails with EFBIG, reported like any other write
 * error, instead of killing the process with the temporary in place.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkstemp replaces the six X's with a unique suffix. */
static const char tmp_suffix[] = ".tmp.XXXXXX";
/* Permissions for a new file before the umask, as fopen(path, "w") uses. */
#define NEW_FILE_MODE 0666
/* Links followed from an output's name to its file, at most: the kernel's
 * own limit within one path on Linux (40); more is taken for a loop. */
#define MAX_LINKS 40
/* Room for a link's target at the first try; readlink is asked again with
 * twice the room until the whole target fits. */
#define LINK_ROOM 256

/* Temporaries open at once: generate --format npy opens two; more than this
 * still work, they are just not removed on a signal. */
#define MAX_TEMPS 16
/* The registry the signal handler reads: a slot is set after mkstemp made
 * the file and cleared before its name is freed. */
static char *volatile open_temps[MAX_TEMPS];

static void register_temp(char *tmp)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!open_temps[i]) {
            open_temps[i] = tmp;
            return;
        }
}

static void unregister_temp(const char *tmp)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (tmp && open_temps[i] == tmp) open_temps[i] = NULL;
}

/* Runs on SIGINT/SIGTERM/SIGHUP with the default action already restored
 * (SA_RESETHAND): remove the temporaries, then die of the same signal when
 * the handler returns (the raised signal is blocked until then). */
static void remove_temps(int sig)
{
    int saved = errno;
    for (int i = 0; i < MAX_TEMPS; i++) {
        char *t = open_temps[i];
        if (t) unlink(t);
    }
    raise(sig);
    errno = saved;
}

void wlr__out_remove_temps_on_signal(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&sa.sa_mask, sigs[i]);
    sa.sa_handler = remove_temps;
    sa.sa_flags = SA_RESETHAND;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction old;
        /* A signal the shell made us ignore (nohup, background jobs) stays
         * ignored. */
        if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(sigs[i], &sa, NULL);
    }
    signal(SIGXFSZ, SIG_IGN);
}

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s, n) : NULL;
}

static void out_clear(wlr__out *o)
{
    unregister_temp(o->tmp);
    free(o->path);
    free(o->target);
    free(o->tmp);
    memset(o, 0, sizeof *o);
}

/* The mode a new file gets. umask can only be read by setting it, so it is
 * set and put straight back (a multi-threaded program creating files at this
 * very moment could see the zero mask). */
static mode_t new_file_mode(void)
{
    mode_t mask = umask(0);
    umask(mask);
    return NEW_FILE_MODE & ~mask;
}

/* The target of the link at `link`, whole (malloc'd), or NULL with errno
 * set. */
static char *read_link(const char *link)
{
    for (size_t room = LINK_ROOM;; room *= 2) {
        char *buf = malloc(room);
        if (!buf) return NULL;
        ssize_t n = readlink(link, buf, room);
        if (n >= 0 && (size_t)n < room) {
            buf[n] = '\0';
            return buf;
        }
        int e = n < 0 ? errno : ENAMETOOLONG;
        free(buf);
        if (n < 0 || room > SIZE_MAX / 4) {
            errno = e;
            return NULL;
        }
    }
}

/* The path a link's target `to` names: as it is when absolute, else relative
 * to the directory that holds the link ("d/link" -> "t" is "d/t"). */
static char *link_destination(const char *link, const char *to)
{
    const char *slash = strrchr(link, '/');
    size_t keep = to[0] != '/' && slash ? (size_t)(slash - link) + 1 : 0;
    size_t n = strlen(to);
    char *p = malloc(keep + n + 1);
    if (!p) return NULL;
    memcpy(p, link, keep);
    memcpy(p + keep, to, n + 1);
    return p;
}

wlr_status wlr__out_target(const char *path, char **target, wlr_error *err)
{
    *target = NULL;
    char *at = copy_string(path);
    if (!at) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", path);
    for (int links = 0;; links++) {
        struct stat st;
        /* not a link (or nothing there, or not reachable: the open that
         * follows says why): the chain ends here */
        if (lstat(at, &st) != 0 || !S_ISLNK(st.st_mode)) break;
        char *to = NULL, *next = NULL;
        int e = ELOOP;
        if (links < MAX_LINKS && (to = read_link(at)) == NULL) e = errno;
        if (to && (next = link_destination(at, to)) == NULL) e = ENOMEM;
        free(to);
        free(at);
        if (!next)
            return wlr__fail(err, e == ENOMEM ? WLR_ERR_NOMEM : WLR_ERR_IO,
                            "%s: cannot follow the link (%s)", path,
                            strerror(e));
        at = next;
    }
    *target = at;
    return WLR_OK;
}

/* The descriptor among standard output and standard error that is the
 * file st describes, or -1. */
static int standard_fd_of(const struct stat *st)
{
    static const int fds[] = {STDOUT_FILENO, STDERR_FILENO};
    for (size_t k = 0; k < sizeof fds / sizeof fds[0]; k++) {
        struct stat fs;
        if (fstat(fds[k], &fs) == 0 && fs.st_dev == st->st_dev &&
            fs.st_ino == st->st_ino)
            return fds[k];
    }
    return -1;
}

/* A file that exists and is not regular (a device, a pipe, a terminal) is
 * written where it is: opened without O_CREAT or O_TRUNC, so nothing is
 * created or cut. When it is standard output or error (/dev/stdout), that
 * descriptor is duplicated instead: a pipe made by another user's shell may
 * not be opened again by name, a socket never can. Sets o->f, or leaves it
 * NULL when the path has become a regular file since the caller's stat (*st
 * is then that file's). */
static wlr_status open_in_place(wlr__out *o, struct stat *st, wlr_error *err)
{
    int std = standard_fd_of(st);
    int fd = std >= 0 ? dup(std) : open(o->path, O_WRONLY | O_NOCTTY);
    if (fd < 0)
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", o->path,
                        strerror(errno));
    if (fstat(fd, st) == 0 && S_ISREG(st->st_mode)) {
        close(fd);
        return WLR_OK;
    }
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int e = errno;
        close(fd);
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", o->path,
                        strerror(e));
    }
    return WLR_OK;
}

/* The temporary beside o->target (st: the file it replaces, or NULL). */
static wlr_status open_temporary(wlr__out *o, const struct stat *st,
                                 wlr_error *err)
{
    const char *path = o->path;
    int via_link = strcmp(o->target, path) != 0;
    if (st && via_link) {
        /* the name the links end at must be the file they reach: the
         * rename replaces that name */
        struct stat at;
        if (lstat(o->target, &at) != 0 || at.st_dev != st->st_dev ||
            at.st_ino != st->st_ino)
            return wlr__fail(err, WLR_ERR_IO, "%s: its links end at %s, "
                            "which is not the file they reach; cannot replace "
                            "it", path, o->target);
    }
    size_t n = strlen(o->target);
    o->tmp = malloc(n + sizeof tmp_suffix);
    if (!o->tmp) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", path);
    memcpy(o->tmp, o->target, n);
    memcpy(o->tmp + n, tmp_suffix, sizeof tmp_suffix);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        if (via_link)
            return wlr__fail(err, WLR_ERR_IO, "%s: cannot create a temporary "
                            "file beside its link's target %s (%s)", path,
                            o->target, strerror(e));
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot create a temporary file "
                        "beside it (%s)", path, strerror(e));
    }
    register_temp(o->tmp);
    /* Best effort: if this fails the file is merely private (0600). */
    (void)fchmod(fd, st ? (st->st_mode & 07777) : new_file_mode());
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        int e = errno;
        close(fd);
        return wlr__fail(err, WLR_ERR_IO, "%s: cannot open (%s)", path,
                        strerror(e));
    }
    return WLR_OK;
}

wlr_status wlr__out_open(wlr__out *o, const char *path, wlr_error *err)
{
    memset(o, 0, sizeof *o);
    if (!path || !*path) return wlr__fail(err, WLR_ERR_ARG, "path: empty");
    o->path = copy_string(path);
    if (!o->path) return wlr__fail(err, WLR_ERR_NOMEM, "%s: out of memory", path);

    if (strcmp(path, "-") == 0) {
        o->f = stdout;
        return WLR_OK;
    }
    struct stat st;
    int exists = stat(path, &st) == 0;
    wlr_status s = WLR_OK;
    if (exists && S_ISDIR(st.st_mode))
        s = wlr__fail(err, WLR_ERR_IO, "%s: cannot write (%s)", path,
                      strerror(EISDIR));
    else if (exists && !S_ISREG(st.st_mode))
        s = open_in_place(o, &st, err);
    if (s == WLR_OK && !o->f) {
        s = wlr__out_target(path, &o->target, err);
        if (s == WLR_OK) s = open_temporary(o, exists ? &st : NULL, err);
    }
    if (s != WLR_OK) wlr__out_abort(o);
    return s;
}

wlr_status wlr__out_commit(wlr__out *o, wlr_error *err)
{
    if (!o->f) return wlr__fail(err, WLR_ERR_ARG, "o: not open");
    if (o->f == stdout) {
        int bad = fflush(stdout) != 0 || ferror(stdout);
        int e = errno;
        out_clear(o);
        if (bad)
            return wlr__fail(err, WLR_ERR_IO, "<stdout>: write error (%s)",
                            strerror(e));
        return WLR_OK;
    }
    /* Every buffered byte reaches the kernel, and the kernel's copy the
     * disk, before the new file takes the old one's name. */
    int e = 0;
    errno = 0;
    if (fflush(o->f) != 0 || ferror(o->f)) {
        e = errno;
        /* The write that failed was an earlier one and its errno is gone:
         * one more byte into the temporary, which is removed anyway, fails
         * the same way and says why (File too large, No space left). */
        if (!e && o->tmp) {
            clearerr(o->f);
            if (fputc('\n', o->f) == EOF || fflush(o->f) != 0) e = errno;
        }
        if (!e) e = EIO;
    }
    if (!e && o->tmp && fsync(fileno(o->f)) != 0) e = errno;
    if (fclose(o->f) != 0 && !e) e = errno;
    o->f = NULL;
    if (!e && o->tmp && rename(o->tmp, o->target) != 0) e = errno;
    if (e) {
        char *path = o->path;
        o->path = NULL;
        if (o->tmp) remove(o->tmp);
        out_clear(o);
        wlr_status s = wlr__fail(err, WLR_ERR_IO, "%s: cannot write (%s)",
                                path, strerror(e));
        free(path);
        return s;
    }
    out_clear(o);
    return WLR_OK;
}

void wlr__out_abort(wlr__out *o)
{
    if (o->f && o->f != stdout) fclose(o->f);
    if (o->tmp) remove(o->tmp);
    out_clear(o);
}
