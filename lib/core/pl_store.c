#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_num.h"
#include "pl_store.h"
#include "pl_text.h"

#define MAGIC "plumbline-state"

void
pl_store_init(struct pl_store *st, const char *plugin, const char *key)
{
	memset(st, 0, sizeof(*st));
	pl_strlcpy(st->plugin, plugin, sizeof(st->plugin));
	pl_strlcpy(st->key, key, sizeof(st->key));
}

void
pl_store_clear(struct pl_store *st)
{
	for (size_t i = 0; i < st->n; i++) {
		free(st->v[i].name);
		free(st->v[i].value);
	}
	st->n = 0;
}

void
pl_store_free(struct pl_store *st)
{
	pl_store_clear(st);
	free(st->v);
	st->v = NULL;
	st->cap = 0;
}

static bool
valid_text(const char *s, bool is_name)
{
	if (*s == '\0' && is_name)
		return false;
	for (; *s; s++)
		if (*s == '\n' || *s == '\r' ||
		    (is_name && (*s == ' ' || *s == '\t')))
			return false;
	return true;
}

int
pl_store_set(struct pl_store *st, const char *name, const char *value)
{
	char *n, *v;

	if (!valid_text(name, true) || !valid_text(value, false))
		return -1;
	for (size_t i = 0; i < st->n; i++) {
		if (strcmp(st->v[i].name, name) == 0) {
			v = strdup(value);
			if (v == NULL)
				return -1;
			free(st->v[i].value);
			st->v[i].value = v;
			return 0;
		}
	}
	if (st->n >= PL_STORE_MAX_ENTRIES)
		return -1;
	if (st->n == st->cap) {
		size_t ncap = st->cap ? st->cap * 2 : 32;
		struct pl_store_entry *e = realloc(st->v, ncap * sizeof(*e));

		if (e == NULL)
			return -1;
		st->v = e;
		st->cap = ncap;
	}
	n = strdup(name);
	v = strdup(value);
	if (n == NULL || v == NULL) {
		free(n);
		free(v);
		return -1;
	}
	st->v[st->n].name = n;
	st->v[st->n].value = v;
	st->n++;
	return 0;
}

int
pl_store_set_u64(struct pl_store *st, const char *name, uint64_t v)
{
	char num[32];

	pl_snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	return pl_store_set(st, name, num);
}

const char *
pl_store_get(const struct pl_store *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->v[i].name, name) == 0)
			return st->v[i].value;
	return NULL;
}

int
pl_store_get_u64(const struct pl_store *st, const char *name, uint64_t *out)
{
	const char *v = pl_store_get(st, name);

	if (v == NULL)
		return -1;
	return pl_parse_u64(v, UINT64_MAX, out);
}

/* The next whole line [*ls, *le), or false at the end of the text. Every line of ours
 * ends in a newline: a line without one is the end of a cut file, not a line to read. */
static bool
next_line(struct pl_lines *it, const char **ls, const char **le)
{
	bool cut;

	return pl_lines_next(it, ls, le, &cut) && !cut;
}

static int
header(struct pl_lines *it, const char *word, char *out, size_t outlen)
{
	const char *ls, *le;
	size_t n, wl = strlen(word);

	if (!next_line(it, &ls, &le))
		return -1;
	n = (size_t)(le - ls);
	if (n < wl + 1 || memcmp(ls, word, wl) != 0 || ls[wl] != ' ')
		return -1;
	if (n - wl - 1 >= outlen)
		return -1;
	memcpy(out, ls + wl + 1, n - wl - 1);
	out[n - wl - 1] = '\0';
	return 0;
}

static int store_parse(const char *buf, size_t len, struct pl_store *st, char *err,
		       size_t errlen);

/* Parses into st; on failure st is left empty (no values, no time, no boot id), so that
 * nothing of a rejected file can be saved back. */
int
pl_store_parse(const char *buf, size_t len, struct pl_store *st, char *err, size_t errlen)
{
	if (store_parse(buf, len, st, err, errlen) == 0)
		return 0;
	pl_store_clear(st);
	st->time = st->prev_time = 0;
	st->boot_id[0] = '\0';
	return -1;
}

