/* pl_inspect_file: a report's items in a file of their own (see pl_inspect_file.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_inspect.h"
#include "pl_inspect_file.h"
#include "pl_num.h"
#include "pl_text.h"

#define HEADER "plumbline-inspect items 1\n"

/* One item a line: its stored form, a newline inside as 0x1e (a 0x1e of the data, a
 * control byte the renderers never show as it is, as a blank). */
static int
put_item(FILE *f, const struct pl_insp_item *it, struct pl_buf *b)
{
	pl_buf_reset(b);
	pl_insp_item_format(it, b);
	for (size_t i = 0; i < b->len; i++) {
		if (b->data[i] == '\x1e')
			b->data[i] = ' ';
		else if (b->data[i] == '\n')
			b->data[i] = '\x1e';
	}
	return fwrite(b->data, 1, b->len, f) == b->len && fputc('\n', f) != EOF ? 0 : -1;
}

int
pl_insp_file_save(int dirfd, const char *name, const struct pl_insp_report *r, char *err,
		  size_t errlen)
{
	char tmp[300];
	struct pl_buf b = PL_BUF_INIT;
	FILE *f = NULL;
	int fd, rc = -1;

	pl_buf_init(&b, (size_t)1 << 20);
	pl_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", name, (long)getpid());
	(void)unlinkat(dirfd, tmp, 0);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		pl_snprintf(err, errlen, _("cannot write %s in the state directory: %s"), tmp,
			    strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (fputs(HEADER, f) == EOF)
		goto fail;
	for (size_t i = 0; i < r->n; i++)
		if (put_item(f, &r->v[i], &b) != 0)
			goto fail;
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		goto fail;
	if (fclose(f) != 0) {
		f = NULL;
		goto fail;
	}
	f = NULL;
	if (renameat(dirfd, tmp, dirfd, name) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	pl_snprintf(err, errlen, _("cannot write %s in the state directory: %s"), name,
		    strerror(errno));
	if (f != NULL)
		fclose(f);
	(void)unlinkat(dirfd, tmp, 0);
out:
	pl_buf_free(&b);
	return rc;
}

/* Calls fn(line, ctx) for each item line of the file (0x1e turned back into newlines).
 * Returns 0, 1 when there is no such file, or -1 with err. */
static int
each_line(int dirfd, const char *name, int (*fn)(char *line, void *ctx), void *ctx,
	  char *err, size_t errlen)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	FILE *f;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	int rc = 0;

	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		pl_snprintf(err, errlen, _("cannot read %s in the state directory: %s"), name,
			    strerror(errno));
		return -1;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		close(fd);
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	while (rc == 0 && (n = getline(&line, &cap, f)) > 0) {
		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = '\0';
		if (lineno == 1) {
			if (strcmp(line, "plumbline-inspect items 1") != 0) {
				pl_snprintf(err, errlen, _("%s in the state directory is no item file "
					    "of plumbline-inspect (remove it)"), name);
				rc = -1;
			}
			continue;
		}
		for (char *p = line; *p != '\0'; p++)
			if (*p == '\x1e')
				*p = '\n';
		if (fn(line, ctx) != 0) {
			pl_snprintf(err, errlen, _("%s in the state directory is damaged at line %zu "
				    "(remove it: the next report starts its history anew)"), name,
				    lineno);
			rc = -1;
		}
	}
	free(line);
	fclose(f);
	return rc;
}

static int
load_one(char *line, void *ctx)
{
	return pl_insp_item_parse(ctx, line);
}

int
pl_insp_file_load(int dirfd, const char *name, struct pl_insp_report *r, char *err,
		  size_t errlen)
{
	int rc = each_line(dirfd, name, load_one, r, err, errlen);

	if (rc == 1)
		pl_snprintf(err, errlen, _("no %s in the state directory"), name);
	return rc == 0 ? 0 : -1;
}

static int
prev_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* From a stored item, "host/name\0STATES LASTCHANGE": its key and its history text. */
static int
prev_one(char *line, void *ctx)
{
	struct pl_insp_prev *p = ctx;
	struct pl_insp_report one;
	char key[600], hist[64];
	size_t kl, hl;
	char *e;
	int rc = -1;

	pl_insp_init(&one, "", "", 0);
	if (pl_insp_item_parse(&one, line) != 0 || one.n != 1)
		goto out;
	pl_insp_hist_key(&one.v[0], key, sizeof(key));
	pl_insp_hist_format(&one.v[0], hist, sizeof(hist));
	kl = strlen(key);
	hl = strlen(hist);
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 1024;
		char **nv = realloc(p->v, nc * sizeof(*nv));

		if (nv == NULL)
			goto out;
		p->v = nv;
		p->cap = nc;
	}
	if ((e = malloc(kl + hl + 2)) == NULL)
		goto out;
	memcpy(e, key, kl + 1);
	memcpy(e + kl + 1, hist, hl + 1);
	p->v[p->n++] = e;
	rc = 0;
out:
	pl_insp_free(&one);
	return rc;
}

int
pl_insp_prev_load(int dirfd, const char *name, struct pl_insp_prev *p, char *err,
		  size_t errlen)
{
	int rc;

	memset(p, 0, sizeof(*p));
	rc = each_line(dirfd, name, prev_one, p, err, errlen);
	if (rc < 0)
		return -1;
	if (p->n > 1)
		qsort(p->v, p->n, sizeof(p->v[0]), prev_cmp);
	p->seen = calloc(p->n ? p->n : 1, 1);
	if (p->seen == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	return 0;
}

const char *
pl_insp_prev_get(void *ctx, const char *key)
{
	struct pl_insp_prev *p = ctx;
	size_t lo = 0, hi = p->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(key, p->v[mid]);

		if (c == 0) {
			p->seen[mid] = 1;
			return p->v[mid] + strlen(p->v[mid]) + 1;
		}
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

size_t
pl_insp_prev_unseen(const struct pl_insp_prev *p)
{
	size_t k = 0;

	for (size_t i = 0; i < p->n; i++)
		k += p->seen[i] == 0;
	return k;
}

void
pl_insp_prev_free(struct pl_insp_prev *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i]);
	free(p->v);
	free(p->seen);
	memset(p, 0, sizeof(*p));
}
