/* pl_nagioslog: Nagios 4's nagios.log as a stream of events (see pl_nagioslog.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_nagioslog.h"
#include "pl_num.h"

const char *
pl_event_kind_name(enum pl_event_kind k)
{
	switch (k) {
	case PL_EV_STATE: return "state";
	case PL_EV_RESTATE: return "restate";
	case PL_EV_NOTIFY: return "notification";
	case PL_EV_ACK: return "acknowledgement";
	case PL_EV_DOWNTIME: return "downtime";
	case PL_EV_FLAPPING: return "flapping";
	}
	return "?";
}

static const char *const ntype_names[] = {
	[PL_NT_PROBLEM] = "PROBLEM", [PL_NT_RECOVERY] = "RECOVERY",
	[PL_NT_ACK] = "ACKNOWLEDGEMENT", [PL_NT_CUSTOM] = "CUSTOM",
	[PL_NT_DOWNTIMESTART] = "DOWNTIMESTART", [PL_NT_DOWNTIMEEND] = "DOWNTIMEEND",
	[PL_NT_DOWNTIMECANCELLED] = "DOWNTIMECANCELLED",
	[PL_NT_FLAPPINGSTART] = "FLAPPINGSTART", [PL_NT_FLAPPINGSTOP] = "FLAPPINGSTOP",
	[PL_NT_FLAPPINGDISABLED] = "FLAPPINGDISABLED", [PL_NT_OTHER] = "OTHER",
};

const char *
pl_notify_type_name(enum pl_notify_type t)
{
	if ((int)t < PL_NT_PROBLEM || t > PL_NT_OTHER)
		return "?";
	return ntype_names[t];
}

/* ------------------------------------------------------------------ one line */

/* Cuts s at ';' into at most max fields; the last takes the rest. Returns the count. */
static size_t
split(char *s, char **f, size_t max)
{
	size_t n = 0;

	f[n++] = s;
	while (n < max && (s = strchr(s, ';')) != NULL) {
		*s++ = '\0';
		f[n++] = s;
	}
	return n;
}

