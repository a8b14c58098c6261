/* plumbline-status: the status page for customers. Reads the engine's current state
 * (Nagios' status.dat; Icinga 2's REST API in status_icinga2, this source built with
 * PL_ST_ICINGA, which links yajl and libcurl), judges each service of the admin's public
 * catalogue (lib/core/pl_status), remembers incidents across runs in the state store,
 * and writes index.html and status.json into the output directory, each through a
 * temporary file renamed over the old one, so that a web server serving the folder
 * never shows half a page. Run by a timer (contrib/systemd/plumbline-status.timer). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_engstate.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_status.h"
#include "pl_statusdat.h"
#include "pl_store.h"
#include "pl_timeout.h"
#ifdef PL_ST_ICINGA
#include "pl_icinga_api.h"
#endif

#define PROG "plumbline-status"
#define STATUS_DAT "/var/lib/nagios4/status.dat"
#define CATALOG_MAX ((size_t)1 << 20)

enum { ENG_NAGIOS = 1, ENG_ICINGA };

struct cfg {
	const char *services, *output_dir, *title;
	const char *status_file, *api_url, *api_user, *api_password, *ca_file;
	int engine;
	double max_age, keep_days;
	int64_t keep, refresh;
	bool insecure;
};

static const struct pl_choice engines[] = {
	{ "nagios", ENG_NAGIOS, false }, { "icinga2", ENG_ICINGA, false }, { NULL, 0, false },
};

#define S(m) PL_OPT_AT(struct cfg, m)

static const struct pl_option opts[] = {
	{ .name = "engine", .type = PL_OPT_CHOICE, .arg = "ENGINE", .choices = engines,
	  S(engine), .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("Where the current states come from: nagios (Nagios 4's status.dat, "
		  "--status-file) or icinga2 (its REST API: --api-url, --api-user, "
		  "--api-password-file).") },
	{ .name = "services", .type = PL_OPT_STRING, .arg = "FILE", S(services),
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("The public catalogue: one 'PUBLIC NAME = HOST!SERVICE, HOST!SERVICE, "
		  "HOST' a line (fnmatch globs in each part; a HOST alone is the host's own "
		  "state), '#' for comments. Only these names reach the page.") },
	{ .name = "output-dir", .type = PL_OPT_STRING, .arg = "DIR", S(output_dir),
	  .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Where index.html and status.json are written (each atomically); a web "
		  "server serves this folder.") },
	{ .name = "title", .type = PL_OPT_STRING, .arg = "TEXT", S(title),
	  .help = N_("The page's title (default 'Service status').") },
	{ .name = "max-age", .type = PL_OPT_DURATION, .min = 60, .max = 86400 * 7, S(max_age),
	  .help = N_("The engine's data is stale when its newest check is older than this "
		  "(default 15m): the page then says the status is unavailable instead of "
		  "showing old states as current.") },
	{ .name = "keep", .type = PL_OPT_INT, .min = 0, .max = 1000, S(keep),
	  .help = N_("Past incidents shown (default 20).") },
	{ .name = "keep-days", .type = PL_OPT_DURATION, .min = 3600, .max = 86400.0 * 3660,
	  S(keep_days), .help = N_("Past incidents older than this are forgotten (default "
				   "90d).") },
	{ .name = "refresh", .type = PL_OPT_INT, .min = 0, .max = 86400, S(refresh),
	  .help = N_("Seconds after which a browser reloads the page (default 60; 0: never).") },
	{ .name = "status-file", .type = PL_OPT_STRING, .arg = "FILE", S(status_file),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("--engine nagios: Nagios' status.dat (default "
		  "/var/lib/nagios4/status.dat, Debian's nagios4).") },
	{ .name = "api-url", .type = PL_OPT_STRING, .arg = "URL", S(api_url),
	  .flags = PL_OPT_IDENTITY,
	  .help = N_("--engine icinga2: the API's URL without a path (default "
		  "https://localhost:5665).") },
	{ .name = "api-user", .type = PL_OPT_STRING, .arg = "NAME", S(api_user),
	  .help = N_("--engine icinga2: the ApiUser (permissions objects/query/Host and "
		  "objects/query/Service suffice).") },
	{ .name = "api-password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_STATUS_API_PASSWORD", S(api_password),
	  .help = N_("The ApiUser's password.") },
	{ .name = "ca-file", .type = PL_OPT_STRING, .arg = "FILE", S(ca_file),
	  .help = N_("--engine icinga2: the CA that signed the API's certificate; default: the "
		  "system's CAs.") },
	{ .name = "insecure", .type = PL_OPT_SWITCH, S(insecure),
	  .help = N_("--engine icinga2: do not verify the API's certificate (for tests only).") },
	{ .name = NULL },
};

static const struct pl_plugin status_plugin = {
	.name = PROG,
	.service = "STATUS",
	.purpose = N_("the status page for customers, from the engine's current state"),
	.description = N_("Writes a static, self-contained status page (index.html, and "
		"status.json beside it) for the services customers know, under public names "
		"the admin chooses in --services: each service's status in plain words "
		"(operating normally, degraded performance, partial outage, outage, scheduled "
		"maintenance, status unknown), the current incidents with their start, the "
		"last incidents that ended, and the time of the update. Nothing internal "
		"reaches the page: no host or service name, address or plugin output. A "
		"member counts once its state is hard; one in scheduled downtime counts as "
		"maintenance. When the engine cannot be read, or its newest check is older "
		"than --max-age, the page says so and shows every status as unknown. The "
		"exit status is this run's own: OK when the page was written, WARNING when a "
		"catalogue entry matched nothing, UNKNOWN when the engine could not be read."),
	.options = opts,
	.metrics = N_("services, operational, degraded (degraded performance and partial "
		   "outages), outage, maintenance, unknown: the services of the page in each "
		   "status; incidents: the current ones."),
	.examples = N_("  plumbline-status --engine nagios --services /etc/plumbline/status.services "
		"--output-dir /var/www/status\n"
		"      The page from Nagios 4's status.dat (run by plumbline-status.timer).\n"
		"  plumbline-status --engine icinga2 --api-user status --api-password-file "
		"/etc/plumbline/status.pw --services /etc/plumbline/status.services "
		"--output-dir /var/www/status\n"
		"      The same from Icinga 2's API.\n"),
	.uses_state = true,
	.no_interval = true,
};

/* ---- reading ---- */

