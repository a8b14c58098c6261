/* check_antivirus: ClamAV's clamd and its signatures.
 *
 * Asks clamd over its socket (unix or TCP) for PING and VERSION, each a connection of its
 * own under the deadline with a reply cap; reads the header of the newest daily database
 * on disk (daily.cld, daily.cvd or the unsigned daily.cud) for the signature age, and
 * compares the daily version clamd has loaded with the one on disk: when freshclam could
 * not tell clamd to reload, clamd goes on scanning with the old signatures. Optionally
 * reads the last scan's log for its infected count and age. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_clamav.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_range.h"
#include "pl_result.h"

#define REPLY_CAP 4096                        /* clamd's replies here are one short line */
#define DEFAULT_CONF "/etc/clamav/clamd.conf"
#define DEFAULT_SOCKET "/run/clamav/clamd.ctl"
#define DEFAULT_DBDIR "/var/lib/clamav"

struct av_config {
	const char *socket;
	const char *host;
	int port;
	const char *conf;
	const char *dbdir;
	enum pl_state loaded_old;    /* clamd runs an older daily than the disk has */
	const char *scan_log;
};

static const struct pl_option av_opts[] = {
	{ .name = "socket", .letter = 's', .type = PL_OPT_STRING, .arg = "PATH",
	  PL_OPT_AT(struct av_config, socket), .flags = PL_OPT_SYNOPSIS | PL_OPT_IDENTITY,
	  .help = N_("clamd's unix socket (default: LocalSocket of --clamd-conf; without one, "
		  "its TCPSocket on its TCPAddr (the loopback when none); else "
		  "/run/clamav/clamd.ctl).") },
	{ .name = "host", .letter = 'H', .type = PL_OPT_STRING, .arg = "HOST",
	  PL_OPT_AT(struct av_config, host), .flags = PL_OPT_IDENTITY,
	  .help = N_("Ask clamd over TCP on this host instead of the unix socket (clamd.conf "
		  "TCPSocket/TCPAddr).") },
	{ .name = "port", .letter = 'p', .type = PL_OPT_INT, .min = 1, .max = 65535,
	  PL_OPT_AT(struct av_config, port), .flags = PL_OPT_IDENTITY,
	  .help = N_("clamd's TCP port with --host (default: TCPSocket of --clamd-conf, else "
		  "3310).") },
	{ .name = "clamd-conf", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct av_config, conf),
	  .help = N_("clamd's configuration, read (when readable) for the LocalSocket, "
		  "TCPSocket, TCPAddr and DatabaseDirectory defaults (default "
		  "/etc/clamav/clamd.conf).") },
	{ .name = "database-dir", .type = PL_OPT_STRING, .arg = "DIR",
	  PL_OPT_AT(struct av_config, dbdir), .flags = PL_OPT_IDENTITY,
	  .help = N_("Where freshclam puts daily.cld/daily.cvd (default: DatabaseDirectory of "
		  "--clamd-conf, else /var/lib/clamav).") },
	{ .name = "loaded-old", .type = PL_OPT_STATE, PL_OPT_AT(struct av_config, loaded_old),
	  .help = N_("State when clamd runs an older daily database than the disk has "
		  "(default warning).") },
	{ .name = "scan-log", .type = PL_OPT_STRING, .arg = "FILE",
	  PL_OPT_AT(struct av_config, scan_log), .flags = PL_OPT_IDENTITY,
	  .help = N_("The log of the last scheduled clamscan/clamdscan run: its last summary's "
		  "'Infected files:' and the log's age (its modification time) are checked.") },
	{ .name = NULL },
};

static const char *const av_primary[] = { "signature_age", NULL };

