/* plumbline-inspect: the daily inspection report. Local mode runs a list of checks (an
 * NRPE config's command[...] lines, or "NAME = COMMAND LINE" lines) through pl_run with
 * bounded parallelism, each under its own timeout; engine mode reads the current state
 * of every service of the chosen hosts from Nagios' status.dat (lib/source/pl_statusdat)
 * or Icinga 2's REST API (lib/ext/pl_icinga_api), one record at a time. Either renders
 * one report (text, HTML, JSON) with the changes since the previous report and the
 * inspector's sign-off, and exits with the worst state. The model and renderers are
 * lib/core/pl_inspect.
 *
 * One source, two programs: plumbline-inspect links nothing but libc (local mode and
 * status.dat); for --engine icinga2 it runs inspect_icinga2 (built with PL_INSP_ICINGA,
 * linking yajl and libcurl) in its place, with the same arguments, as check_db_conns
 * runs its database backends, so that the daily local report never loads libcurl. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_engstate.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_inspect.h"
#include "pl_inspect_file.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_run.h"
#include "pl_statusdat.h"
#include "pl_store.h"
#include "pl_timeout.h"
#ifdef PL_INSP_ICINGA
#include "pl_icinga_api.h"
#endif

#define PROG "plumbline-inspect"
#define OUT_CAP ((size_t)64 << 10)
#define MAX_INCLUDE_DEPTH 4
#define ENGINE_LONG_CAP 1024    /* bytes of an engine service's long output kept */
#define HOST_ITEM "(host)"      /* the item of a host's own state, sorted first */
#define STATUS_DAT "/var/lib/nagios4/status.dat"

enum { ENG_NONE = 0, ENG_NAGIOS, ENG_ICINGA };

struct cfg {
	const char *checks, *output, *name, *remarks, *report_host;
	const char *status_file, *api_url, *api_user, *api_password, *ca_file;
	struct pl_strlist hosts;
	int format, engine;
	int64_t jobs;
	double check_timeout;
	bool sign, last, insecure;
};

static const struct pl_choice formats[] = {
	{ "text", PL_INSP_TEXT, false }, { "html", PL_INSP_HTML, false },
	{ "json", PL_INSP_JSON, false }, { NULL, 0, false },
};
static const struct pl_choice engines[] = {
	{ "nagios", ENG_NAGIOS, false }, { "icinga2", ENG_ICINGA, false }, { NULL, 0, false },
};

#define S(m) PL_OPT_AT(struct cfg, m)

static const struct pl_option opts[] = {
	{ .name = "checks", .type = PL_OPT_STRING, .arg = "FILE", S(checks),
	  .flags = PL_OPT_SYNOPSIS,
	  .help = N_("The check list: an NRPE config (its command[NAME]=COMMAND lines; "
		  "include= and include_dir= are followed) or one 'NAME = /path/to/plugin ARGS' "
		  "a line, '#' for comments. Commands run without a shell (no pipes, "
		  "redirections or variables; an NRPE $ARGn$ makes that check UNKNOWN).") },
	{ .name = "format", .type = PL_OPT_CHOICE, .arg = "FORM", .choices = formats,
	  S(format), .help = N_("text (default, for the terminal), html (one self-contained page "
	  "that prints well) or json (contrib/schema/inspect.schema.json).") },
	{ .name = "output", .type = PL_OPT_STRING, .arg = "FILE", S(output),
	  .help = N_("Write the report to FILE (atomically: a temporary file renamed over it) "
		  "instead of stdout.") },
	{ .name = "jobs", .type = PL_OPT_INT, .min = 1, .max = 64, S(jobs),
	  .help = N_("Checks run at the same time (default 4).") },
	{ .name = "check-timeout", .type = PL_OPT_DURATION, .min = 0.01, .max = 3600,
	  S(check_timeout),
	  .help = N_("Each check's time (default 30s); a check that takes longer is killed and "
		  "shown UNKNOWN 'timed out after Ns'. The whole run is bounded by --timeout "
		  "(default here 300s); checks not started by then are UNKNOWN.") },
	{ .name = "report-host", .type = PL_OPT_STRING, .arg = "NAME", S(report_host),
	  .help = N_("The host name shown in the report's title (default: this host's name).") },
	{ .name = "engine", .type = PL_OPT_CHOICE, .arg = "ENGINE", .choices = engines,
	  S(engine), .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("Engine mode: instead of running checks, read the current state of every "
		  "host and service (of the --host ones) from the engine: nagios (Nagios 4's "
		  "status.dat, --status-file) or icinga2 (its REST API: --api-url, --api-user, "
		  "--api-password-file). The report is grouped per host; a host's own state "
		  "is its item (host).") },
	{ .name = "host", .type = PL_OPT_LIST, .arg = "NAME", .max = 1024, S(hosts),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("Engine mode: only this host (a name, or a glob such as 'web*'; repeat for "
		  "more). Default: every host.") },
	{ .name = "status-file", .type = PL_OPT_STRING, .arg = "FILE", S(status_file),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("--engine nagios: Nagios' status.dat (default "
		  "/var/lib/nagios4/status.dat, Debian's nagios4), read as a stream.") },
	{ .name = "api-url", .type = PL_OPT_STRING, .arg = "URL", S(api_url),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("--engine icinga2: the API's URL without a path (default "
		  "https://localhost:5665).") },
	{ .name = "api-user", .type = PL_OPT_STRING, .arg = "NAME", S(api_user),
	  .help = N_("--engine icinga2: the ApiUser (permissions objects/query/Host and "
		  "objects/query/Service suffice).") },
	{ .name = "api-password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_INSPECT_API_PASSWORD", S(api_password),
	  .help = N_("The ApiUser's password.") },
	{ .name = "ca-file", .type = PL_OPT_STRING, .arg = "FILE", S(ca_file),
	  .help = N_("--engine icinga2: the CA that signed the API's certificate (Icinga's "
		  "/var/lib/icinga2/certs/ca.crt); default: the system's CAs.") },
	{ .name = "insecure", .type = PL_OPT_SWITCH, S(insecure),
	  .help = N_("--engine icinga2: do not verify the API's certificate (for tests only).") },
	{ .name = "last", .type = PL_OPT_SWITCH, S(last),
	  .help = N_("Render the latest stored report (with its sign-off) instead of running "
		  "the checks: for printing a signed report.") },
	{ .name = "sign", .type = PL_OPT_SWITCH, S(sign),
	  .help = N_("Sign the latest report off: records --name, the time and --remarks in the "
		  "state directory; --last then shows it as signed.") },
	{ .name = "name", .type = PL_OPT_STRING, .arg = "NAME", S(name),
	  .help = N_("The inspector's name, with --sign.") },
	{ .name = "remarks", .type = PL_OPT_STRING, .arg = "TEXT", S(remarks),
	  .help = N_("The inspector's remarks, with --sign.") },
	{ .name = NULL },
};

