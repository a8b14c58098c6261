#include "config.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_text.h"
#include "pl_timeout.h"

/* What the handler prints, prepared before the timer can fire: the rendered result of a
 * timeout, cut where the waiting text goes (once on the status line; twice in JSON, in
 * "status" and in the finding). The handler writes seg[0], the escaped waiting text,
 * seg[1], ... from these static buffers only. */
#define WAIT_MARK "{{pl-timeout-waiting}}"
#define MAX_SEGS 8

static char prepared[8192];
static size_t seg_off[MAX_SEGS], seg_len[MAX_SEGS];
static volatile size_t nsegs;
/* The waiting text, escaped by the handler; capped so that the status line stays short. */
static char escaped[300];

static double arm_seconds;
static enum pl_state arm_state = PL_UNKNOWN;
static const char *arm_service = "PLUGIN";
static enum pl_format out_format = PL_FMT_NAGIOS;
static const char *out_plugin = "";
static bool prepared_once;

static const char *volatile waiting = "starting";
static volatile int expire_state = PL_UNKNOWN;

size_t
pl_timeout_escape(enum pl_format fmt, const char *s, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t n = 0;

	if (size == 0)
		return 0;
	while (*p != '\0') {
		char e[8];
		size_t k = 0, adv = 1;

		if (pl_one_line_char((char)*p) != (char)*p) {
			e[k++] = pl_one_line_char((char)*p);   /* as every text of a result */
		} else if (*p == '\t' && fmt != PL_FMT_JSON) {
			e[k++] = ' ';
		} else if (fmt == PL_FMT_JSON && (*p == '"' || *p == '\\' || *p == '\t')) {
			e[k++] = '\\';
			e[k++] = *p == '\t' ? 't' : (char)*p;
		} else if (fmt == PL_FMT_JSON && *p < 0x20) {
			e[k++] = '\\';
			e[k++] = 'u';
			e[k++] = '0';
			e[k++] = '0';
			e[k++] = hex[*p >> 4];
			e[k++] = hex[*p & 0xf];
		} else if (fmt != PL_FMT_JSON && (*p < 0x20 || *p == 0x7f)) {
			e[k++] = '?';
		} else if (*p >= 0x80) {
			adv = pl_utf8_len(p);
			if (adv == 0) {
				/* Not UTF-8, which JSON needs: U+FFFD, as pl_json_string does. */
				e[k++] = '\xef';
				e[k++] = '\xbf';
				e[k++] = '\xbd';
				adv = 1;
			} else {
				for (size_t i = 0; i < adv; i++)
					e[k++] = (char)p[i];
			}
		} else {
			e[k++] = (char)*p;
		}
		/* Room is kept for "..." and the NUL, so that a text cut here ends on a
		 * whole character and says it was cut. */
		if (n + k + 4 > size) {
			for (const char *d = "..."; *d && n + 1 < size; d++)
				out[n++] = *d;
			break;
		}
		for (size_t i = 0; i < k; i++)
			out[n++] = e[i];
		p += adv;
	}
	out[n] = '\0';
	return n;
}

size_t
pl_timeout_message(char *out, size_t size)
{
	const char *w = waiting;
	size_t n = 0, wl, segs = nsegs;

	if (size == 0)
		return 0;
	wl = pl_timeout_escape(out_format, w, escaped, sizeof(escaped));
	for (size_t i = 0; i < segs; i++) {
		const char *parts[2] = { prepared + seg_off[i], escaped };
		size_t lens[2] = { seg_len[i], i + 1 < segs ? wl : 0 };

		/* A loop, not memcpy: this runs in the signal handler. */
		for (size_t j = 0; j < 2; j++)
			for (size_t c = 0; c < lens[j] && n + 1 < size; c++)
				out[n++] = parts[j][c];
	}
	out[n] = '\0';
	return n;
}

static void (*volatile last_word)(void);

void
pl_timeout_on_expire(void (*fn)(void))
{
	last_word = fn;
}

void
pl_timeout_last_word(void)
{
	void (*fn)(void) = last_word;

	last_word = NULL;
	if (fn != NULL)
		fn();
}

static void
on_alarm(int sig)
{
	static char msg[sizeof(prepared) + 2 * sizeof(escaped)];
	size_t n;

	(void)sig;
	/* A child still running would outlive us and keep writing into a pipe nobody reads:
	 * kill its whole process group first (only kill(), async-signal-safe). */
	pl_deadline_kill_child();
	pl_timeout_last_word();
	n = pl_timeout_message(msg, sizeof(msg));
	pl_write_all(STDOUT_FILENO, msg, n);
	_exit(expire_state);
}