static const struct pl_plugin av_plugin = {
	.name = "check_antivirus",
	.service = "ANTIVIRUS",
	.purpose = N_("ClamAV: clamd answering, signature age, loaded versus on-disk signatures"),
	.description =
		N_("Sends PING and VERSION to clamd (unix socket or TCP), each under --timeout "
		"with a 4 KiB reply cap: clamd not answering is CRITICAL, a reply that is not "
		"clamd's is UNKNOWN (what came back is shown, escaped). Reads the 512-byte "
		"header of the newest daily database in --database-dir (daily.cld, daily.cvd "
		"or daily.cud) for the signatures' build time: -w/-c apply to their age "
		"(default -w 2d -c 7d). When clamd's loaded daily version is older than the "
		"one on disk, freshclam could not make clamd reload: --loaded-old's state "
		"(default warning). With --scan-log, the last scan's infected count (default "
		"critical above 0) and the log's age (default warning over 2d, critical over "
		"7d) are checked too."),
	.options = av_opts,
	.primary = av_primary,
	.metrics =
		N_("signature_age (seconds since the disk's daily database was built); with "
		"--scan-log: infected (files found in the last summary), scan_log_age "
		"(seconds since the log was written). Facts: engine, daily (the version clamd "
		"has loaded), signature_date, disk_daily."),
	.examples =
		N_("  check_antivirus\n"
		"      clamd on the socket of /etc/clamav/clamd.conf, signatures in "
		"/var/lib/clamav.\n"
		"  check_antivirus -w 1d -c 3d --loaded-old=critical\n"
		"      Tighter signature age; clamd running old signatures is critical.\n"
		"  check_antivirus -H 127.0.0.1 -p 3310 -t 5\n"
		"      clamd over TCP.\n"
		"  check_antivirus --scan-log /var/log/clamav/daily-scan.log "
		"--warningx scan_log_age=26h\n"
		"      Also the nightly scan: infected files are critical, a log older than "
		"26 hours warns.\n"),
	.uses_state = false,
};

/* Where clamd is, for messages. */
struct av_target {
	char name[300];              /* "unix socket /run/clamav/clamd.ctl", "127.0.0.1:3310" */
	const char *path;            /* unix: the socket */
	const char *host;
	char hostbuf[256];           /* clamd.conf's TCPAddr, when that is the host */
	char port[8];
};

enum av_ask { AV_OK, AV_DOWN, AV_TIMEOUT };

/* Waits for fd to be ready for events under the process deadline: 0, or -1 (expired,
 * errno ETIMEDOUT) or an error in errno. */
static int
av_wait(int fd, short events)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n = pl_deadline_poll(NULL, &p, 1);

	if (n < 0)
		return -1;
	if (n == 0) {
		errno = ETIMEDOUT;
		return -1;
	}
	return 0;
}

/* Connects a non-blocking socket of family to addr under the deadline: fd, or -1 with
 * errno (ETIMEDOUT when the deadline passed). */
static int
av_connect_one(int family, int socktype, int proto, const struct sockaddr *addr,
	       socklen_t addrlen)
{
	int fd = socket(family, socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, proto), e = 0;
	socklen_t sl = sizeof(e);

	if (fd < 0)
		return -1;
	if (connect(fd, addr, addrlen) == 0)
		return fd;
	if (errno == EINPROGRESS || errno == EAGAIN) {
		if (av_wait(fd, POLLOUT) == 0) {
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) == 0 && e == 0)
				return fd;
			if (e != 0)
				errno = e;
		}
	}
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* A non-blocking connection to clamd: fd, or -1 with why in err and errno set
 * (ETIMEDOUT when the deadline passed). */