static const struct pl_plugin inspect_plugin = {
	.name = PROG,
	.service = "INSPECTION",
	.purpose = N_("the daily inspection report: every check of a list, as one signed report"),
	.description =
		N_("Runs every check of a check list (--checks), at most --jobs at a time, and "
		"prints one report: the overall state (the worst), each check's state, status "
		"line and key perfdata, grouped into the policy's inspection items (physical "
		"state: check_hwmon, check_mdraid, check_disk, check_disk_io, check_smart, "
		"check_raid, check_sensors, check_ipmi; system logs: check_log_errors, check_ids, "
		"check_log, check_logfiles, check_journal; by the basename of the command's "
		"program) and the other checks; what changed since the previous report (new "
		"problems, recovered, still open, flapping: a state change in 3 or more of the "
		"last 10 reports); and the inspector's sign-off, empty to fill in by hand when "
		"printed, or recorded with --sign. The previous report lives in the state "
		"directory (--state-dir). A check that cannot run (a missing program, a command "
		"line that needs a shell, an NRPE $ARGn$ macro) or times out is UNKNOWN, saying "
		"why; output past 64 KiB is dropped and long output cut, which the report says. "
		"The exit status is the worst state, so the report can itself run under an "
		"engine."),
	.options = opts,
	.examples =
		N_("  plumbline-inspect --checks /etc/nagios/nrpe.cfg\n"
		"      Run the NRPE commands of this host and print the report.\n"
		"  plumbline-inspect --checks /etc/plumbline/inspect.list --format html "
		"--output /var/lib/plumbline/inspect.html\n"
		"      Write the report as one HTML page, to open or print.\n"
		"  plumbline-inspect --sign --name 'A. Inspector' --remarks 'all seen'\n"
		"      Sign the latest report off.\n"
		"  plumbline-inspect --last --format html --output signed.html\n"
		"      The latest report again, now shown as signed.\n"
		"  plumbline-inspect --engine nagios --host 'web*'\n"
		"      The web hosts' services as Nagios holds them (status.dat).\n"
		"  plumbline-inspect --engine icinga2 --api-user inspect --api-password-file "
		"/etc/plumbline/icinga-api.pw --ca-file /var/lib/icinga2/certs/ca.crt\n"
		"      Every host and service of Icinga 2, through its REST API.\n"),
	.metrics = N_("None: the report is not a check result (no perfdata); its exit status is the "
		   "worst state of the report."),
	.uses_state = true,
	.no_interval = true,
};

/* ---- the check list ---- */