static void
catalog_read(const char *path, struct pl_st_catalog *cat)
{
	struct pl_buf b = PL_BUF_INIT;
	char err[1200];

	pl_buf_init(&b, CATALOG_MAX);
	if (pl_read_file(NULL, path, &b, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, _("%s (give the public catalogue with --services FILE)"), err);
	if (pl_st_catalog_parse(pl_buf_str(&b), b.len, path, cat, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	pl_buf_free(&b);
}

struct feed_ctx {
	struct pl_st_catalog *cat;
};

static int
feed(const struct pl_engstate *rec, void *arg)
{
	struct feed_ctx *x = arg;

	pl_st_feed(x->cat, rec);
	return 0;
}

#ifdef PL_ST_ICINGA
static int
read_icinga(const struct cfg *cfg, struct feed_ctx *x, struct pl_engstate_counts *n,
	    char *err, size_t errlen)
{
	struct pl_engstate_filter f = { .nhosts = 0 };
	struct pl_ia_conn c = {
		.url = cfg->api_url != NULL ? cfg->api_url : "https://localhost:5665",
		.user = cfg->api_user, .password = cfg->api_password, .cafile = cfg->ca_file,
		.insecure = cfg->insecure,
	};

	if (cfg->api_user == NULL || cfg->api_password == NULL)
		pl_usage_die(_("--engine icinga2 needs --api-user and the user's password from "
			       "--api-password-file FILE (mode 600) or "
			       "PLUMBLINE_STATUS_API_PASSWORD"));
	return pl_ia_read(&c, &f, feed, x, NULL, n, err, errlen);
}
#endif

/* Feeds the engine's records into cat. Returns whether it was read; why says, in words
 * for the page and the status line, why not. */
static bool
engine_read(const struct cfg *cfg, struct pl_st_catalog *cat, char *why, size_t whylen)
{
	struct pl_engstate_filter f = { .nhosts = 0 };
	struct pl_engstate_counts n;
	struct feed_ctx x = { cat };
	const char *sd = cfg->status_file != NULL ? cfg->status_file : STATUS_DAT;
	int rc = -1;

	memset(&n, 0, sizeof(n));
	pl_timeout_waiting(cfg->engine == ENG_NAGIOS ? sd : "the Icinga 2 API");
	if (cfg->engine == ENG_NAGIOS)
		rc = pl_sd_read_file(sd, &f, feed, &x, &n, why, whylen);
#ifdef PL_ST_ICINGA
	else
		rc = read_icinga(cfg, &x, &n, why, whylen);
#endif
	if (rc == 0 && n.hosts + n.services == 0) {
		pl_snprintf(why, whylen, _("%s holds no host or service"),
			    cfg->engine == ENG_NAGIOS ? sd : "the Icinga 2 API");
		rc = -1;
	}
	return rc == 0;
}

/* ---- the history in the state store: kept entries, ns "o" (open) and "e" (ended) ---- */

static void
history_load(const struct pl_store *st, struct pl_st_history *h, size_t *bad)
{
	const char *const ns[] = { "o", "e" };

	for (int k = 0; k < 2; k++) {
		const struct pl_store_entry *e;
		size_t pos = 0;

		while ((e = pl_store_next(st, 0, ns[k], &pos)) != NULL) {
			struct pl_st_incident in;
			const char *name = e->name, *sp = NULL;

			/* An ended one's name is "START NAME": several per service. */
			if (k == 1 && (sp = strchr(e->name, ' ')) != NULL)
				name = sp + 1;
			if (e->text == NULL || (k == 1 && sp == NULL) ||
			    pl_st_incident_parse(name, e->text, &in) != 0 ||
			    (in.end == 0) != (k == 0)) {
				(*bad)++;
				continue;
			}
			if (pl_st_history_add(h, &in) != 0)
				pl_die(PL_UNKNOWN, _("out of memory"));
		}
	}
}

static void
history_store(struct pl_store *st, const struct pl_st_history *h)
{
	char name[PL_ST_NAME_MAX + 32], text[96];

	pl_store_clear(st);
	for (size_t i = 0; i < h->n; i++) {
		const struct pl_st_incident *in = &h->v[i];

		pl_st_incident_format(in, text, sizeof(text));
		if (in->end == 0)
			pl_strlcpy(name, in->name, sizeof(name));
		else
			pl_snprintf(name, sizeof(name), "%lld %s", (long long)in->start, in->name);
		if (pl_store_keep(st, in->end == 0 ? "o" : "e", name, text) != 0)
			pl_die(PL_UNKNOWN, _("out of memory keeping the incidents"));
	}
}

/* ---- writing ---- */

/* A page's two files, each written to a temporary name of its own (random: nothing
 * planted under a known name blocks the write) and renamed over the old one only once
 * both are written, so a reader sees the old page or the new one, both of one run. The
 * functions that write are async-signal-safe (system calls on prepared buffers): the
 * "status unavailable" page is written by the timeout's handler and pl_die too. */
struct page_files {
	int dirfd;
	struct pl_buf json, html;
	char tmp[2][64];
};

static const char *const page_name[2] = { "status.json", "index.html" };

static void
tmp_names(struct page_files *pf)
{
	uint64_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL);
	for (int i = 0; i < 2; i++)
		pl_snprintf(pf->tmp[i], sizeof(pf->tmp[i]), ".%s.%016llx", page_name[i],
			    (unsigned long long)(r + (uint64_t)i));
}

/* One temporary file: 0, or -1 with errno (nothing left behind). */
static int
tmp_write(int dirfd, const char *tmp, const struct pl_buf *b)
{
	int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int e;

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0644) == 0 && pl_write_all(fd, b->data != NULL ? b->data : "", b->len) == 0 &&
	    fsync(fd) == 0 && close(fd) == 0)
		return 0;
	e = errno;
	(void)close(fd);
	(void)unlinkat(dirfd, tmp, 0);
	errno = e;
	return -1;
}