static int
av_connect(const struct av_target *t, char *err, size_t errlen)
{
	struct addrinfo hints, *ai = NULL;
	int fd = -1, rc, e = ENOENT;

	if (t->path != NULL) {
		struct sockaddr_un sun;

		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		if (strlen(t->path) >= sizeof(sun.sun_path)) {
			pl_snprintf(err, errlen, _("socket path too long (%zu bytes, at most %zu)"),
				    strlen(t->path), sizeof(sun.sun_path) - 1);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(sun.sun_path, t->path, strlen(t->path));
		fd = av_connect_one(AF_UNIX, SOCK_STREAM, 0, (struct sockaddr *)&sun, sizeof(sun));
		e = errno;
	} else {
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		/* getaddrinfo() takes no timeout: pl_timeout's backstop covers a hung
		 * resolver. */
		rc = getaddrinfo(t->host, t->port, &hints, &ai);
		if (rc != 0) {
			pl_snprintf(err, errlen, _("cannot resolve %s: %s"), t->host,
				    gai_strerror(rc));
			errno = ENOENT;
			return -1;
		}
		for (const struct addrinfo *a = ai; a != NULL && fd < 0; a = a->ai_next) {
			fd = av_connect_one(a->ai_family, a->ai_socktype, a->ai_protocol,
					    a->ai_addr, a->ai_addrlen);
			e = errno;
			if (fd < 0 && e == ETIMEDOUT)
				break;
		}
		freeaddrinfo(ai);
	}
	if (fd >= 0)
		return fd;
	pl_snprintf(err, errlen, _("connect: %s"), e == ETIMEDOUT ? _("no connection before the "
		    "deadline") : strerror(e));
	errno = e;
	return -1;
}

/* Sends "zCMD\0" and reads the reply up to its NUL, EOF or REPLY_CAP bytes, all under the
 * deadline. */
static enum av_ask
av_ask(const struct av_target *t, const char *cmd, struct pl_buf *reply, char *err,
       size_t errlen)
{
	char msg[64], chunk[512];
	size_t n, off = 0;
	int fd;

	pl_buf_reset(reply);
	fd = av_connect(t, err, errlen);
	if (fd < 0)
		return errno == ETIMEDOUT ? AV_TIMEOUT : AV_DOWN;
	n = (size_t)pl_snprintf(msg, sizeof(msg), "z%s", cmd) + 1;   /* with its NUL */
	while (off < n) {
		ssize_t w = send(fd, msg + off, n - off, MSG_NOSIGNAL);

		if (w > 0) {
			off += (size_t)w;
		} else if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			if (av_wait(fd, POLLOUT) != 0)
				goto fail;
		} else {
			goto fail;
		}
	}
	for (;;) {
		ssize_t r = recv(fd, chunk, sizeof(chunk), 0);

		if (r > 0) {
			size_t take = (size_t)r;

			if (reply->len + take > REPLY_CAP)
				take = REPLY_CAP - reply->len;
			pl_buf_add(reply, chunk, take);
			if (memchr(chunk, '\0', take) != NULL || reply->len >= REPLY_CAP)
				break;
		} else if (r == 0) {
			break;
		} else if (errno == EAGAIN || errno == EINTR) {
			if (av_wait(fd, POLLIN) != 0)
				goto fail;
		} else {
			goto fail;
		}
	}
	close(fd);
	return AV_OK;
fail:
	{
		int e = errno;

		close(fd);
		if (e == ETIMEDOUT) {
			pl_snprintf(err, errlen, _("no answer to %s before the deadline (%zu bytes "
				    "received)"), cmd, reply->len);
			return AV_TIMEOUT;
		}
		pl_snprintf(err, errlen, "%s: %s", cmd, strerror(e));
		return AV_DOWN;
	}
}

/* The reply as a message shows it: escaped (a NUL as \x00), cut. */
static const char *
av_shown(const struct pl_buf *reply, char *out, size_t len)
{
	pl_clamav_show(out, len, reply->data, reply->len);
	return out;
}

/* PING and VERSION. Returns true when clamd answered both as clamd does, with *v filled. */
static bool
av_clamd(const struct av_target *t, const struct pl_common *c, struct pl_result *r,
	 struct pl_clamd_version *v)
{
	struct pl_buf reply = PL_BUF_INIT;
	char err[512], shown[256];
	enum av_ask a;
	bool ok = false;

	pl_buf_init(&reply, REPLY_CAP + 1);
	a = av_ask(t, "PING", &reply, err, sizeof(err));
	if (a != AV_OK) {
		if (a == AV_TIMEOUT)
			pl_result_finding(r, c->timeout_state, _("clamd at %s does not answer: %s"),
					  t->name, err);
		else
			pl_result_finding(r, PL_CRITICAL, _("clamd at %s unreachable: %s"), t->name,
					  err);
		goto out;
	}
	if (!(reply.len >= 4 && memcmp(reply.data, "PONG", 4) == 0 &&
	      (reply.len == 4 || reply.data[4] == '\0' || reply.data[4] == '\n'))) {
		pl_result_finding(r, PL_UNKNOWN, _("clamd at %s answered PING with '%s' "
				  "(expected PONG)"), t->name, av_shown(&reply, shown, sizeof(shown)));
		goto out;
	}
	a = av_ask(t, "VERSION", &reply, err, sizeof(err));
	if (a != AV_OK) {
		pl_result_finding(r, a == AV_TIMEOUT ? c->timeout_state : PL_CRITICAL,
				  _("clamd at %s answered PING but not VERSION: %s"), t->name, err);
		goto out;
	}
	if (pl_clamd_version_parse(reply.data, reply.len, v, err, sizeof(err)) != 0) {
		pl_result_finding(r, PL_UNKNOWN, _("clamd at %s: %s"), t->name, err);
		goto out;
	}
	ok = true;
out:
	pl_buf_free(&reply);
	return ok;
}