static void
list_file(const char *path, struct pl_insp_list *l, int depth)
{
	struct pl_buf b = PL_BUF_INIT;
	char err[1024];
	size_t from;

	if (depth > MAX_INCLUDE_DEPTH)
		pl_die(PL_UNKNOWN, _("%s: includes nested deeper than %d"), path, MAX_INCLUDE_DEPTH);
	if (pl_read_file(NULL, path, &b, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, _("%s (give the check list with --checks FILE)"), err);
	from = l->nincludes;
	if (pl_insp_list_parse(pl_buf_str(&b), b.len, l) != 0)
		pl_die(PL_UNKNOWN, _("out of memory reading %s"), path);
	pl_buf_free(&b);
	if (l->bad > 0)
		pl_die(PL_UNKNOWN, _("%s line %zu: neither 'command[NAME]=COMMAND', 'NAME = /path "
		       "ARGS', a setting nor a comment (%zu such lines)"), path, l->first_bad,
		       l->bad);
	for (size_t i = from; i < l->nincludes; i++) {
		char *inc = l->includes[i];

		l->includes[i] = NULL;
		if (strncmp(inc, "dir:", 4) == 0) {
			char **names, p[4096];
			size_t n;

			if (pl_dir_list(NULL, inc + 4, &names, &n, err, sizeof(err)) != 0)
				pl_die(PL_UNKNOWN, "%s: include_dir: %s", path, err);
			for (size_t k = 0; k < n; k++) {
				size_t nl = strlen(names[k]);

				if (nl > 4 && strcmp(names[k] + nl - 4, ".cfg") == 0 &&
				    (size_t)pl_snprintf(p, sizeof(p), "%s/%s", inc + 4,
							names[k]) < sizeof(p))
					list_file(p, l, depth + 1);
			}
			pl_dir_free(names, n);
		} else {
			list_file(inc, l, depth + 1);
		}
		free(inc);
	}
}

/* ---- one check, in a worker process ---- */

static void
emit(int fd, int state, const char *plugin, const char *text, size_t len)
{
	char head[300];
	int n = snprintf(head, sizeof(head), "%d %s\n", state, plugin);

	if (n > 0)
		(void)pl_write_all(fd, head, (size_t)n);
	(void)pl_write_all(fd, text, len);
}

static void
judge(int fd, const struct pl_insp_check *ck, const char *prog, struct pl_run_result *r,
      double timeout)
{
	struct pl_buf o = PL_BUF_INIT;
	char d[600], first[300];
	int state = 3;

	if (r->timed_out) {
		pl_buf_puts(&o, "UNKNOWN - ");
		pl_buf_printf(&o, _("timed out after %gs (the check was killed): %s"),
			      timeout, r->what);
	} else if (!r->exited) {
		pl_buf_printf(&o, "UNKNOWN - %s", pl_run_describe(r, d, sizeof(d)));
	} else {
		state = r->status <= 3 ? r->status : 3;
		if (r->out.len == 0) {
			pl_run_first_line(pl_buf_str(&r->err), r->err.len, first, sizeof(first));
			pl_buf_printf(&o, "%s - ", pl_insp_state_word(state));
			pl_buf_printf(&o, _("no output (exit status %d)%s%s"), r->status, first[0] ? ": " : "",
				      first);
		} else {
			const char *t = pl_buf_str(&r->out), *e = memchr(t, '\n', r->out.len);
			size_t fl = e != NULL ? (size_t)(e - t) : r->out.len;
			const char *bar = memchr(t, '|', fl);
			size_t sl = bar != NULL ? (size_t)(bar - t) : fl;

			/* Said on the status line, which is always shown: before its perfdata,
			 * where it would be a malformed metric. */
			while (bar != NULL && sl > 0 && (t[sl - 1] == ' ' || t[sl - 1] == '\t'))
				sl--;
			pl_buf_add(&o, t, sl);
			if (r->out_capped)
				pl_buf_printf(&o, _(" (output cut: %zu of %llu bytes kept)"),
					      r->out.len, (unsigned long long)r->out_bytes);
			if (bar != NULL)
				pl_buf_add(&o, " ", 1);
			pl_buf_add(&o, t + sl, r->out.len - sl);
		}
		if (r->status > 3)
			pl_buf_printf(&o, _("\n(exit status %d is no plugin state: UNKNOWN)"),
				      r->status);
	}
	(void)ck;
	emit(fd, state, prog, pl_buf_str(&o), o.len);
	pl_buf_free(&o);
}

static void
run_one(int fd, const struct pl_insp_check *ck, double timeout)
{
	char **argv, err[1024], msg[1400];
	struct pl_run_spec sp;
	struct pl_run_result r;
	struct pl_deadline dl = pl_deadline_in(timeout), proc = pl_deadline_process();
	struct pl_deadline reserve = { proc.at - 500000000 };

	dl = pl_deadline_min(&dl, &reserve);
	if (pl_insp_argv_split(ck->command, &argv, err, sizeof(err)) != 0) {
		pl_strlcpy(msg, "UNKNOWN - ", sizeof(msg));
		pl_snprintf(msg + 10, sizeof(msg) - 10, _("the command line of %s (line %zu) %s"),
			    ck->name, ck->lineno, err);
		emit(fd, 3, "", msg, strlen(msg));
		return;
	}
	memset(&sp, 0, sizeof(sp));
	sp.argv = (const char *const *)argv;
	sp.out_cap = OUT_CAP;
	sp.err_cap = 4096;
	sp.deadline = &dl;
	if (pl_run(&sp, &r, err, sizeof(err)) != 0) {
		pl_snprintf(msg, sizeof(msg), "UNKNOWN - %s", err);
		emit(fd, 3, argv[0], msg, strlen(msg));
	} else {
		judge(fd, ck, argv[0], &r, timeout);
	}
	pl_run_result_free(&r);
	pl_insp_argv_free(argv);
}

/* ---- the scheduler: at most jobs workers, each one check ---- */

struct job {
	pid_t pid;
	int fd;
	size_t idx;
	struct pl_buf buf;
};

static void
start_job(struct job *j, const struct pl_insp_list *l, size_t idx, double timeout)
{
	int p[2];

	j->idx = idx;
	j->pid = -1;
	pl_buf_init(&j->buf, OUT_CAP + 4096);
	if (pipe(p) != 0)
		pl_die(PL_UNKNOWN, _("cannot make a pipe: %s"), strerror(errno));
	j->pid = fork();
	if (j->pid < 0)
		pl_die(PL_UNKNOWN, _("cannot fork: %s"), strerror(errno));
	if (j->pid == 0) {
		close(p[0]);
		run_one(p[1], &l->v[idx], timeout);
		_exit(0);
	}
	close(p[1]);
	j->fd = p[0];
}

static void
end_job(struct job *j, const struct pl_insp_list *l, struct pl_insp_report *rep)
{
	const char *s = pl_buf_str(&j->buf), *nl = memchr(s, '\n', j->buf.len);
	char plug[300] = "";
	int64_t st = 3;
	char died[300];
	const char *body = died;
	size_t blen;

	pl_snprintf(died, sizeof(died), "UNKNOWN - %s", _("the worker running this check died"));
	blen = strlen(body);

	close(j->fd);
	(void)waitpid(j->pid, NULL, 0);
	if (nl != NULL && nl - s >= 2 && s[1] == ' ' && s[0] >= '0' && s[0] <= '3') {
		st = s[0] - '0';
		pl_snprintf(plug, sizeof(plug), "%.*s", (int)(nl - s - 2), s + 2);
		body = nl + 1;
		blen = j->buf.len - (size_t)(nl + 1 - s);
	}
	if (pl_insp_add_output(rep, "", l->v[j->idx].name, plug, (int)st, body, blen, 0) == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	pl_buf_free(&j->buf);
	j->pid = 0;
}

static void
not_run(const struct pl_insp_list *l, size_t i, struct pl_insp_report *rep)
{
	char msg[300];

	pl_snprintf(msg, sizeof(msg), "UNKNOWN - %s",
		    _("not run: the inspection's --timeout passed first"));
	if (pl_insp_add(rep, "", l->v[i].name, "", 3, msg, "", "", 0) == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
}

static void
run_all(const struct pl_insp_list *l, const struct cfg *cfg, struct pl_insp_report *rep)
{
	struct job jobs[64];
	struct pollfd pf[64];
	size_t next = 0, running = 0, nj = (size_t)cfg->jobs;

	memset(jobs, 0, sizeof(jobs));
	while (next < l->n || running > 0) {
		size_t np = 0;

		for (size_t k = 0; k < nj && next < l->n; k++) {
			struct pl_deadline p = pl_deadline_process();

			if (jobs[k].pid != 0)
				continue;
			if (pl_deadline_left(&p) < 0.6) {
				not_run(l, next++, rep);
				continue;
			}
			start_job(&jobs[k], l, next++, cfg->check_timeout);
			running++;
		}
		for (size_t k = 0; k < nj; k++)
			if (jobs[k].pid > 0)
				pf[np++] = (struct pollfd){ .fd = jobs[k].fd, .events = POLLIN };
		if (np == 0)
			continue;
		if (poll(pf, np, 1000) < 0 && errno != EINTR)
			pl_die(PL_UNKNOWN, _("poll: %s"), strerror(errno));
		for (size_t k = 0, q = 0; k < nj; k++) {
			char b[8192];
			ssize_t n;

			if (jobs[k].pid <= 0)
				continue;
			if ((pf[q++].revents & (POLLIN | POLLHUP | POLLERR)) == 0)
				continue;
			n = read(jobs[k].fd, b, sizeof(b));
			if (n > 0) {
				pl_buf_add(&jobs[k].buf, b, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				end_job(&jobs[k], l, rep);
				running--;
			}
		}
	}
}

/* ---- the state directory: the previous report, history and sign-off ---- */

static const char *
hist_get(void *ctx, const char *key)
{
	return pl_store_kept(ctx, "h", key);
}

static void
store_put(struct pl_store *st, const char *ns, const char *name, const char *text)
{
	if (pl_store_keep(st, ns, name, text) != 0)
		pl_die(PL_UNKNOWN, _("out of memory keeping the report"));
}

static void
store_save(struct pl_store *st)
{
	char err[1024];

	pl_boot_id(NULL, st->boot_id, sizeof(st->boot_id));
	if (pl_store_save(st->dirfd, st, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, _("cannot keep the report: %s (see --state-dir)"), err);
	pl_plugin_store_close(st);
}

/* What the store keeps of a report besides its items: enough for --last and --sign. */
static void
store_meta(struct pl_store *st, const struct pl_insp_report *rep, size_t gone)
{
	char num[32];

	pl_snprintf(num, sizeof(num), "%lld", (long long)rep->time);
	store_put(st, "r", "time", num);
	pl_snprintf(num, sizeof(num), "%zu", gone);
	store_put(st, "r", "gone", num);
	store_put(st, "r", "id", rep->id);
	store_put(st, "r", "host", rep->host);
	store_put(st, "r", "mode", rep->mode);
	store_put(st, "r", "source", rep->source);
}

/* Engine mode's items are in a file beside the store (pl_inspect_file): a fleet is more
 * than the store holds. Named after the store's key, so each engine and host choice
 * keeps its own history. */
static void
items_name(const struct pl_store *st, char *out, size_t len)
{
	pl_snprintf(out, len, "%s-%s.items", st->plugin, st->key);
}

/* Counts the previous report's items missing from this one, then replaces the stored
 * report with this one. */
static void
store_report(struct pl_store *st, const struct pl_insp_report *rep, size_t *gone)
{
	struct pl_buf b = PL_BUF_INIT;
	char key[600], hist[64];
	size_t pos = 0;
	const struct pl_store_entry *e;

	*gone = 0;
	while ((e = pl_store_next(st, 0, "i", &pos)) != NULL) {
		bool found = false;

		for (size_t i = 0; i < rep->n && !found; i++) {
			pl_insp_hist_key(&rep->v[i], key, sizeof(key));
			found = strcmp(key, e->name) == 0;
		}
		*gone += !found;
	}
	pl_store_clear(st);
	for (size_t i = 0; i < rep->n; i++) {
		pl_insp_hist_key(&rep->v[i], key, sizeof(key));
		pl_insp_hist_format(&rep->v[i], hist, sizeof(hist));
		store_put(st, "h", key, hist);
		pl_buf_reset(&b);
		pl_insp_item_format(&rep->v[i], &b);
		store_put(st, "i", key, pl_buf_str(&b));
	}
	store_meta(st, rep, *gone);
	pl_buf_free(&b);
}

static void
load_signoff(const struct pl_store *st, struct pl_insp_report *rep)
{
	const char *s = pl_store_kept(st, "s", rep->id);
	const char *a, *b;
	int64_t t;
	char num[32];

	if (s == NULL || (a = strchr(s, '\x1f')) == NULL || (b = strchr(a + 1, '\x1f')) == NULL)
		return;
	pl_snprintf(rep->sign_name, sizeof(rep->sign_name), "%.*s", (int)(a - s), s);
	pl_snprintf(num, sizeof(num), "%.*s", (int)(b - a - 1), a + 1);
	pl_strlcpy(rep->sign_remarks, b + 1, sizeof(rep->sign_remarks));
	rep->sign_time = pl_parse_i64(num, 0, INT64_MAX, &t) == 0 ? t : 0;
	rep->signed_off = true;
}

/* The latest stored report, for --last and --sign. */
static void
load_last(const struct pl_store *st, struct pl_insp_report *rep)
{
	const char *id = pl_store_kept(st, "r", "id"), *t = pl_store_kept(st, "r", "time");
	const char *host = pl_store_kept(st, "r", "host"), *g = pl_store_kept(st, "r", "gone");
	const char *mode = pl_store_kept(st, "r", "mode"), *src = pl_store_kept(st, "r", "source");
	const struct pl_store_entry *e;
	char name[300], err[1024];
	size_t pos = 0;
	int64_t v = 0;

	if (id == NULL || t == NULL || pl_parse_i64(t, 0, INT64_MAX, &v) != 0)
		pl_die(PL_UNKNOWN, _("no report yet in the state directory: run %s --checks FILE "
		       "(or --engine ...) first, with the same --state-dir (and --engine, --host)"),
		       PROG);
	pl_insp_init(rep, host != NULL ? host : "", mode != NULL ? mode : "local", v);
	pl_strlcpy(rep->source, src != NULL ? src : "", sizeof(rep->source));
	if (strcmp(rep->mode, "engine") == 0) {
		items_name(st, name, sizeof(name));
		if (pl_insp_file_load(st->dirfd, name, rep, err, sizeof(err)) != 0)
			pl_die(PL_UNKNOWN, _("the stored report: %s"), err);
	}
	while ((e = pl_store_next(st, 0, "i", &pos)) != NULL)
		if (e->text != NULL && pl_insp_item_parse(rep, e->text) != 0)
			pl_die(PL_UNKNOWN, _("the stored report is damaged (entry %s)"), e->name);
	pl_insp_finish(rep);
	pl_strlcpy(rep->id, id, sizeof(rep->id));
	if (g != NULL && pl_parse_i64(g, 0, INT64_MAX, &v) == 0)
		rep->gone = (size_t)v;
	load_signoff(st, rep);
}

static void
sign(struct pl_store *st, const struct cfg *cfg, int64_t now)
{
	struct pl_insp_report rep;
	struct pl_buf b = PL_BUF_INIT;

	if (cfg->name == NULL || cfg->name[0] == '\0')
		pl_usage_die(_("--sign needs --name NAME (the inspector)"));
	load_last(st, &rep);
	pl_buf_printf(&b, "%s\x1f%lld\x1f%s", cfg->name, (long long)now,
		      cfg->remarks != NULL ? cfg->remarks : "");
	for (char *p = b.data; p != NULL && *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	store_put(st, "s", rep.id, pl_buf_str(&b));
	store_save(st);
	printf("%s OK - ", PROG);
	printf(_("report %s signed off by %s\n"), rep.id, cfg->name);
	pl_buf_free(&b);
	pl_insp_free(&rep);
	exit(0);
}

/* ---- engine mode: the engine's records into the report ---- */

struct eng_ctx {
	struct pl_insp_report *rep;
	struct pl_buf status, lng;
};

/* The status line of a record: the plugin's first line, and what the engine adds to it
 * that an inspector must see (never checked, a soft state, acknowledged, in downtime). */
static void
eng_status(const struct pl_engstate *e, struct pl_buf *b)
{
	pl_buf_reset(b);
	if (!e->checked)
		pl_buf_printf(b, "PENDING - %s", _("not checked yet"));
	else
		pl_buf_puts(b, e->output != NULL ? e->output : "");
	if (e->checked && !e->hard)
		pl_buf_puts(b, _(" [soft state]"));
	if (e->acknowledged)
		pl_buf_puts(b, _(" [acknowledged]"));
	if (e->in_downtime)
		pl_buf_puts(b, _(" [in downtime]"));
}

static int
eng_record(const struct pl_engstate *e, void *arg)
{
	struct eng_ctx *x = arg;
	struct pl_insp_item *it;
	const char *lo = e->long_output != NULL ? e->long_output : "";
	size_t ll = strlen(lo);

	eng_status(e, &x->status);
	if (ll > ENGINE_LONG_CAP) {   /* a fleet's report: a little of each long output */
		size_t k = ENGINE_LONG_CAP;

		while (k > 0 && ((unsigned char)lo[k] & 0xc0) == 0x80)
			k--;
		pl_buf_reset(&x->lng);
		pl_buf_add(&x->lng, lo, k);
		pl_buf_printf(&x->lng, _("\n(long output cut: %zu of %zu bytes shown)"), k, ll);
		lo = pl_buf_str(&x->lng);
	}
	it = pl_insp_add(x->rep, e->host, e->service != NULL ? e->service : HOST_ITEM, "",
			 e->state, pl_buf_str(&x->status), lo, e->perfdata, e->last_state_change);
	if (it == NULL)
		return -2;
	it->engine_flapping = e->flapping;
	return 0;
}

#ifdef PL_INSP_ICINGA
static int
eng_icinga(const struct cfg *cfg, const struct pl_engstate_filter *f, struct eng_ctx *x,
	   struct pl_engstate_counts *n, char *err, size_t errlen)
{
	struct pl_ia_conn c = {
		.url = cfg->api_url != NULL ? cfg->api_url : "https://localhost:5665",
		.user = cfg->api_user, .password = cfg->api_password, .cafile = cfg->ca_file,
		.insecure = cfg->insecure,
	};

	if (cfg->api_user == NULL || cfg->api_password == NULL)
		pl_usage_die(_("--engine icinga2 needs --api-user and the user's password from "
			     "--api-password-file FILE (mode 600) or PLUMBLINE_INSPECT_API_PASSWORD"));
	return pl_ia_read(&c, f, eng_record, x, NULL, n, err, errlen);
}
#endif

static void __attribute__((noreturn))
eng_empty(const struct cfg *cfg, const char *sd)
{
	if (cfg->engine == ENG_NAGIOS && cfg->hosts.n > 0)
		pl_die(PL_UNKNOWN, _("%s holds no host or service of the --host ones"), sd);
	if (cfg->engine == ENG_NAGIOS)
		pl_die(PL_UNKNOWN, _("%s holds no host or service"), sd);
	if (cfg->hosts.n > 0)
		pl_die(PL_UNKNOWN, "%s", _("the Icinga 2 API holds no host or service of the "
					   "--host ones"));
	pl_die(PL_UNKNOWN, "%s", _("the Icinga 2 API holds no host or service"));
}

/* Reads the engine's records into rep, and says in rep->source what was read. */
static void
eng_read(const struct cfg *cfg, struct pl_insp_report *rep)
{
	struct pl_engstate_filter f = { .hosts = cfg->hosts.v, .nhosts = cfg->hosts.n };
	struct pl_engstate_counts n;
	struct eng_ctx x = { .rep = rep };
	const char *sd = cfg->status_file != NULL ? cfg->status_file : STATUS_DAT;
	char err[1024] = "";
	int rc = -1;

	memset(&n, 0, sizeof(n));
	pl_buf_init(&x.status, PL_INSP_STATUS_CAP * 4);
	pl_buf_init(&x.lng, ENGINE_LONG_CAP + 256);
	if (cfg->engine == ENG_NAGIOS)
		rc = pl_sd_read_file(sd, &f, eng_record, &x, &n, err, sizeof(err));
#ifdef PL_INSP_ICINGA
	else
		rc = eng_icinga(cfg, &f, &x, &n, err, sizeof(err));
#endif
	pl_buf_free(&x.status);
	pl_buf_free(&x.lng);
	if (rc == -2)
		pl_die(PL_UNKNOWN, _("out of memory after %zu records"), rep->n);
	if (rc != 0 && cfg->engine == ENG_NAGIOS)
		pl_die(PL_UNKNOWN, _("%s (give Nagios' status_file of nagios.cfg with "
				     "--status-file)"), err);
	if (rc != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	if (n.hosts + n.services == 0)
		eng_empty(cfg, sd);
	pl_snprintf(rep->source, sizeof(rep->source), _("%s %s: %zu hosts, %zu services; %zu "
		    "malformed records skipped, %zu values cut"), cfg->engine == ENG_NAGIOS ?
		    "nagios" : "icinga2", cfg->engine == ENG_NAGIOS ? sd : (cfg->api_url != NULL
		    ? cfg->api_url : "https://localhost:5665"), n.hosts, n.services,
		    n.malformed, n.long_lines);
}

/* Engine mode's history: the previous report's items from their file, this report's
 * into it, and the store's meta data. */
static void
eng_history(struct pl_store *st, struct pl_insp_report *rep)
{
	struct pl_insp_prev p;
	char name[300], err[1024];

	items_name(st, name, sizeof(name));
	if (pl_insp_prev_load(st->dirfd, name, &p, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	pl_insp_history(rep, pl_insp_prev_get, &p);
	rep->gone = pl_insp_prev_unseen(&p);
	pl_insp_prev_free(&p);
	if (pl_insp_file_save(st->dirfd, name, rep, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s (see --state-dir)", err);
	pl_store_clear(st);
	store_meta(st, rep, rep->gone);
}

/* ---- output ---- */

/* The report into path through a temporary file beside it, renamed over it: a reader
 * sees the old or the new report, and a symlink at path is replaced, never followed. */
static void
write_atomic(const char *path, const struct pl_buf *b)
{
	char tmp[4096];
	int fd;

	if ((size_t)pl_snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
	    sizeof(tmp))
		pl_die(PL_UNKNOWN, _("--output %s: the name is too long"), path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		pl_die(PL_UNKNOWN, _("cannot write %s: %s (is its directory writable?)"), tmp,
		       strerror(errno));
	if (pl_write_all(fd, b->data != NULL ? b->data : "", b->len) != 0 || fsync(fd) != 0 ||
	    close(fd) != 0 || rename(tmp, path) != 0) {
		int e = errno;

		(void)unlink(tmp);
		pl_die(PL_UNKNOWN, _("cannot write %s: %s"), path, strerror(e));
	}
}

static void
deliver(const struct pl_insp_report *rep, const struct cfg *cfg)
{
	struct pl_buf out = PL_BUF_INIT;

	pl_buf_init(&out, (size_t)256 << 20);
	pl_insp_render(rep, cfg->format, &out);
	if (cfg->output != NULL)
		write_atomic(cfg->output, &out);
	else
		(void)pl_write_all(1, out.data != NULL ? out.data : "", out.len);
	pl_buf_free(&out);
}

/* A default --timeout of 300s for the whole run (the suite's is 10s, less than one
 * check's default): put first, so that a -t given later wins. */
static char **
with_default_timeout(int argc, char **argv)
{
	char **v = calloc((size_t)argc + 2, sizeof(*v));

	if (v == NULL)
		pl_die(PL_UNKNOWN, _("out of memory"));
	v[0] = argv[0];
	v[1] = (char *)"--timeout=300";
	for (int i = 1; i < argc; i++)
		v[i + 1] = argv[i];
	return v;
}

static void
inspect(const struct cfg *cfg, struct pl_store *st, struct pl_insp_report *rep)
{
	struct pl_insp_list l;

	if (cfg->engine != ENG_NONE) {
		eng_read(cfg, rep);
		pl_insp_finish(rep);
		eng_history(st, rep);
		store_save(st);
		return;
	}
	memset(&l, 0, sizeof(l));
	if (cfg->checks == NULL)
		pl_usage_die(_("give the check list with --checks FILE (an NRPE config or "
			     "'NAME = /path ARGS' lines), --engine nagios or icinga2, or --last "
			     "or --sign"));
	list_file(cfg->checks, &l, 0);
	if (l.n == 0)
		pl_die(PL_UNKNOWN, _("%s holds no check: add command[NAME]=... or NAME = ... lines"),
		       cfg->checks);
	run_all(&l, cfg, rep);
	pl_insp_list_free(&l);
	pl_insp_finish(rep);
	pl_insp_history(rep, hist_get, st);
	store_report(st, rep, &rep->gone);
	store_save(st);
}

static void
check_modes(const struct cfg *cfg)
{
	if (cfg->engine != ENG_NONE && cfg->checks != NULL)
		pl_usage_die(_("--checks runs checks here, --engine reads an engine's states: "
			     "give one of them"));
	if (cfg->engine == ENG_NONE && cfg->hosts.n > 0)
		pl_usage_die(_("--host chooses an engine's hosts: give --engine too"));
	if (cfg->engine != ENG_NAGIOS && cfg->status_file != NULL)
		pl_usage_die(_("--status-file is for --engine nagios"));
	if (cfg->engine != ENG_ICINGA && (cfg->api_url != NULL || cfg->api_user != NULL ||
					  cfg->api_password != NULL || cfg->ca_file != NULL))
		pl_usage_die(_("--api-url, --api-user, --api-password and --ca-file are for "
			     "--engine icinga2"));
}

int
main(int argc, char **argv)
{
	/* static: the option lists (--host) stay reachable until the exit */
	static struct cfg cfg = { .jobs = 4, .check_timeout = 30, .format = PL_INSP_TEXT };
	struct pl_common c;
	struct pl_store st;
	struct pl_insp_report rep;
	struct pl_time now;
	char host[256] = "", err[256];
	int worst;
	static char **args;   /* kept for the whole run: the options point into it */

	/* "--man" alone, as the build asks for the man page: nothing put before it. */
	if (argc == 2 && strcmp(argv[1], "--man") == 0)
		pl_plugin_parse(&inspect_plugin, argc, argv, &cfg, &c);
	args = with_default_timeout(argc, argv);
	pl_plugin_parse(&inspect_plugin, argc + 1, args, &cfg, &c);
	check_modes(&cfg);
#ifndef PL_INSP_ICINGA
	if (cfg.engine == ENG_ICINGA && !cfg.sign && !cfg.last)
		pl_plugin_exec_part("inspect_icinga2", PL_LIBEXECDIR, argv);
#endif
	pl_plugin_arm(&c);
	signal(SIGPIPE, SIG_IGN);
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	/* Local mode's history under one key; an engine's under the hash of the options
	 * that say what is read (--engine, --host, --status-file, --api-url). */
	if (c.state_key[0] == '\0' && cfg.engine == ENG_NONE)
		pl_strlcpy(c.state_key, "report", sizeof(c.state_key));
	(void)pl_plugin_store_load(&c, &st);
	if (cfg.sign)
		sign(&st, &cfg, now.sec);
	if (cfg.last) {
		load_last(&st, &rep);
		pl_plugin_store_close(&st);
	} else {
		if (cfg.report_host == NULL && gethostname(host, sizeof(host) - 1) != 0)
			pl_strlcpy(host, "localhost", sizeof(host));
		pl_insp_init(&rep, cfg.report_host != NULL ? cfg.report_host : host,
			     cfg.engine != ENG_NONE ? "engine" : "local", now.sec);
		inspect(&cfg, &st, &rep);
	}
	pl_timeout_disarm();
	deliver(&rep, &cfg);
	worst = pl_insp_worst(&rep);
	pl_insp_free(&rep);
	pl_store_free(&st);
	return worst;
}