/* Both files into place: 0, or -1 with errno. */
static int
page_commit(const struct page_files *pf)
{
	const struct pl_buf *b[2] = { &pf->json, &pf->html };
	int e;

	for (int i = 0; i < 2; i++)
		if (tmp_write(pf->dirfd, pf->tmp[i], b[i]) != 0) {
			e = errno;
			if (i == 1)
				(void)unlinkat(pf->dirfd, pf->tmp[0], 0);
			errno = e;
			return -1;
		}
	for (int i = 0; i < 2; i++)
		if (renameat(pf->dirfd, pf->tmp[i], pf->dirfd, page_name[i]) != 0) {
			e = errno;
			for (int k = i; k < 2; k++)
				(void)unlinkat(pf->dirfd, pf->tmp[k], 0);
			errno = e;
			return -1;
		}
	return 0;
}

/* The "status unavailable" page, written if the run dies or times out after it was
 * prepared: never the last good page left up as current. */
static struct page_files fallback;

static void
fallback_write(void)
{
	(void)page_commit(&fallback);
}

static void
render(struct page_files *pf, const struct pl_st_page *pg, const struct pl_st_catalog *cat,
       const struct pl_st_history *h)
{
	pl_buf_reset(&pf->json);
	pl_buf_reset(&pf->html);
	pl_st_render_json(pg, cat, h, &pf->json);
	pl_st_render_html(pg, cat, h, &pf->html);
	if (pf->json.truncated || pf->html.truncated)
		pl_die(PL_UNKNOWN, _("the page is larger than 16 MiB: fewer services or --keep"));
}