/* The newest daily database in dir (by version): true with *h and its name, false with
 * a finding made. */
static bool
av_disk(const char *dir, struct pl_result *r, struct pl_cvd_header *h, char *name,
	size_t namelen)
{
	static const char *const files[] = { "daily.cld", "daily.cvd", "daily.cud" };
	bool found = false, bad = false;
	char firstbad[700] = "";

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[4096], buf[PL_CVD_HEADER], err[400];
		struct pl_cvd_header x;
		ssize_t n;
		int fd;

		pl_snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
		if (fd < 0) {
			if (errno != ENOENT && !bad) {
				pl_snprintf(firstbad, sizeof(firstbad), _("cannot open %s: %s"), path,
					    strerror(errno));
				bad = true;
			}
			continue;
		}
		n = read(fd, buf, sizeof(buf));
		close(fd);
		if (pl_cvd_header_parse(buf, n < 0 ? 0 : (size_t)n, &x, err, sizeof(err)) != 0) {
			if (!bad)
				pl_snprintf(firstbad, sizeof(firstbad), "%s: %s", path, err);
			bad = true;
			continue;
		}
		if (!found || x.version > h->version) {
			*h = x;
			pl_strlcpy(name, files[i], namelen);
			found = true;
		}
	}
	if (bad)
		pl_result_finding(r, PL_UNKNOWN, "%s", firstbad);
	else if (!found)
		pl_result_finding(r, PL_CRITICAL, _("no daily database in %s (daily.cld or "
				  "daily.cvd): run freshclam"), dir);
	return found && !bad;
}

static void
av_default(struct pl_metric *m, const char *w, const char *c)
{
	char err[128];

	if (w != NULL)
		pl_range_parse(w, &m->warn, err, sizeof(err));
	if (c != NULL)
		pl_range_parse(c, &m->crit, err, sizeof(err));
}

/* How much of the end of a scan log is read: the last summary is at the end, and a log
 * that clamscan appends to (--log) grows without bound. */
#define LOG_TAIL (256u << 10)

/* The scan log: its last summary and its age (the modification time of the file read). */
static void
av_scan_log(const char *path, const struct pl_time *now, struct pl_result *r)
{
	struct pl_buf buf = PL_BUF_INIT;
	struct pl_scan_summary s;
	struct pl_metric *m;
	struct stat st;
	char err[512];
	double age;
	off_t from;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		pl_result_finding(r, PL_UNKNOWN, _("scan log %s: %s"), path,
				  fd < 0 ? strerror(errno) : _("not a regular file"));
		goto out;
	}
	from = st.st_size > (off_t)LOG_TAIL ? st.st_size - (off_t)LOG_TAIL : 0;
	pl_buf_init(&buf, LOG_TAIL + 1);
	for (;;) {
		char chunk[8192];
		ssize_t n = pread(fd, chunk, sizeof(chunk), from);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pl_result_finding(r, PL_UNKNOWN, _("cannot read scan log %s: %s"), path,
					  strerror(errno));
			goto out;
		}
		if (n == 0 || pl_buf_add(&buf, chunk, (size_t)n) != 0)
			break;
		from += n;
	}
	if (pl_scan_summary_parse(buf.data, buf.len, &s, err, sizeof(err)) != 0) {
		pl_result_finding(r, PL_UNKNOWN, _("scan log %s: %s"), path, err);
		goto out;
	}
	age = (double)(now->sec - st.st_mtim.tv_sec);
	m = pl_metric_add(r, "scan_log_age", age < 0 ? 0 : age, PL_U_SECONDS);
	av_default(m, "2d", "7d");
	if (!s.found) {
		pl_result_finding(r, PL_UNKNOWN, _("scan log %s has no scan summary ('Infected "
				  "files:'): is it the log of clamscan/clamdscan?"), path);
		goto out;
	}
	m = pl_metric_add(r, "infected", (double)s.infected, PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	av_default(m, NULL, "0");
	pl_result_summary_add(r, ", ");
	pl_result_summary_metric(r, m, _("last scan: %llu infected"), (unsigned long long)s.infected);
	if (s.has_scanned)
		pl_result_line(r, _("last scan (%s): %llu files scanned, %llu infected"), path,
			       (unsigned long long)s.scanned, (unsigned long long)s.infected);
out:
	if (fd >= 0)
		close(fd);
	pl_buf_free(&buf);
}

