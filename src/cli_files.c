/*
 * cli_files.c - never lose a user's file: every command hands its inputs
 * and outputs to cli_check_files once, before it reads or writes anything,
 * and an output that is the same file as an input (`wlr train d.csv -o
 * d.csv` would replace the data with the report) or as another output
 * (`--save ./m.txt -o m.txt` would keep only one of them) is refused, with
 * both names in the message. Also here: the output directory of --plots,
 * checked up front and made like `mkdir -p`.
 *
 * "The same file" is decided as the kernel would: two names that exist are
 * the same file when stat gives the same device and inode (this sees through
 * ./x, hard links, symbolic links and /dev/stdout redirected to a file); an
 * output that does not exist yet is compared by where it would be created:
 * the end of its chain of links (out.c writes through links), made absolute
 * with every existing directory resolved by realpath and the "." and ".."
 * of the rest taken off by hand. Devices and pipes (/dev/null) may be named
 * any number of times, and "-" is standard output, not a file.
 */
/* realpath is POSIX's X/Open part, outside _POSIX_C_SOURCE */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* What makes two names one file. */
typedef struct {
    int exists;         /* stat found it (through links) */
    int regular;        /* and it is a regular file */
    dev_t dev;
    ino_t ino;
    char *where;        /* not existing: its resolved absolute path, or NULL
                           when that cannot be worked out */
} file_id;

/* ------------------------------------------------------------ paths */

/* s + "/" + t (malloc'd), without doubling a slash s already ends with. */
static char *join(const char *s, const char *t)
{
    size_t n = strlen(s), m = strlen(t);
    int slash = n > 0 && s[n - 1] == '/';
    char *p = malloc(n + m + 2);
    if (!p) return NULL;
    memcpy(p, s, n);
    if (!slash) p[n++] = '/';
    memcpy(p + n, t, m + 1);
    return p;
}

/* path made absolute against the current directory (malloc'd). */
static char *absolute(const char *path)
{
    if (path[0] == '/') return strdup(path);
    char *cwd = getcwd(NULL, 0);
    char *p = cwd ? join(cwd, path) : NULL;
    free(cwd);
    return p;
}

/* Appends the components of rest to the canonical directory path in buf
 * (room for strlen(buf) + strlen(rest) + 2), dropping "" and "." and taking
 * ".." as the parent: none of them exist yet, so none is a link. */
static void append_components(char *buf, char *rest)
{
    char *save = NULL;
    for (char *c = strtok_r(rest, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0) continue;
        size_t n = strlen(buf);
        if (strcmp(c, "..") == 0) {
            char *slash = strrchr(buf, '/');
            if (slash == buf) buf[1] = '\0';    /* "/.." is "/" */
            else if (slash) *slash = '\0';
            continue;
        }
        if (n == 0 || buf[n - 1] != '/') buf[n++] = '/';
        strcpy(buf + n, c);
    }
}

/* Where a file that does not exist yet would be created: the end of path's
 * links, absolute, its longest existing part resolved by realpath and the
 * rest appended. malloc'd; NULL if any step fails. */
static char *where_created(const char *path)
{
    char *target = NULL;
    if (wlr__out_target(path, &target, NULL)) return NULL;
    char *full = absolute(target);
    free(target);
    size_t n = full ? strlen(full) : 0;
    char *head = full ? strdup(full) : NULL, *real = NULL, *where = NULL;
    if (head) {
        /* cut components off the end of head until what is left exists */
        size_t cut = n;
        while (!(real = realpath(cut ? head : "/", NULL)) && cut > 0) {
            while (cut > 0 && head[cut - 1] != '/') cut--;
            while (cut > 0 && head[cut - 1] == '/') cut--;
            head[cut] = '\0';
        }
        if (real && (where = malloc(strlen(real) + n + 2))) {
            strcpy(where, real);
            append_components(where, full + cut);
        }
    }
    free(real);
    free(head);
    free(full);
    return where;
}

static void id_free(file_id *id)
{
    free(id->where);
    id->where = NULL;
}

static file_id identify(const char *path)
{
    file_id id;
    memset(&id, 0, sizeof id);
    struct stat st;
    if (stat(path, &st) == 0) {
        id.exists = 1;
        id.regular = S_ISREG(st.st_mode) != 0;
        id.dev = st.st_dev;
        id.ino = st.st_ino;
    } else {
        id.where = where_created(path);
    }
    return id;
}

/* Would writing one replace the other? Only a regular file can be lost (a
 * device or pipe takes any number of writers), and a file that does not
 * exist yet can only meet another that does not either. */
static int same_file(const file_id *x, const file_id *y)
{
    if (x->exists && y->exists)
        return x->regular && y->regular && x->dev == y->dev && x->ino == y->ino;
    if (x->exists || y->exists) return 0;
    return x->where && y->where && strcmp(x->where, y->where) == 0;
}

/* ------------------------------------------------------ the outputs */

/* One output file, as named to the user: "--plots" and "pics/roc.svg". */
typedef struct {
    const char *name;
    char *path;
    file_id id;
} output;