/* Renders the timeout's result in the output form and cuts it at the waiting text. The
 * signal is held meanwhile, so that the handler never sees half a template. */
static void
prepare(void)
{
	struct pl_result r;
	struct pl_buf out = PL_BUF_INIT;
	sigset_t block, old;
	char num[32];
	size_t k = 0;
	const char *at, *end;

	pl_result_init(&r, out_plugin, arm_service);
	pl_fmt_num(num, sizeof(num), arm_seconds, 3);
	/* An OK state has no finding to lead the status line: the text is the summary. */
	if (arm_state == PL_OK)
		pl_result_summary(&r, _("timed out after %ss while %s"), num, WAIT_MARK);
	else
		pl_result_finding(&r, arm_state, _("timed out after %ss while %s"), num,
				  WAIT_MARK);
	pl_buf_init(&out, sizeof(prepared) - 1);
	pl_render(&r, out_format, 0, &out);
	pl_result_free(&r);

	sigemptyset(&block);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, &old);
	if (out.truncated || out.oom || out.len == 0) {
		/* Cannot happen with a result this small; still, say it in the plain form. */
		pl_buf_reset(&out);
		pl_buf_printf(&out, _("%s %s - timed out after %ss while %s\n"), arm_service,
			      pl_state_name(arm_state), num, WAIT_MARK);
	}
	memcpy(prepared, out.data, out.len);
	prepared[out.len] = '\0';
	end = prepared + out.len;
	for (const char *p = prepared; k < MAX_SEGS; p = at + strlen(WAIT_MARK)) {
		at = strstr(p, WAIT_MARK);
		if (at == NULL || k == MAX_SEGS - 1)
			at = end;
		seg_off[k] = (size_t)(p - prepared);
		seg_len[k++] = (size_t)(at - p);
		if (at == end)
			break;
	}
	nsegs = k;
	expire_state = (int)arm_state;
	prepared_once = true;
	sigprocmask(SIG_SETMASK, &old, NULL);
	pl_buf_free(&out);
}

void
pl_timeout_output(enum pl_format fmt, const char *plugin)
{
	out_format = fmt;
	out_plugin = plugin != NULL ? plugin : "";
	if (prepared_once)
		prepare();
}

void
pl_timeout_arm(double seconds, enum pl_state state, const char *service)
{
	struct sigaction sa;
	struct itimerval it;
	/* The deadline that blocking calls are given, and the backstop a little after it. */
	double at = seconds + pl_deadline_grace(seconds);

	pl_deadline_start(seconds);

	arm_seconds = seconds;
	arm_state = state;
	arm_service = service;
	prepare();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = (time_t)at;
	it.it_value.tv_usec = (suseconds_t)((at - (double)(time_t)at) * 1e6);
	if (it.it_value.tv_sec == 0 && it.it_value.tv_usec == 0)
		it.it_value.tv_usec = 1;
	setitimer(ITIMER_REAL, &it, NULL);
}

void
pl_timeout_waiting(const char *what)
{
	waiting = what;
}

const char *
pl_timeout_waiting_on(const char *verb, const char *path)
{
	/* A small stack: a wait inside one of ours takes the next buffer, so the texts of
	 * the waits around it (the callers' prev, put back later) stay whole, and the one
	 * written is never the one published (the handler sees the old text or the new one
	 * whole, never half of each). Past the last, the first is taken again. */
	static char texts[PL_TIMEOUT_NEST][320];
	const char *prev = waiting;
	size_t i = 0;

	for (size_t k = 0; k < PL_TIMEOUT_NEST; k++)
		if (prev == texts[k])
			i = (k + 1) % PL_TIMEOUT_NEST;
	{
		/* "VERB PATH", cut to fit: joined by hand, as every file read sets one. */
		size_t v = strlen(verb), p = strlen(path), room = sizeof(texts[i]) - 1;

		v = v < room ? v : room;
		memcpy(texts[i], verb, v);
		if (v < room)
			texts[i][v++] = ' ';
		p = p < room - v ? p : room - v;
		memcpy(texts[i] + v, path, p);
		texts[i][v + p] = '\0';
	}
	waiting = texts[i];
	return prev;
}

void
pl_timeout_disarm(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}