/* What clamd.conf says of where clamd listens and where its databases are ("" when it
 * does not say). */
struct av_conf {
	char local[1024];            /* LocalSocket */
	char tcp_port[8];            /* TCPSocket */
	char tcp_addr[256];          /* TCPAddr (the last one given) */
	char dbdir[1024];            /* DatabaseDirectory */
};

/* Reads clamd.conf when readable (a --clamd-conf given that cannot be read: UNKNOWN). */
static void
av_conf_read(const struct av_config *cfg, struct av_conf *cf)
{
	struct pl_buf buf = PL_BUF_INIT;
	char err[256];

	memset(cf, 0, sizeof(*cf));
	pl_buf_init(&buf, 1u << 20);
	if (pl_read_file(NULL, cfg->conf != NULL ? cfg->conf : DEFAULT_CONF, &buf, err,
			 sizeof(err)) == 0) {
		if (pl_clamd_conf_get(buf.data, buf.len, "LocalSocket", cf->local,
				      sizeof(cf->local)) != 1)
			cf->local[0] = '\0';
		if (pl_clamd_conf_get(buf.data, buf.len, "TCPSocket", cf->tcp_port,
				      sizeof(cf->tcp_port)) != 1)
			cf->tcp_port[0] = '\0';
		if (pl_clamd_conf_get(buf.data, buf.len, "TCPAddr", cf->tcp_addr,
				      sizeof(cf->tcp_addr)) != 1)
			cf->tcp_addr[0] = '\0';
		if (pl_clamd_conf_get(buf.data, buf.len, "DatabaseDirectory", cf->dbdir,
				      sizeof(cf->dbdir)) != 1)
			cf->dbdir[0] = '\0';
	} else if (cfg->conf != NULL) {
		pl_buf_free(&buf);
		pl_die(PL_UNKNOWN, "--clamd-conf: %s", err);
	}
	pl_buf_free(&buf);
}

/* clamd.conf's TCPSocket as a port, or UNKNOWN saying which file is wrong. */
static void
av_conf_port(const struct av_config *cfg, const char *text, char *port, size_t portlen)
{
	int64_t n;

	if (pl_parse_i64(text, 1, 65535, &n) != 0)
		pl_die(PL_UNKNOWN, _("%s: TCPSocket '%s' is not a port (1 to 65535); fix it or "
		       "give --socket or --host"), cfg->conf != NULL ? cfg->conf : DEFAULT_CONF,
		       text);
	pl_snprintf(port, portlen, "%lld", (long long)n);
}

/* Where clamd is. --host (with --port, else clamd.conf's TCPSocket, else 3310), or
 * --socket; else clamd.conf's LocalSocket; else its TCPSocket on its TCPAddr (none, or
 * one that means every address: the loopback); else DEFAULT_SOCKET. */
static void
av_target_of(const struct av_config *cfg, const struct av_conf *cf, struct av_target *t)
{
	memset(t, 0, sizeof(*t));
	if (cfg->host != NULL) {
		t->host = cfg->host;
		if (cfg->port != 0)
			pl_snprintf(t->port, sizeof(t->port), "%d", cfg->port);
		else if (cf->tcp_port[0])
			av_conf_port(cfg, cf->tcp_port, t->port, sizeof(t->port));
		else
			pl_strlcpy(t->port, "3310", sizeof(t->port));
	} else if (cfg->socket == NULL && cf->local[0] == '\0' && cf->tcp_port[0]) {
		const char *a = cf->tcp_addr;

		if (a[0] == '\0' || strcmp(a, "0.0.0.0") == 0)
			a = "127.0.0.1";
		else if (strcmp(a, "::") == 0)
			a = "::1";
		pl_strlcpy(t->hostbuf, a, sizeof(t->hostbuf));
		t->host = t->hostbuf;
		av_conf_port(cfg, cf->tcp_port, t->port, sizeof(t->port));
	} else {
		t->path = cfg->socket != NULL ? cfg->socket : cf->local[0] ? cf->local :
			  DEFAULT_SOCKET;
		pl_snprintf(t->name, sizeof(t->name), "%s", t->path);
		return;
	}
	pl_snprintf(t->name, sizeof(t->name), _("%s port %s"), t->host, t->port);
}