/* "-" is standard input or output, except as a directory's name. */
static int is_file(const cli_file *f)
{
    return f->path && (f->within || strcmp(f->path, "-") != 0);
}

static void free_outputs(output *list, size_t n)
{
    for (size_t k = 0; list && k < n; k++) {
        free(list[k].path);
        id_free(&list[k].id);
    }
    free(list);
}

/* Files a directory output writes: the names in its NULL-ended list. */
static size_t count_names(const char *const *names)
{
    size_t m = 0;
    while (names[m]) m++;
    return m;
}

/* Every file the outputs write: a file output is one, a directory output
 * (--plots) one per name in its list. malloc'd, *n of them; NULL when out
 * of memory. */
static output *list_outputs(const cli_file *out, size_t n_out, size_t *n)
{
    size_t cap = 0;
    for (size_t k = 0; k < n_out; k++)
        if (is_file(&out[k])) cap += out[k].within ? count_names(out[k].within) : 1;
    output *list = calloc(cap + 1, sizeof *list);
    *n = 0;
    for (size_t k = 0; list && k < n_out; k++) {
        if (!is_file(&out[k])) continue;
        const char *const *names = out[k].within;
        size_t m = names ? count_names(names) : 1;
        for (size_t j = 0; j < m; j++) {
            output *o = &list[(*n)++];
            o->name = out[k].name;
            o->path = names ? join(out[k].path, names[j]) : strdup(out[k].path);
            if (!o->path) {
                free_outputs(list, *n);
                return NULL;
            }
            o->id = identify(o->path);
        }
    }
    return list;
}

/* A directory output (--plots DIR) must be a directory or not exist, and
 * so must every directory above it that exists: mkdir -p makes the rest (a
 * dangling link it could not make through). */
static int check_dir(const cli_file *d)
{
    char *p = strdup(d->path);
    if (!p) return cli_errorf("out of memory");
    int rc = 0;
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0') continue;
        char c = *s;
        *s = '\0';
        struct stat st;
        if (stat(p, &st) == 0 && !S_ISDIR(st.st_mode))
            rc = cli_errorf("%s: %s exists and is not a directory", d->name, p);
        else if (stat(p, &st) != 0 && lstat(p, &st) == 0 && S_ISLNK(st.st_mode))
            rc = cli_errorf("%s: %s is a symbolic link to nothing", d->name, p);
        *s = c;
        if (rc || c == '\0') break;
    }
    free(p);
    return rc;
}

int cli_check_files(const cli_file *in, size_t n_in, const cli_file *out,
                    size_t n_out)
{
    /* --save= and the like: no name is no file */
    for (size_t k = 0; k < n_in + n_out; k++) {
        const cli_file *f = k < n_in ? &in[k] : &out[k - n_in];
        if (f->path && !*f->path)
            return cli_errorf("%s: needs a %s name", f->name,
                              f->within ? "directory" : "file");
    }
    for (size_t k = 0; k < n_out; k++)
        if (is_file(&out[k]) && out[k].within && check_dir(&out[k])) return 1;
    size_t n = 0;
    output *outs = list_outputs(out, n_out, &n);
    int rc = outs ? 0 : cli_errorf("out of memory");
    /* an output over an input */
    for (size_t k = 0; rc == 0 && k < n_in; k++) {
        if (!is_file(&in[k])) continue;
        file_id id = identify(in[k].path);
        for (size_t j = 0; rc == 0 && id.exists && j < n; j++)
            if (same_file(&outs[j].id, &id))
                rc = cli_errorf("%s: %s is also %s %s (they name the same "
                                "file); give another output file",
                                outs[j].name, outs[j].path, in[k].name,
                                in[k].path);
        id_free(&id);
    }
    /* two outputs in one file */
    for (size_t j = 1; rc == 0 && j < n; j++)
        for (size_t i = 0; rc == 0 && i < j; i++)
            if (same_file(&outs[i].id, &outs[j].id))
                rc = cli_errorf("%s: %s is also %s %s (they name the same "
                                "file); give two different files",
                                outs[j].name, outs[j].path, outs[i].name,
                                outs[i].path);
    free_outputs(outs, n);
    return rc;
}

/* ---------------------------------------------------- output folders */

int cli_make_dirs(const char *option, const char *dir)
{
    if (!*dir) return cli_errorf("%s: needs a directory name", option);
    char *p = strdup(dir);
    if (!p) return cli_errorf("out of memory");
    int rc = 0;
    /* each prefix ending before a slash, then the whole: made if missing */
    for (char *s = p + 1; rc == 0; s++) {
        if (*s != '/' && *s != '\0') continue;
        char c = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0 && errno != EEXIST)
            rc = cli_errorf("%s: cannot create the directory %s (%s)", option, p,
                            strerror(errno));
        else if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
            rc = cli_errorf("%s: %s exists and is not a directory", option, p);
        *s = c;
        if (c == '\0') break;
    }
    free(p);
    return rc;
}