static int
store_parse(const char *buf, size_t len, struct pl_store *st, char *err, size_t errlen)
{
	struct pl_lines it;
	const char *ls, *le;
	char word[128];
	bool ended = false;

	pl_store_clear(st);
	if (memchr(buf, '\0', len) != NULL) {
		pl_snprintf(err, errlen, "state file holds a NUL byte");
		return -1;
	}
	pl_lines_init(&it, buf, len);
	if (header(&it, MAGIC, word, sizeof(word)) != 0) {
		pl_snprintf(err, errlen, "not a Plumbline state file");
		return -1;
	}
	{
		uint64_t ver;

		if (pl_parse_u64(word, 1000, &ver) != 0 || ver != PL_STORE_VERSION) {
			pl_snprintf(err, errlen, "state format version '%s', expected %d", word,
				    PL_STORE_VERSION);
			return -1;
		}
	}
	if (header(&it, "plugin", word, sizeof(word)) != 0 || strcmp(word, st->plugin) != 0) {
		pl_snprintf(err, errlen, "state file belongs to another plugin");
		return -1;
	}
	if (header(&it, "key", word, sizeof(word)) != 0 || strcmp(word, st->key) != 0) {
		pl_snprintf(err, errlen, "state file belongs to another key");
		return -1;
	}
	if (header(&it, "boot_id", st->boot_id, sizeof(st->boot_id)) != 0) {
		pl_snprintf(err, errlen, "state file has no boot_id line");
		return -1;
	}
	if (header(&it, "time", word, sizeof(word)) != 0 ||
	    pl_parse_double(word, &st->time) != 0 || st->time < 0 || st->time > 1e12) {
		pl_snprintf(err, errlen, "state file has no valid time line");
		return -1;
	}
	if (header(&it, "prev_time", word, sizeof(word)) != 0 ||
	    pl_parse_double(word, &st->prev_time) != 0 || st->prev_time < 0 ||
	    st->prev_time > 1e12) {
		pl_snprintf(err, errlen, "state file has no valid prev_time line");
		return -1;
	}
	while (next_line(&it, &ls, &le)) {
		const char *sp;
		char *name, *value;
		size_t n = (size_t)(le - ls);

		if (n == 3 && memcmp(ls, "end", 3) == 0) {
			ended = true;
			break;
		}
		if (n < 3 || ls[0] != 'v' || ls[1] != ' ' ||
		    (sp = memchr(ls + 2, ' ', n - 2)) == NULL || sp == ls + 2) {
			pl_snprintf(err, errlen, "state file has a malformed line");
			pl_store_clear(st);
			return -1;
		}
		name = strndup(ls + 2, (size_t)(sp - ls - 2));
		value = strndup(sp + 1, (size_t)(le - sp - 1));
		if (name == NULL || value == NULL || pl_store_set(st, name, value) != 0) {
			free(name);
			free(value);
			pl_snprintf(err, errlen, "state file has too many or invalid values");
			pl_store_clear(st);
			return -1;
		}
		free(name);
		free(value);
	}
	if (!ended || it.p != it.end) {
		pl_snprintf(err, errlen, "state file is truncated or has data after its end");
		pl_store_clear(st);
		return -1;
	}
	return 0;
}

void
pl_store_format(const struct pl_store *st, struct pl_buf *out)
{
	char t[64];

	char t2[64];

	pl_buf_printf(out, MAGIC " %d\nplugin %s\nkey %s\nboot_id %s\ntime %s\nprev_time %s\n",
		      PL_STORE_VERSION, st->plugin, st->key, st->boot_id,
		      pl_fmt_num(t, sizeof(t), st->time, 3),
		      pl_fmt_num(t2, sizeof(t2), st->prev_time, 3));
	for (size_t i = 0; i < st->n; i++)
		pl_buf_printf(out, "v %s %s\n", st->v[i].name, st->v[i].value);
	pl_buf_puts(out, "end\n");
}