/* What clamd said of itself (have_v: it answered), as facts and the summary's start. */
static void
av_report_clamd(bool have_v, const struct pl_clamd_version *v, struct pl_result *r)
{
	if (!have_v) {
		pl_result_summary_add(r, _("clamd not answering"));
		return;
	}
	pl_result_fact(r, "engine", "%s", v->engine);
	if (v->has_daily) {
		pl_result_fact(r, "daily", "%llu", (unsigned long long)v->daily);
		pl_result_fact(r, "signature_date", "%s", v->date);
		pl_result_summary_add(r, _("clamd %s daily %llu"), v->engine,
				      (unsigned long long)v->daily);
	} else {
		pl_result_summary_add(r, _("clamd %s"), v->engine);
		pl_result_line(r, _("clamd reports no daily version (no daily.* database loaded)"));
	}
}

/* The database on disk (have_h: its header was read from dbdir/file) against the clock
 * and against what clamd has loaded. */
static void
av_judge_disk(const struct av_config *cfg, const struct pl_time *now, bool have_v,
	      const struct pl_clamd_version *v, bool have_h, const struct pl_cvd_header *h,
	      const char *file, struct pl_result *r)
{
	double age = have_h ? pl_time_diff(now, &h->built) : NAN;
	/* A database from the future (a clock set back) counts as fresh, not negative. */
	struct pl_metric *m = pl_metric_add(r, "signature_age", have_h && age < 0 ? 0 : age,
					    PL_U_SECONDS);
	char shown[32], date[PL_RFC3339_SIZE];

	av_default(m, "2d", "7d");
	if (!have_h) {
		pl_metric_missing(m, PL_MISSING_LASTING, _("no readable daily database"),
				  _("run freshclam, check --database-dir"));
		return;
	}
	pl_rfc3339_format(&h->built, 0, date, sizeof(date));
	pl_result_fact(r, "disk_daily", "%llu", (unsigned long long)h->version);
	pl_result_summary_add(r, ", ");
	pl_unit_human(shown, sizeof(shown), m->value, PL_U_SECONDS);
	pl_result_summary_metric(r, m, _("signatures %s old"), shown);
	pl_result_line(r, _("%s/%s: daily %llu built %s, %llu signatures"), cfg->dbdir, file,
		       (unsigned long long)h->version, date, (unsigned long long)h->sigs);
	if (have_v && v->has_daily && v->daily < h->version)
		pl_result_finding(r, cfg->loaded_old, _("clamd runs daily %llu but disk has %llu: "
				  "run clamdscan --reload or restart clamd"),
				  (unsigned long long)v->daily, (unsigned long long)h->version);
	else if (have_v && v->has_daily && v->daily > h->version)
		pl_result_line(r, _("clamd runs daily %llu, newer than the disk's %llu"),
			       (unsigned long long)v->daily, (unsigned long long)h->version);
}

int
main(int argc, char **argv)
{
	struct av_config cfg = { .loaded_old = PL_WARNING };
	struct pl_clamd_version v;
	struct pl_cvd_header h;
	struct av_target t;
	struct pl_common c;
	struct pl_result r;
	struct pl_time now;
	struct av_conf cf;
	char err[256], file[16];
	bool have_v, have_h;

	pl_plugin_parse(&av_plugin, argc, argv, &cfg, &c);
	if (cfg.port != 0 && cfg.host == NULL)
		pl_usage_die(_("--port needs --host (clamd's TCP address)"));
	if (cfg.host != NULL && cfg.socket != NULL)
		pl_usage_die(_("--socket and --host are two ways to reach clamd: give one"));
	pl_plugin_arm(&c);
	if (pl_clock_now(&now, err, sizeof(err)) != 0)
		pl_die(PL_UNKNOWN, "%s", err);
	av_conf_read(&cfg, &cf);
	av_target_of(&cfg, &cf, &t);
	if (cfg.dbdir == NULL)
		cfg.dbdir = cf.dbdir[0] ? cf.dbdir : DEFAULT_DBDIR;
	pl_result_init(&r, av_plugin.name, av_plugin.service);
	pl_result_summary(&r, "%s", "");

	have_v = av_clamd(&t, &c, &r, &v);
	av_report_clamd(have_v, &v, &r);
	have_h = av_disk(cfg.dbdir, &r, &h, file, sizeof(file));
	av_judge_disk(&cfg, &now, have_v, &v, have_h, &h, file, &r);
	if (cfg.scan_log != NULL)
		av_scan_log(cfg.scan_log, &now, &r);
	pl_exit(&r, &c);
}