static int
output_dir(const char *dir)
{
	int fd;

	char path[4096];
	size_t n = pl_strlcpy(path, dir, sizeof(path));
	struct stat st;

	if (dir[0] != '/')
		pl_usage_die(_("--output-dir %s: give an absolute path"), dir);
	if (n >= sizeof(path))
		pl_usage_die(_("--output-dir: the path is too long"));
	/* "link/" would follow the link: O_NOFOLLOW sees only the last component. */
	while (n > 1 && path[n - 1] == '/')
		path[--n] = '\0';
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		pl_die(PL_UNKNOWN, _("--output-dir %s: %s (make it, owned by the user this runs "
				     "as, not a symlink)"), dir, strerror(errno));
	if (fstat(fd, &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
		pl_die(PL_UNKNOWN, _("--output-dir %s is writable by every user, who could put "
				     "any page in its place: chmod o-w %s"), dir, dir);
	return fd;
}

/* Seconds east of UTC of the local time zone (the system's, /etc/localtime). */
static int
tz_offset(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	return localtime_r(&t, &tm) != NULL ? (int)tm.tm_gmtoff : 0;
}

/* ---- the run's own result ---- */

static void
report(const struct pl_st_catalog *cat, const struct pl_st_history *h, bool available,
       const char *why, const char *dir, struct pl_result *r)
{
	size_t n[PL_ST_NLEVELS] = { 0 }, open = 0;

	for (size_t i = 0; i < cat->n; i++) {
		n[cat->v[i].level]++;
		for (size_t k = 0; k < cat->v[i].nm && available; k++)
			if (cat->v[i].m[k].matched == 0)
				pl_result_finding(r, PL_WARNING, _("%s: nothing in the engine matches "
						  "%s%s%s"), cat->v[i].name, cat->v[i].m[k].host,
						  cat->v[i].m[k].service ? "!" : "",
						  cat->v[i].m[k].service ? cat->v[i].m[k].service : "");
	}
	for (size_t i = 0; i < h->n; i++)
		open += h->v[i].end == 0;
	if (!available)
		pl_result_finding(r, PL_UNKNOWN, "%s", why);
	pl_result_summary(r, _("page written to %s: %zu services, %s"), dir, cat->n,
			  pl_st_level_text(pl_st_overall(cat)));
	pl_metric_add(r, "services", (double)cat->n, PL_U_NONE);
	pl_metric_add(r, "operational", (double)n[PL_ST_OPERATIONAL], PL_U_NONE);
	pl_metric_add(r, "degraded", (double)(n[PL_ST_DEGRADED] + n[PL_ST_PARTIAL]), PL_U_NONE);
	pl_metric_add(r, "outage", (double)n[PL_ST_OUTAGE], PL_U_NONE);
	pl_metric_add(r, "maintenance", (double)n[PL_ST_MAINTENANCE], PL_U_NONE);
	pl_metric_add(r, "unknown", (double)n[PL_ST_UNKNOWN], PL_U_NONE);
	pl_metric_add(r, "incidents", (double)open, PL_U_NONE);
}

static void
check_options(const struct cfg *cfg)
{
	if (cfg->engine == 0)
		pl_usage_die(_("give --engine nagios or --engine icinga2 (where the states come "
			       "from)"));
	if (cfg->services == NULL)
		pl_usage_die(_("give --services FILE, the public catalogue ('Website = "
			       "web1!HTTPS, web2!HTTPS' lines)"));
	if (cfg->output_dir == NULL)
		pl_usage_die(_("give --output-dir DIR, where index.html and status.json go"));
	if (cfg->engine != ENG_NAGIOS && cfg->status_file != NULL)
		pl_usage_die(_("--status-file is for --engine nagios"));
	if (cfg->engine != ENG_ICINGA && (cfg->api_url != NULL || cfg->api_user != NULL))
		pl_usage_die(_("--api-url and --api-user are for --engine icinga2"));
}

/* The page of a run that could not read the engine, prepared before anything that may
 * fail and armed as the last word of a failure (pl_timeout_on_expire). */
static void
fallback_prepare(struct pl_st_catalog *cat, const struct pl_st_history *h,
		 const struct pl_st_page *base)
{
	struct pl_st_page pg = *base;

	pg.available = false;
	pg.data_time = 0;
	pg.why = _("The monitoring data could not be read; the statuses below are not "
		   "current.");
	pl_st_judge(cat, false, 0);
	pl_timeout_on_expire(NULL);
	render(&fallback, &pg, cat, h);
	pl_timeout_on_expire(fallback_write);
}

/* This run's page: the engine's records judged, the incidents recorded, both files
 * written. Returns whether the engine was read (why says why not). */
static bool
run_page(const struct cfg *cfg, struct pl_st_catalog *cat, struct pl_st_history *h,
	 struct pl_st_page *pg, char *why, size_t whylen)
{
	struct page_files pf = { .dirfd = fallback.dirfd };

	pg->available = engine_read(cfg, cat, why, whylen);
	pg->data_time = pl_st_data_time(cat);
	if (pg->available && pg->now - pg->data_time > (int64_t)cfg->max_age) {
		pg->available = false;
		pl_snprintf(why, whylen, _("the engine's newest check is older than %s: its data "
			    "is stale (is the engine running?)"), "--max-age");
	}
	pl_st_judge(cat, pg->available, (int64_t)cfg->max_age);
	if (pl_st_history_update(h, cat, pg->now, (size_t)cfg->keep,
				 (int64_t)cfg->keep_days) != 0)
		pl_die(PL_UNKNOWN, _("out of memory"));
	pg->why = pg->available ? NULL : _("The monitoring data could not be read; the "
					   "statuses below are not current.");
	pl_buf_init(&pf.json, (size_t)16 << 20);
	pl_buf_init(&pf.html, (size_t)16 << 20);
	tmp_names(&pf);
	render(&pf, pg, cat, h);
	if (page_commit(&pf) != 0)
		pl_die(PL_UNKNOWN, _("cannot write %s: %s (is --output-dir writable for this "
				     "user?)"), cfg->output_dir, strerror(errno));
	pl_timeout_on_expire(NULL);
	pl_buf_free(&pf.json);
	pl_buf_free(&pf.html);
	return pg->available;
}

int
main(int argc, char **argv)
{
	static struct cfg cfg = { .max_age = 900, .keep = 20, .keep_days = 86400.0 * 90,
				  .refresh = 60 };
	struct pl_st_catalog cat;
	struct pl_st_history h = { NULL, 0, 0 };
	struct pl_st_page pg = { 0 };
	struct pl_common c;
	struct pl_store st;
	struct pl_result r;
	struct pl_time now;
	char why[1200] = "", err[256], lang[32];
	size_t bad = 0;

	pl_plugin_parse(&status_plugin, argc, argv, &cfg, &c);
	check_options(&cfg);
#ifndef PL_ST_ICINGA
	if (cfg.engine == ENG_ICINGA)
		pl_plugin_exec_part("status_icinga2", PL_LIBEXECDIR, argv);
#endif
	pl_plugin_arm(&c);
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	catalog_read(cfg.services, &cat);
	cat.now = now.sec;
	pl_i18n_tag(lang, sizeof(lang));
	pg = (struct pl_st_page){ .title = cfg.title != NULL ? cfg.title : _("Service status"),
		.lang = lang, .now = now.sec, .tz_offset = tz_offset(now.sec),
		.refresh = (int)cfg.refresh };
	fallback.dirfd = output_dir(cfg.output_dir);
	pl_buf_init(&fallback.json, (size_t)16 << 20);
	pl_buf_init(&fallback.html, (size_t)16 << 20);
	tmp_names(&fallback);
	fallback_prepare(&cat, &h, &pg);
	(void)pl_plugin_store_load(&c, &st);   /* no state yet or a damaged one: no history */
	history_load(&st, &h, &bad);
	fallback_prepare(&cat, &h, &pg);
	run_page(&cfg, &cat, &h, &pg, why, sizeof(why));
	pl_result_init(&r, status_plugin.name, status_plugin.service);
	report(&cat, &h, pg.available, why, cfg.output_dir, &r);
	if (bad > 0)
		pl_result_line(&r, _("%zu stored incidents were damaged and dropped"), bad);
	history_store(&st, &h);
	pl_plugin_store_save(&c, &st, &r);
	pl_st_history_free(&h);
	pl_st_catalog_free(&cat);
	pl_exit(&r, &c);
}