const char *
pl_store_pick(const struct pl_store *st, double now, double min_window, double *then)
{
	if (now - st->time < min_window && st->prev_time > 0 && st->prev_time < st->time) {
		*then = st->prev_time;
		return PL_STORE_PREV;
	}
	*then = st->time;
	return "";
}

int
pl_store_rotate(struct pl_store *st, double now)
{
	size_t k = 0;
	size_t plen = strlen(PL_STORE_PREV);

	/* Drop the old previous generation, then rename the newest into its place. */
	for (size_t i = 0; i < st->n; i++) {
		if (strncmp(st->v[i].name, PL_STORE_PREV, plen) == 0) {
			free(st->v[i].name);
			free(st->v[i].value);
			continue;
		}
		st->v[k++] = st->v[i];
	}
	st->n = k;
	for (size_t i = 0; i < st->n; i++) {
		size_t len = strlen(st->v[i].name) + plen + 1;
		char *nn = malloc(len);

		if (nn == NULL)
			return -1;
		pl_snprintf(nn, len, "%s%s", PL_STORE_PREV, st->v[i].name);
		free(st->v[i].name);
		st->v[i].name = nn;
	}
	st->prev_time = st->time;
	st->time = now;
	return 0;
}

const char *
pl_store_get_gen(const struct pl_store *st, const char *gen, const char *name)
{
	char full[256];

	if (gen[0] == '\0')
		return pl_store_get(st, name);
	pl_snprintf(full, sizeof(full), "%s%s", gen, name);
	return pl_store_get(st, full);
}

void
pl_store_key_hash(const char *text, size_t len, char *out, size_t outlen)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)text[i];
		h *= 0x100000001b3ULL;
	}
	pl_snprintf(out, outlen, "%016llx", (unsigned long long)h);
}

/* Makes (if need be) and opens path as a private state directory. */
static int
open_private_dir(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		pl_snprintf(err, errlen, "cannot create state directory %s: %s (set --state-dir)",
			    path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		pl_snprintf(err, errlen, "cannot open state directory %s: %s%s", path,
			    strerror(errno),
			    errno == ELOOP || errno == ENOTDIR ? " (it must be a real directory, not a symlink)" : "");
		return -1;
	}
	if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
		pl_snprintf(err, errlen,
			    "state directory %s must belong to uid %lu and not be writable by others (chown/chmod 700 it, or set --state-dir)",
			    path, (unsigned long)geteuid());
		close(fd);
		return -1;
	}
	return fd;
}

int
pl_store_dir_open(const char *dir, char *path, size_t pathlen, char *err, size_t errlen)
{
	const struct passwd *pw;
	char first[1024];
	int fd;

	if (dir == NULL || dir[0] == '\0')
		dir = getenv("PLUMBLINE_STATE_DIR");
	if (dir != NULL && dir[0] != '\0') {
		pl_strlcpy(path, dir, pathlen);
		return open_private_dir(path, err, errlen);
	}
	pl_snprintf(path, pathlen, "%s/plumbline-%lu", PL_STATE_ROOT, (unsigned long)geteuid());
	fd = open_private_dir(path, err, errlen);
	if (fd >= 0)
		return fd;
	/* Another local user can make the shared default first (or a cleaner can remove
	 * it and someone else take its name): the user's own home cannot be taken so. */
	pw = getpwuid(geteuid());
	if (pw == NULL || pw->pw_dir == NULL || pw->pw_dir[0] != '/')
		return -1;
	pl_strlcpy(first, err, sizeof(first));
	pl_snprintf(path, pathlen, "%s/.cache", pw->pw_dir);
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		pl_snprintf(err, errlen, "%s", first);
		return -1;
	}
	pl_snprintf(path, pathlen, "%s/.cache/plumbline", pw->pw_dir);
	fd = open_private_dir(path, err, errlen);
	if (fd < 0)
		pl_snprintf(err, errlen, "%s", first);
	return fd;
}

static void
file_name(const struct pl_store *st, char *out, size_t len)
{
	pl_snprintf(out, len, "%s-%s.state", st->plugin, st->key);
}