static const char *const svc_words[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
static const char *const host_words[] = { "UP", "DOWN", "UNREACHABLE" };

/* The engine's state of a word, or -1; *state the mapped one. */
static int
state_of(const char *w, bool host, int *state)
{
	if (host) {
		for (int i = 0; i < 3; i++)
			if (strcmp(w, host_words[i]) == 0) {
				*state = i == 0 ? 0 : i == 1 ? 2 : 3;
				return i;
			}
		return -1;
	}
	for (int i = 0; i < 4; i++)
		if (strcmp(w, svc_words[i]) == 0) {
			*state = i;
			return i;
		}
	return -1;
}

static bool
set_state(struct pl_event *ev, const char *w)
{
	ev->engine_state = state_of(w, ev->service == NULL, &ev->state);
	ev->state_word = w;
	return ev->engine_state >= 0;
}

/* HOST;[SERVICE;]STATE;SOFT|HARD;ATTEMPT;OUTPUT */
static int
parse_alert(char *rest, bool svc, struct pl_event *ev)
{
	char *f[6];
	size_t k = svc ? 1 : 0;
	int64_t att;

	if (split(rest, f, 5 + k) != 5 + k || f[0][0] == '\0')
		return -1;
	ev->host = f[0];
	if (svc) {
		if (f[1][0] == '\0')
			return -1;
		ev->service = f[1];
	}
	if (!set_state(ev, f[1 + k]))
		return -1;
	if (strcmp(f[2 + k], "HARD") == 0)
		ev->hard = true;
	else if (strcmp(f[2 + k], "SOFT") != 0)
		return -1;
	if (pl_parse_i64(f[3 + k], 0, 1000000, &att) != 0)
		return -1;
	ev->attempt = (int)att;
	/* Nagios writes "(null)" for a service never checked. */
	ev->output = strcmp(f[4 + k], "(null)") == 0 ? "" : f[4 + k];
	return 1;
}

static const struct {
	const char *word;
	enum pl_notify_type t;
} ntypes[] = {
	{ "ACKNOWLEDGEMENT", PL_NT_ACK }, { "CUSTOM", PL_NT_CUSTOM },
	{ "DOWNTIMESTART", PL_NT_DOWNTIMESTART }, { "DOWNTIMEEND", PL_NT_DOWNTIMEEND },
	{ "DOWNTIMECANCELLED", PL_NT_DOWNTIMECANCELLED },
	{ "FLAPPINGSTART", PL_NT_FLAPPINGSTART }, { "FLAPPINGSTOP", PL_NT_FLAPPINGSTOP },
	{ "FLAPPINGDISABLED", PL_NT_FLAPPINGDISABLED },
};

/* "CRITICAL", "OK", "ACKNOWLEDGEMENT (CRITICAL)", ... */
static bool
notify_type(char *t, struct pl_event *ev)
{
	char *sp = strchr(t, ' ');
	size_t n;

	if (sp == NULL) {
		if (!set_state(ev, t))
			return false;
		ev->ntype = ev->state == 0 ? PL_NT_RECOVERY : PL_NT_PROBLEM;
		return true;
	}
	*sp = '\0';
	ev->ntype = PL_NT_OTHER;
	for (size_t i = 0; i < sizeof(ntypes) / sizeof(ntypes[0]); i++)
		if (strcmp(t, ntypes[i].word) == 0)
			ev->ntype = ntypes[i].t;
	n = strlen(sp + 1);
	if (n < 3 || sp[1] != '(' || sp[n] != ')')
		return false;
	sp[n] = '\0';
	return set_state(ev, sp + 2);
}

/* CONTACT;HOST;[SERVICE;]TYPE;COMMAND;OUTPUT[;AUTHOR;COMMENT] */
static int
parse_notification(char *rest, bool svc, struct pl_event *ev)
{
	char *f[6], *a[3];
	size_t k = svc ? 1 : 0;

	if (split(rest, f, 5 + k) != 5 + k || f[0][0] == '\0' || f[1][0] == '\0')
		return -1;
	ev->kind = PL_EV_NOTIFY;
	ev->contact = f[0];
	ev->host = f[1];
	if (svc) {
		if (f[2][0] == '\0')
			return -1;
		ev->service = f[2];
	}
	if (!notify_type(f[2 + k], ev))
		return -1;
	ev->command = f[3 + k];
	ev->output = f[4 + k];
	if (ev->ntype == PL_NT_ACK || ev->ntype == PL_NT_CUSTOM) {
		size_t m = split(f[4 + k], a, 3);

		ev->output = a[0];
		if (m > 1)
			ev->author = a[1];
		if (m > 2)
			ev->comment = a[2];
	}
	return 1;
}

/* ACKNOWLEDGE_SVC_PROBLEM;HOST;SERVICE;STICKY;NOTIFY;PERSISTENT;AUTHOR;COMMENT */
static int
parse_command(char *rest, struct pl_event *ev)
{
	char *f[8];
	bool svc;
	size_t k, n;

	if (strncmp(rest, "ACKNOWLEDGE_SVC_PROBLEM;", 24) == 0)
		svc = true;
	else if (strncmp(rest, "ACKNOWLEDGE_HOST_PROBLEM;", 25) == 0)
		svc = false;
	else
		return 0;
	k = svc ? 1 : 0;
	n = split(rest, f, 7 + k);
	if (n != 7 + k || f[1][0] == '\0' || (svc && f[2][0] == '\0'))
		return -1;
	ev->kind = PL_EV_ACK;
	ev->host = f[1];
	ev->service = svc ? f[2] : NULL;
	ev->author = f[5 + k];
	ev->comment = f[6 + k];
	return 1;
}

/* HOST;[SERVICE;]STARTED|STOPPED|CANCELLED|DISABLED; TEXT */
static int
parse_phase(char *rest, bool svc, enum pl_event_kind kind, struct pl_event *ev)
{
	char *f[4];
	size_t k = svc ? 1 : 0, n;
	const char *p;

	n = split(rest, f, 3 + k);
	if (n < 2 + k || f[0][0] == '\0' || (svc && f[1][0] == '\0'))
		return -1;
	ev->kind = kind;
	ev->host = f[0];
	ev->service = svc ? f[1] : NULL;
	p = f[1 + k];
	if (strcmp(p, "STARTED") == 0)
		ev->phase = PL_PH_START;
	else if (strcmp(p, "STOPPED") == 0)
		ev->phase = PL_PH_STOP;
	else if (strcmp(p, kind == PL_EV_DOWNTIME ? "CANCELLED" : "DISABLED") == 0)
		ev->phase = PL_PH_CANCEL;
	else
		return -1;
	if (n == 3 + k)
		ev->comment = f[2 + k][0] == ' ' ? f[2 + k] + 1 : f[2 + k];
	return 1;
}

static const struct {
	const char *tag;
	int what;           /* 0 alert, 1 restate, 2 notification, 3 command, 4 downtime, 5 flap */
	bool svc;
} tags[] = {
	{ "SERVICE ALERT: ", 0, true }, { "HOST ALERT: ", 0, false },
	{ "CURRENT SERVICE STATE: ", 1, true }, { "CURRENT HOST STATE: ", 1, false },
	{ "INITIAL SERVICE STATE: ", 1, true }, { "INITIAL HOST STATE: ", 1, false },
	{ "SERVICE NOTIFICATION: ", 2, true }, { "HOST NOTIFICATION: ", 2, false },
	{ "EXTERNAL COMMAND: ", 3, false },
	{ "SERVICE DOWNTIME ALERT: ", 4, true }, { "HOST DOWNTIME ALERT: ", 4, false },
	{ "SERVICE FLAPPING ALERT: ", 5, true }, { "HOST FLAPPING ALERT: ", 5, false },
};

int
pl_nl_parse_line(char *s, size_t len, struct pl_event *ev)
{
	const char *p = s + 1, *end = s + len;
	uint64_t t;
	char *rest;

	memset(ev, 0, sizeof(*ev));
	ev->host = ev->state_word = ev->output = ev->contact = ev->command = "";
	ev->author = ev->comment = "";
	ev->state = ev->engine_state = -1;
	s[len] = '\0';
	if (len == 0)
		return 0;
	if (len < 4 || s[0] != '[' || pl_scan_u64(&p, end, &t) != 0 || p + 1 >= end ||
	    p[0] != ']' || p[1] != ' ' || t > PL_NL_TIME_MAX)
		return -1;
	if (memchr(s, '\0', len) != NULL)
		return -1;
	ev->time = (int64_t)t;
	rest = s + (p + 2 - s);
	for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]); i++) {
		size_t n = strlen(tags[i].tag);

		if (strncmp(rest, tags[i].tag, n) != 0)
			continue;
		rest += n;
		switch (tags[i].what) {
		case 0:
		case 1:
			ev->kind = tags[i].what == 0 ? PL_EV_STATE : PL_EV_RESTATE;
			return parse_alert(rest, tags[i].svc, ev);
		case 2:
			return parse_notification(rest, tags[i].svc, ev);
		case 3:
			return parse_command(rest, ev);
		case 4:
			return parse_phase(rest, tags[i].svc, PL_EV_DOWNTIME, ev);
		default:
			return parse_phase(rest, tags[i].svc, PL_EV_FLAPPING, ev);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ the stream */

int
pl_nl_init(struct pl_nl *nl, pl_event_cb cb, void *arg, struct pl_nl_counts *counts,
	   char *err, size_t errlen)
{
	memset(nl, 0, sizeof(*nl));
	nl->cb = cb;
	nl->arg = arg;
	nl->counts = counts;
	nl->line = malloc(PL_NL_LINE_MAX + 1);
	if (nl->line == NULL) {
		pl_snprintf(err, errlen, _("nagios.log: out of memory"));
		return -1;
	}
	return 0;
}

void
pl_nl_free(struct pl_nl *nl)
{
	free(nl->line);
	nl->line = NULL;
}

static int
take_line(struct pl_nl *nl)
{
	struct pl_nl_counts *c = nl->counts;
	struct pl_event ev;
	int rc;

	c->lines++;
	if (nl->overlong)
		c->long_lines++;
	rc = pl_nl_parse_line(nl->line, nl->linelen, &ev);
	nl->linelen = 0;
	nl->overlong = 0;
	if (rc < 0) {
		c->malformed++;
		return 0;
	}
	if (nl->line[0] == '[') {
		if (c->first == 0)
			c->first = ev.time;
		c->last = ev.time;
	}
	if (rc == 0) {
		c->ignored++;
		return 0;
	}
	c->events++;
	return nl->cb(&ev, nl->arg);
}

int
pl_nl_feed(struct pl_nl *nl, const char *data, size_t len)
{
	while (len > 0 && nl->stop == 0) {
		const char *nlp = memchr(data, '\n', len);
		size_t n = nlp != NULL ? (size_t)(nlp - data) : len;
		size_t room = PL_NL_LINE_MAX - nl->linelen;

		if (n > room) {
			nl->overlong = 1;
			memcpy(nl->line + nl->linelen, data, room);
			nl->linelen += room;
		} else {
			memcpy(nl->line + nl->linelen, data, n);
			nl->linelen += n;
		}
		if (nlp == NULL)
			break;
		nl->stop = take_line(nl);
		data += n + 1;
		len -= n + 1;
	}
	return nl->stop;
}

int
pl_nl_finish(struct pl_nl *nl)
{
	if (nl->stop == 0 && (nl->linelen > 0 || nl->overlong))
		nl->stop = take_line(nl);
	return nl->stop;
}

/* ------------------------------------------------------------------ files */

/* The time of the first timed line in the file's first 64 KiB; -1 when none. */
static int64_t
first_time(int fd)
{
	char buf[65536];
	ssize_t n;
	const char *p, *end;

	do
		n = pread(fd, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	end = buf + n;
	for (p = buf; p < end;) {
		const char *q = p + 1;
		uint64_t t;

		if (p[0] == '[' && pl_scan_u64(&q, end, &t) == 0 && q < end && *q == ']')
			return (int64_t)(t > PL_NL_TIME_MAX ? PL_NL_TIME_MAX : t);
		p = memchr(p, '\n', (size_t)(end - p));
		if (p == NULL)
			break;
		p++;
	}
	return -1;
}

struct nl_file {
	int fd;
	int64_t first;
	size_t pos;
};

static int
file_cmp(const void *a, const void *b)
{
	const struct nl_file *x = a, *y = b;

	if ((x->first < 0) != (y->first < 0))
		return x->first < 0 ? 1 : -1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int
read_fd(struct pl_nl *nl, int fd, const char *path, char *err, size_t errlen)
{
	char buf[65536];
	int rc = 0;

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_snprintf(err, errlen, _("cannot read %s: %s"), path, strerror(errno));
			return -1;
		}
		if (n == 0)
			break;
		if ((rc = pl_nl_feed(nl, buf, (size_t)n)) != 0)
			return rc;
	}
	return pl_nl_finish(nl);
}

int
pl_nl_read_files(const char *const *paths, size_t n, pl_event_cb cb, void *arg,
		 struct pl_nl_counts *counts, char *err, size_t errlen)
{
	struct nl_file *f = calloc(n > 0 ? n : 1, sizeof(*f));
	struct pl_nl nl;
	size_t opened = 0;
	int rc = 0;

	memset(counts, 0, sizeof(*counts));
	if (f == NULL) {
		pl_snprintf(err, errlen, _("nagios.log: out of memory"));
		return -1;
	}
	for (; opened < n; opened++) {
		f[opened].fd = open(paths[opened], O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (f[opened].fd < 0) {
			pl_snprintf(err, errlen, _("cannot open %s: %s"), paths[opened],
				    strerror(errno));
			rc = -1;
			goto end;
		}
		f[opened].first = first_time(f[opened].fd);
		f[opened].pos = opened;
	}
	qsort(f, n, sizeof(*f), file_cmp);
	if (pl_nl_init(&nl, cb, arg, counts, err, errlen) != 0) {
		rc = -1;
		goto end;
	}
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = read_fd(&nl, f[i].fd, paths[f[i].pos], err, errlen);
	pl_nl_free(&nl);
end:
	for (size_t i = 0; i < opened; i++)
		close(f[i].fd);
	free(f);
	return rc;
}