enum pl_store_status
pl_store_load(int dirfd, struct pl_store *st, const char *boot_id, char *why, size_t whylen)
{
	char name[200], chunk[8192];
	struct pl_buf b;
	struct stat sb;
	enum pl_store_status rc = PL_STORE_CORRUPT;
	int fd;

	pl_store_clear(st);
	file_name(st, name, sizeof(name));
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT) {
			pl_snprintf(why, whylen, "no state yet");
			return PL_STORE_MISSING;
		}
		pl_snprintf(why, whylen, "state file %s not used: %s%s", name, strerror(errno),
			    errno == ELOOP ? " (a symlink; it will be replaced)" : "");
		return PL_STORE_CORRUPT;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid()) {
		pl_snprintf(why, whylen, "state file %s is not a regular file of ours", name);
		close(fd);
		return PL_STORE_CORRUPT;
	}
	pl_buf_init(&b, PL_STORE_FILE_CAP);
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (pl_buf_add(&b, chunk, (size_t)n) != 0)
			break;
	}
	close(fd);
	if (b.truncated || b.oom) {
		pl_snprintf(why, whylen, "state file %s is too large", name);
		goto end;
	}
	if (pl_store_parse(pl_buf_str(&b), b.len, st, why, whylen) != 0)
		goto end;
	if (strcmp(boot_id, st->boot_id) != 0) {
		pl_snprintf(why, whylen, "state is from before the last boot");
		pl_store_clear(st);
		rc = PL_STORE_REBOOTED;
		goto end;
	}
	rc = PL_STORE_LOADED;
end:
	pl_buf_free(&b);
	return rc;
}

/* A run stopped by its deadline between writing its temporary file and renaming it
 * leaves the file behind. Each save removes this state's temporaries that are more than
 * a minute old (a younger one may belong to a run still going). */
static void
remove_stale_temps(int dirfd, const char *name)
{
	char prefix[256];
	struct dirent *de;
	size_t plen;
	time_t now = time(NULL);
	int fd = dup(dirfd);
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	plen = (size_t)pl_snprintf(prefix, sizeof(prefix), ".%s.", name);
	while ((de = readdir(d)) != NULL) {
		struct stat sb;
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, prefix, plen) != 0 || n < 4 ||
		    strcmp(de->d_name + n - 4, ".tmp") != 0)
			continue;
		if (fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(sb.st_mode) && now - sb.st_mtime > 60)
			unlinkat(dirfd, de->d_name, 0);
	}
	closedir(d);
}

int
pl_store_save(int dirfd, const struct pl_store *st, char *err, size_t errlen)
{
	char name[200], tmp[256];
	struct pl_buf b;
	struct timespec ts;
	const char *p;
	size_t left;
	int fd, rc = -1;

	file_name(st, name, sizeof(name));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	pl_snprintf(tmp, sizeof(tmp), ".%s.%ld.%ld.tmp", name, (long)getpid(), (long)ts.tv_nsec);
	pl_buf_init(&b, PL_STORE_FILE_CAP);
	pl_store_format(st, &b);
	if (b.truncated || b.oom) {
		pl_snprintf(err, errlen, "state too large to save");
		goto end;
	}
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		pl_snprintf(err, errlen, "cannot write state file: %s", strerror(errno));
		goto end;
	}
	for (p = b.data, left = b.len; left > 0;) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			pl_snprintf(err, errlen, "cannot write state file: %s",
				    n < 0 ? strerror(errno) : "short write");
			close(fd);
			unlinkat(dirfd, tmp, 0);
			goto end;
		}
		p += n;
		left -= (size_t)n;
	}
	if (close(fd) != 0 || renameat(dirfd, tmp, dirfd, name) != 0) {
		pl_snprintf(err, errlen, "cannot replace state file %s: %s", name, strerror(errno));
		unlinkat(dirfd, tmp, 0);
		goto end;
	}
	remove_stale_temps(dirfd, name);
	rc = 0;
end:
	pl_buf_free(&b);
	return rc;
}
