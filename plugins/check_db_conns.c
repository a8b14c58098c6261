/* check_db_conns: how close a database server is to refusing connections.
 *
 * PostgreSQL (libpq, lib/ext/pl_pg) and MySQL/MariaDB (libmariadb, lib/ext/pl_my) are
 * asked for their connections and every limit that can refuse one; the headroom is
 * reported against the tightest of them (lib/source/pl_dbconns). A socket mode needs no
 * credentials and works for any server: it counts the established TCP connections to a
 * local port in /proc/net/tcp and /proc/net/tcp6 (lib/source/pl_nettcp). Each backend is
 * built when configure finds its library; one that was not says so.
 *
 * One source, three programs (plugins/Makefile.am): check_db_conns itself (PL_DBC_FRONT,
 * libc only: the socket mode, and for a server the program of its backend, executed in
 * its place with the same arguments before anything is armed), db_conns_pgsql (PL_DBC_PG,
 * links libpq) and db_conns_mysql (PL_DBC_MY, links libmariadb), found beside
 * check_db_conns or in PL_LIBEXECDIR. Loading libpq with the Kerberos, LDAP and TLS
 * libraries it pulls in costs more than a whole MySQL check (25 ms of 30 on a busy bench
 * host): a MySQL or socket check never pays for it, nor a PostgreSQL one for libmariadb. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_counter.h"
#include "pl_dbconns.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_nettcp.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_sample.h"
#include "pl_timeout.h"
#if defined(PL_DBC_PG) || defined(PL_DBC_MY)
#define DBC_SERVER 1
#endif
#if defined(PL_DBC_PG)
#define DBC_PG 1
#include "pl_pg.h"
#elif defined(PL_DBC_MY)
#define DBC_MY 1
#include "pl_my.h"
#endif

enum db_type { DB_NONE = 0, DB_PGSQL, DB_MYSQL, DB_SOCKET };

struct db_config {
	int type;                    /* enum db_type */
	const char *host, *socket, *user, *password, *database, *service, *option_file;
	const char *passfile;
	int port;                    /* 0: the default */
	int limit;                   /* socket mode: the server's limit; 0: unknown */
	bool per_remote;
};

static const struct pl_choice types[] = {
	{ "pgsql", DB_PGSQL, false }, { "postgres", DB_PGSQL, true },
	{ "postgresql", DB_PGSQL, true }, { "mysql", DB_MYSQL, false },
	{ "mariadb", DB_MYSQL, true }, { "socket", DB_SOCKET, false }, { NULL, 0, false },
};

#define ID (PL_OPT_IDENTITY)

static const struct pl_option db_opts[] = {
	{ .name = "type", .type = PL_OPT_CHOICE, .arg = "TYPE", .choices = types,
	  .flags = ID | PL_OPT_SYNOPSIS, PL_OPT_AT(struct db_config, type),
	  .help = N_("What to ask: pgsql (PostgreSQL, through libpq), mysql (MySQL or MariaDB, "
		  "through libmariadb), or socket (the established TCP connections to the local "
		  "--port, from /proc/net/tcp and /proc/net/tcp6: any server, no credentials). "
		  "Required.") },
	{ .name = "hostname", .letter = 'H', .type = PL_OPT_STRING, .arg = "HOST", .flags = ID,
	  PL_OPT_AT(struct db_config, host),
	  .help = N_("The server's name or address, over TCP (default: the library's default, a "
		  "Unix socket; libpq also reads PGHOST).") },
	{ .name = "host", .type = PL_OPT_STRING, .arg = "HOST", .flags = ID,
	  PL_OPT_AT(struct db_config, host), .help = N_("The same as --hostname.") },
	{ .name = "port", .letter = 'P', .type = PL_OPT_INT, .min = 1, .max = 65535,
	  .flags = ID, PL_OPT_AT(struct db_config, port),
	  .help = N_("The server's TCP port (default 5432 for pgsql, 3306 for mysql; required for "
		  "socket). With --socket, PostgreSQL takes it for the socket's name too "
		  "(.s.PGSQL.PORT).") },
	{ .name = "socket", .type = PL_OPT_STRING, .arg = "PATH", .flags = ID,
	  PL_OPT_AT(struct db_config, socket),
	  .help = N_("A Unix socket instead of TCP: for pgsql the directory that holds it "
		  "(/var/run/postgresql), for mysql the socket itself (/run/mysqld/mysqld.sock).") },
	{ .name = "user", .type = PL_OPT_STRING, .arg = "USER", .flags = ID,
	  PL_OPT_AT(struct db_config, user),
	  .help = N_("The user to log in as (default: the library's: the user running the check, "
		  "PGUSER, or the option file's).") },
	{ .name = "password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PLUMBLINE_DB_PASSWORD", PL_OPT_AT(struct db_config, password),
	  .help = N_("The password. Without one, the usual places are asked: for pgsql the "
		  "password file (--pgpass, PGPASSFILE or ~/.pgpass) and a service (--service), "
		  "for mysql the option file (--option-file).") },
	{ .name = "database", .type = PL_OPT_STRING, .arg = "NAME", .flags = ID,
	  PL_OPT_AT(struct db_config, database),
	  .help = N_("The database to connect to (default: postgres for pgsql, none for mysql). "
		  "The counts cover every database either way.") },
	{ .name = "service", .type = PL_OPT_STRING, .arg = "NAME", .flags = ID,
	  PL_OPT_AT(struct db_config, service),
	  .help = N_("pgsql: a service of the service file (pg_service.conf: host, port, user, "
		  "dbname...); mysql: the group of the option file to read (default client).") },
	{ .name = "option-file", .type = PL_OPT_STRING, .arg = "FILE", .flags = ID,
	  PL_OPT_AT(struct db_config, option_file),
	  .help = N_("pgsql: the service file (instead of PGSERVICEFILE or ~/.pg_service.conf); "
		  "mysql: an option file in my.cnf format ([client] user=..., password=...). A file "
		  "named here that is not there or cannot be read is an error, never silently "
		  "skipped. It must be an absolute path, not a symlink, of root or the user running "
		  "the check and writable by nobody else; one that sets a password must be mode "
		  "600.") },
	{ .name = "pgpass", .type = PL_OPT_STRING, .arg = "FILE", .flags = ID,
	  PL_OPT_AT(struct db_config, passfile),
	  .help = N_("pgsql: the password file (.pgpass format), held to the rules of "
		  "--password-file: mode 600, not a symlink, of root or the user running the check. "
		  "Missing is an error.") },
	{ .name = "limit", .type = PL_OPT_INT, .min = 1, .max = 10000000,
	  PL_OPT_AT(struct db_config, limit),
	  .help = N_("socket: the server's connection limit (its max_connections), for used_pct "
		  "and slots_left; without it only the count is reported.") },
	{ .name = "per-remote", .type = PL_OPT_SWITCH, PL_OPT_AT(struct db_config, per_remote),
	  .help = N_("socket: report the connections of each remote address as well "
		  "(remote_ADDR_connections).") },
	{ .name = NULL },
};

static const char *const db_primary[] = { "used_pct", "slots_left", "connections", NULL };

static const struct pl_plugin db_plugin = {
	.name = "check_db_conns",
	.service = "DB_CONNS",
	.purpose = N_("connections of a PostgreSQL or MySQL/MariaDB server against its tightest limit"),
	.description =
		N_("Reports how many client connections a database server has and how close it is "
		"to refusing the next one: the headroom against the tightest of its limits, and "
		"which one that is. PostgreSQL: max_connections minus the slots kept for "
		"superusers (superuser_reserved_connections, and reserved_connections from 16), "
		"each database's datconnlimit and each role's rolconnlimit; only client backends "
		"count (not background workers or WAL senders), and the check's own connection "
		"is left out. MySQL/MariaDB: max_connections (against Threads_connected without "
		"the check's own connection) and max_user_connections for each user: the global "
		"one, or the account's own (WITH MAX_USER_CONNECTIONS; other accounts' are read "
		"from mysql.user: GRANT SELECT ON mysql.user to the check's user). A limit of "
		"0 (a database closed on purpose) is no limit here.\n"
		"Also: the connections per database, per user and per state (active, idle, idle "
		"in transaction), and how long the oldest session has been idle inside a "
		"transaction, measured from its last statement (state_change; a session that "
		"works inside a long transaction is not idle). MySQL: Threads_running, aborted "
		"connection attempts per second (from the state file, so the check never sleeps "
		"after its first run) and Max_used_connections (the peak since start: perfdata "
		"only, it never goes down). On MySQL the per user figures need the PROCESS "
		"privilege; without it the check says it sees only its own sessions.\n"
		"Credentials never come from the command line: the password from --password-file, "
		"PLUMBLINE_DB_PASSWORD or the --extra-opts file; libpq's own password file and "
		"services, and MySQL option files, work as usual. A wrong password or an unknown "
		"user is UNKNOWN (the check cannot judge); a server that cannot be reached, or "
		"that refuses the check because no slot is left, is CRITICAL with the reason. "
		"Connecting and every query are bounded by --timeout.\n"
		"--type socket needs no credentials and works for any server: the established TCP "
		"connections to the local --port (the server's side only), with --limit for the "
		"headroom; no listener on the port is CRITICAL."),
	.options = db_opts,
	.primary = db_primary,
	.primary_help =
		N_("The primary metric, for -w and -c, is 'used_pct' (percent of the tightest "
		"limit) wherever a limit is known: always for pgsql and mysql, and in socket mode "
		"with --limit. In socket mode without --limit there is no limit, and -w and -c "
		"apply to 'connections' (a count: -c 200 is CRITICAL over 200 connections). For "
		"slots_left, name it: --criticalx slots_left=5: (CRITICAL under 5 left)."),
	.metrics =
		N_("connections (client connections), used_pct (percent of the tightest limit), "
		"slots_left (connections left before it), limit (its value); max_connections "
		"(the server's usable limit); active, idle, idle_in_transaction, other (per "
		"state), oldest_idle_in_transaction (seconds, 0: none); db_NAME_connections and "
		"user_NAME_connections per database and user (NAME with any byte other than "
		"letters, digits, '_', '.' and '-' written as _xHH). MySQL also: "
		"threads_connected, threads_running, aborted_connects (per second), "
		"max_used_connections. Socket mode: connections, listeners, and with --limit "
		"used_pct and slots_left; with --per-remote remote_ADDR_connections."),
	.examples =
		N_("  check_db_conns --type pgsql --socket /var/run/postgresql --user nagios -w 80 -c 90\n"
		"      PostgreSQL over its Unix socket (peer authentication): warn above 80% of the\n"
		"      tightest limit, critical above 90%.\n"
		"  check_db_conns --type pgsql -H db1 --user monitor --password-file /etc/nagios/pg.pw "
		"--warningx 'oldest_idle_in_transaction=~:300'\n"
		"      Over TCP with a password from a file; warn when a session has sat idle in a\n"
		"      transaction for more than five minutes.\n"
		"  check_db_conns --type pgsql --service monitor --criticalx 'slots_left=5:'\n"
		"      Host, port and user from the service 'monitor' of ~/.pg_service.conf;\n"
		"      critical when fewer than five connections are left.\n"
		"  check_db_conns --type mysql --option-file /etc/nagios/my.cnf -w 80 -c 95 "
		"--warningx aborted_connects=1\n"
		"      MariaDB with the credentials of an option file; warn above one aborted\n"
		"      connection attempt per second.\n"
		"  check_db_conns --type socket --port 5432 --limit 100 -w 80 -c 90 --per-remote\n"
		"      No credentials: the TCP connections to port 5432, and from which addresses.\n"),
	.uses_state = true,
};

#ifdef DBC_SERVER
/* How texts name the server: "PostgreSQL at 127.0.0.1:5432", "... at socket /run/x". */
static void
target_text(const struct db_config *cfg, char *out, size_t len)
{
	const char *kind = cfg->type == DB_PGSQL ? "PostgreSQL" : "MySQL";
	char e[300];

	if (cfg->socket != NULL) {
		pl_name_str(e, sizeof(e), cfg->socket);
		pl_snprintf(out, len, _("%s at socket %s"), kind, e);
	} else if (cfg->host != NULL) {
		pl_name_str(e, sizeof(e), cfg->host);
		if (cfg->port > 0)
			pl_snprintf(out, len, _("%s at %s:%d"), kind, e, cfg->port);
		else
			pl_snprintf(out, len, _("%s at %s"), kind, e);
	} else if (cfg->service != NULL && cfg->type == DB_PGSQL) {
		pl_name_str(e, sizeof(e), cfg->service);
		pl_snprintf(out, len, _("%s of service %s"), kind, e);
	} else {
		pl_snprintf(out, len, _("%s (the default server)"), kind);
	}
}
#endif

/* Whether an option file sets a password: a line whose name (before '=') starts with
 * "pass" (MySQL takes a prefix of an option's name; libpq's service file says password). */
static bool
holds_password(const char *s, size_t n)
{
	const char *end = s + n;

	while (s < end) {
		const char *e = memchr(s, '\n', (size_t)(end - s));

		if (e == NULL)
			e = end;
		while (s < e && (*s == ' ' || *s == '\t'))
			s++;
		if (e - s >= 4 && strncasecmp(s, "pass", 4) == 0) {
			const char *k = s + 4;

			while (k < e && ((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') ||
					 *k == '-' || *k == '_'))
				k++;
			while (k < e && (*k == ' ' || *k == '\t'))
				k++;
			if (k < e && *k == '=')
				return true;
		}
		s = e + 1;
	}
	return false;
}

static void
wipe(struct pl_buf *b)
{
	if (b->data != NULL)
		explicit_bzero(b->data, b->size);
	pl_buf_free(b);
}

/* A file an option names must be there (the libraries skip a missing one silently) and
 * trusted as the suite's secret files are: never a symlink, of root or the user running
 * the check, writable by nobody else. A password file (--pgpass) must also be closed to
 * group and others; an option file only when it sets a password (a service file of host
 * names may be shared). libpq would only warn on stderr about an open .pgpass, and skip
 * it. */
static void
need_file(const char *opt, const char *path, bool secret)
{
	struct pl_file_rules r = { PL_FILE_TRUSTED | PL_FILE_SENSITIVE, (size_t)1 << 20,
				   secret ? _("the passwords") : _("the credentials") };
	struct pl_buf b = PL_BUF_INIT;
	struct stat st;
	char e[300], err[700];

	if (path == NULL)
		return;
	pl_name_str(e, sizeof(e), path);
	if (path[0] != '/')
		pl_usage_die(_("--%s: give the file as an absolute path (it was %s)"), opt, e);
	if (secret)
		r.flags |= PL_FILE_PRIVATE;
	if (pl_read_trusted(AT_FDCWD, path, &r, &b, &st, err, sizeof(err)) != 0) {
		wipe(&b);
		pl_die(PL_UNKNOWN, "--%s: %s", opt, err);
	}
	if (!secret && (st.st_mode & 077) != 0 && holds_password(b.data, b.len)) {
		wipe(&b);
		pl_die(PL_UNKNOWN, _("--%s: %s sets a password and is open to group or others, who "
		       "could read it (chmod 600 %s)"), opt, e, e);
	}
	wipe(&b);
}

static void
check_config(const struct db_config *cfg)
{
	if (cfg->type == DB_NONE)
		pl_usage_die(_("say which server to ask with --type pgsql, --type mysql or --type socket"));
	if (cfg->type == DB_SOCKET) {
		if (cfg->port == 0)
			pl_usage_die(_("--type socket needs the server's --port"));
		if (cfg->host || cfg->socket || cfg->user || cfg->password || cfg->database ||
		    cfg->service || cfg->option_file || cfg->passfile)
			pl_usage_die(_("--type socket reads /proc/net/tcp and takes no connection options "
				     "(--hostname, --socket, --user, --password, --database, --service, "
				     "--option-file, --pgpass)"));
		return;
	}
	if (cfg->limit > 0 || cfg->per_remote)
		pl_usage_die(_("--limit and --per-remote are for --type socket (a server says its limits itself)"));
	if (cfg->passfile != NULL && cfg->type != DB_PGSQL)
		pl_usage_die(_("--pgpass is for --type pgsql (MySQL reads the password from --option-file)"));
	need_file("option-file", cfg->option_file, false);
	need_file("pgpass", cfg->passfile, true);
}

/* Socket mode ------------------------------------------------------------------------ */

static void
read_tcp(const struct pl_common *c, const char *path, bool v6, struct pl_tcp_table *t)
{
	struct pl_buf b = PL_BUF_INIT;
	char err[512];

	/* 4 million sockets of ~150 bytes: a cap far above any real server. */
	pl_buf_init(&b, (size_t)640 << 20);
	if (pl_read_file(c->root, path, &b, err, sizeof(err)) != 0) {
		pl_buf_free(&b);
		/* No tcp6 where IPv6 is disabled: nothing to count there. */
		if (v6 && !pl_path_exists(c->root, path))
			return;
		pl_die(PL_UNKNOWN, "%s", err);
	}
	if (pl_nettcp_parse(pl_buf_str(&b), b.len, v6, path, t, err, sizeof(err)) != 0) {
		pl_buf_free(&b);
		pl_die(PL_UNKNOWN, _("cannot parse %s"), err);
	}
	pl_buf_free(&b);
}

/* used_pct, slots_left and limit against a limit known to the plugin, named by what. No
 * slot left is CRITICAL whatever the thresholds say (or whether any were given): the next
 * client is refused. A privileged monitoring user still gets in through the superuser's
 * reserved slots, or MySQL's one extra, so a check that connected proves nothing. */
static void
headroom_metrics(struct pl_result *r, long used, long limit, const char *what,
		 struct pl_metric **pct, struct pl_metric **left)
{
	struct pl_metric *m;

	if (used >= limit)
		pl_result_finding(r, PL_CRITICAL, _("no connection slot left under %s: the next "
				  "client is refused"), what);

	*pct = pl_metric_add(r, "used_pct", (double)used * 100.0 / (double)limit, PL_U_PERCENT);
	pl_metric_minmax(*pct, 0, 100);
	*left = pl_metric_add(r, "slots_left", used > limit ? 0 : (double)(limit - used), PL_U_NONE);
	pl_metric_minmax(*left, 0, (double)limit);
	m = pl_metric_add(r, "limit", (double)limit, PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
}

/* The connections of each remote address, as items below "remote"; returns how many
 * addresses. */
static size_t
remote_items(const struct db_config *cfg, const struct pl_tcp_table *t, struct pl_result *r)
{
	struct pl_tcp_peer *peers;
	size_t np;

	if (pl_nettcp_peers(t, (uint16_t)cfg->port, &peers, &np) != 0)
		pl_die(PL_UNKNOWN, _("out of memory"));
	for (size_t i = 0; i < np; i++) {
		struct pl_item *it = pl_item_item(pl_result_item(r, "remotes", "remote"), "remote",
						  peers[i].addr);
		struct pl_metric *m = pl_item_metric(it, "connections", (double)peers[i].count,
						     PL_U_NONE);

		pl_metric_minmax(m, 0, NAN);
		pl_item_line(it, P_("%zu connection", "%zu connections", peers[i].count),
			     peers[i].count);
	}
	free(peers);
	return np;
}

static void
socket_report(const struct db_config *cfg, const struct pl_tcp_table *t, struct pl_result *r)
{
	size_t listening, n = pl_nettcp_count(t, (uint16_t)cfg->port, &listening);
	struct pl_metric *m, *pct = NULL, *left = NULL;
	char e[64];

	m = pl_metric_add(r, "connections", (double)n, PL_U_NONE);
	pl_metric_minmax(m, 0, cfg->limit > 0 ? (double)cfg->limit : NAN);
	pl_metric_add(r, "listeners", (double)listening, PL_U_NONE);
	if (listening == 0)
		pl_result_finding(r, PL_CRITICAL, _("nothing listens on TCP port %d"), cfg->port);
	pl_result_summary_metric(r, m, P_("%zu connection to port %d", "%zu connections to port %d",
					  n), n, cfg->port);
	if (cfg->per_remote) {
		size_t np = remote_items(cfg, t, r);

		if (np > 0)
			pl_result_summary_add(r, P_(" from %zu address", " from %zu addresses", np),
					      np);
	}
	if (cfg->limit > 0) {
		headroom_metrics(r, (long)n, cfg->limit, "--limit", &pct, &left);
		/* The ", " outside each part: a part worse than what the line names first
		 * leads the line and leaves the summary cleanly. */
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pct, _("%s of --limit %d"),
					 pl_unit_human(e, sizeof(e), pct->value, PL_U_PERCENT),
					 cfg->limit);
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, left, P_("%.0f slot left", "%.0f slots left",
						     (unsigned long)left->value), left->value);
	}
	if (t->nbad > 0)
		pl_result_line(r, P_("%zu line of /proc/net/tcp and tcp6 left out: %s line %zu %s",
				     "%zu lines of /proc/net/tcp and tcp6 left out: %s line %zu %s",
				     t->nbad), t->nbad, t->bad_file, t->bad_line, t->bad_why);
}

#ifdef DBC_SERVER
/* Servers --------------------------------------------------------------------------- */

static const char *const state_label[PL_DBS_N] = { "active", "idle", "idle_in_transaction",
						   "other" };
static const char *const state_word[PL_DBS_N] = { N_("active"), N_("idle"),
						  N_("idle in transaction"), N_("other") };

/* One metric per database or user, in an item of its own below "db" or "user". */
static void
group_items(struct pl_result *r, const char *kind, const char *top, const struct pl_db_group *v,
	    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pl_item *it = pl_item_item(pl_result_item(r, top, top), kind, v[i].name);
		struct pl_metric *m = pl_item_metric(it, "connections", (double)v[i].count, PL_U_NONE);

		pl_metric_minmax(m, 0, v[i].limit > 0 ? (double)v[i].limit : NAN);
		if (v[i].limit > 0)
			pl_item_line(it, P_("%ld connection (limit %ld)", "%ld connections (limit %ld)",
					    v[i].count), v[i].count, v[i].limit);
		else
			pl_item_line(it, P_("%ld connection", "%ld connections", v[i].count),
				     v[i].count);
	}
}

/* The connections and the tightest of the limits on them (pl_db_tightest): metrics,
 * the status line and the limit's line. */
static void
db_headroom(const struct pl_db_sample *s, struct pl_result *r)
{
	struct pl_db_headroom h;
	struct pl_metric *m, *pct = NULL, *left = NULL;
	char p[32];

	pl_db_tightest(s, &h);
	m = pl_metric_add(r, "connections", (double)s->count, PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	/* The status line is what a phone shows: the count, the share of the tightest
	 * limit and what is left of it, under a short name of that limit ("5 connections,
	 * 5% of max_connections, 92 slots left"); what the limit is made of, the states and
	 * the rest are in the long output. */
	pl_result_summary_metric(r, m, P_("%ld connection", "%ld connections", s->count),
				 s->count);
	if (h.kind != PL_DBL_NONE) {
		headroom_metrics(r, h.used, h.limit, h.what, &pct, &left);
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, pct, C_("share of a limit", "%s of %s"),
					 pl_unit_human(p, sizeof(p), pct->value, PL_U_PERCENT),
					 h.label);
		pl_result_summary_add(r, ", ");
		pl_result_summary_metric(r, left, P_("%ld slot left", "%ld slots left", h.left),
					 h.left);
		pl_result_line(r, _("tightest limit: %s, %ld of %ld used (%s), %ld left"), h.what,
			       h.used, h.limit, p, h.left);
		pl_result_fact(r, "tightest_limit", "%s", h.what);
	} else {
		pl_result_line(r, _("the server reports no connection limit"));
	}
	m = pl_metric_add(r, "max_connections", (double)(s->max_connections - s->reserved), PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
}

/* Sessions by state and the oldest idle transaction: metrics and their line. */
static void
db_states(const struct pl_db_sample *s, struct pl_result *r)
{
	const char *hidden_why = _("open transactions are hidden from a user without PROCESS");
	const char *hidden_fix = _("GRANT PROCESS ON *.* to the check's user");
	struct pl_metric *m, *itx;
	char age[32];

	for (int i = 0; i < PL_DBS_N; i++) {
		m = pl_metric_add(r, state_label[i], (double)s->states[i], PL_U_NONE);
		pl_metric_minmax(m, 0, NAN);
	}
	itx = pl_metric_add(r, "oldest_idle_in_transaction", s->oldest_idle_tx, PL_U_SECONDS);
	itx->prec = 1;
	pl_metric_minmax(itx, 0, NAN);
	if (s->mysql && s->partial_view) {
		/* INNODB_TRX needs PROCESS too: no idle-in-transaction figures at all. */
		pl_metric_missing(pl_result_metric(r, "idle_in_transaction"), PL_MISSING_LASTING,
				  hidden_why, hidden_fix);
		pl_metric_missing(itx, PL_MISSING_LASTING, hidden_why, hidden_fix);
	}
	if (s->mysql && s->partial_view)
		pl_result_line(r, _("%ld active, %ld idle; idle in transaction not known (open "
			       "transactions are hidden from a user without PROCESS)"),
			       s->states[PL_DBS_ACTIVE], s->states[PL_DBS_IDLE]);
	else if (s->states[PL_DBS_IDLE_TX] > 0)
		pl_result_line(r, _("%ld active, %ld idle, %ld %s (the oldest for %s)"),
			       s->states[PL_DBS_ACTIVE], s->states[PL_DBS_IDLE],
			       s->states[PL_DBS_IDLE_TX], pl_tr(state_word[PL_DBS_IDLE_TX]),
			       pl_unit_human(age, sizeof(age), s->oldest_idle_tx, PL_U_SECONDS));
	else
		pl_result_line(r, _("%ld active, %ld idle, 0 %s"), s->states[PL_DBS_ACTIVE],
			       s->states[PL_DBS_IDLE], pl_tr(state_word[PL_DBS_IDLE_TX]));
}

/* The figures of a sample: headroom, states, what this user cannot see, groups. */
static void
db_report(const struct pl_db_sample *s, struct pl_result *r)
{
	db_headroom(s, r);
	db_states(s, r);
	if (s->reserved > 0)
		pl_result_line(r, _("max_connections %ld, of which %s"), s->max_connections,
			       s->reserved_text);
	if (s->mysql && s->user_limit > 0)
		pl_result_line(r, _("max_user_connections %ld for each user"), s->user_limit);
	if (s->mysql && !s->accounts_read)
		pl_result_line(r, _("other accounts' own max_user_connections not known "
			       "(GRANT SELECT ON mysql.user to the user)"));
	if (s->hidden > 0)
		pl_result_line(r, P_("%ld session of other users whose state this user may not see "
				     "(counted as other; GRANT pg_read_all_stats to the user)",
				     "%ld sessions of other users whose state this user may not see "
				     "(counted as other; GRANT pg_read_all_stats to the user)",
				     s->hidden), s->hidden);
	if (s->partial_view)
		pl_result_line(r, _("only this check's own sessions are visible: per user, database and "
			       "state figures cover them alone (GRANT PROCESS ON *.* to the user)"));
	pl_result_fact(r, "server", "%s", s->server);
	group_items(r, "database", "db", s->dbs, s->ndbs);
	group_items(r, "user", "user", s->users, s->nusers);
}

/* A failed collection: the state it is, and one line saying why. */
static void __attribute__((noreturn))
db_fail(const struct pl_common *c, const struct db_config *cfg, enum pl_db_status st,
	const char *err)
{
	char who[400];

	target_text(cfg, who, sizeof(who));
	switch (st) {
	case PL_DB_AUTH:
		pl_die(PL_UNKNOWN, _("cannot log in to %s: %s (check the user and the password: "
		       "--password-file, %s)"), who, err,
		       cfg->type == DB_PGSQL ? _("--pgpass or --service") : "--option-file");
	case PL_DB_UNREACHABLE:
		pl_die(PL_CRITICAL, _("%s is unreachable: %s"), who, err);
	case PL_DB_FULL:
		pl_die(PL_CRITICAL, _("%s refuses connections: %s"), who, err);
	case PL_DB_TIMEOUT:
		pl_die(c->timeout_state, _("timed out after %gs waiting for %s: %s"), c->timeout, who,
		       err);
	case PL_DB_OK:
	case PL_DB_ERROR:
		break;
	}
	pl_die(PL_UNKNOWN, "%s: %s", who, err);
}

#endif

#ifdef PL_DBC_FRONT
#if !defined(HAVE_LIBPQ) || !defined(HAVE_LIBMARIADB)
static void __attribute__((noreturn))
not_built(const char *what, const char *lib, const char *pkg)
{
	pl_die(PL_UNKNOWN, _("--type %s is not built into this check_db_conns: it was built without "
	       "%s (install %s and rebuild)"), what, lib, pkg);
}
#endif

/* Runs the backend program for a server in our place, with our arguments (see the top of
 * the file): beside this program (its directory from /proc/self/exe, which no caller
 * chooses), else in PL_LIBEXECDIR. Before pl_plugin_arm: a timer would outlive exec. */
static void __attribute__((noreturn))
run_backend(int type, char **argv)
{
	const char *name = type == DB_PGSQL ? "db_conns_pgsql" : "db_conns_mysql";
	char self[4096], path[4200], e[300];
	ssize_t n;

#ifndef HAVE_LIBPQ
	if (type == DB_PGSQL)
		not_built("pgsql", "libpq", "libpq-dev");
#endif
#ifndef HAVE_LIBMARIADB
	if (type == DB_MYSQL)
		not_built("mysql", "libmariadb", "libmariadb-dev");
#endif
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			*slash = '\0';
			pl_snprintf(path, sizeof(path), "%s/%s", self, name);
			if (access(path, X_OK) == 0)
				execv(path, argv);
		}
	}
	pl_snprintf(path, sizeof(path), "%s/%s", PL_LIBEXECDIR, name);
	execv(path, argv);
	pl_name_str(e, sizeof(e), path);
	pl_die(PL_UNKNOWN, _("cannot run %s, the %s part of check_db_conns: %s (reinstall Plumbline)"),
	       e, type == DB_PGSQL ? "PostgreSQL" : "MySQL", strerror(errno));
}
#endif

#ifdef DBC_SERVER
static void
target_of(const struct db_config *cfg, struct pl_db_target *t)
{
	memset(t, 0, sizeof(*t));
	t->host = cfg->host;
	t->port = (unsigned)cfg->port;
	t->socket = cfg->socket;
	t->user = cfg->user;
	t->password = cfg->password;
	t->database = cfg->database;
	t->service = cfg->service;
	t->option_file = cfg->option_file;
	t->passfile = cfg->passfile;
	t->app = db_plugin.name;
}

static void
pg_run(const struct pl_common *c, const struct db_config *cfg, struct pl_result *r)
{
#ifdef DBC_PG
	struct pl_db_target t;
	struct pl_db_sample s;
	enum pl_db_status st;
	char err[1024];

	target_of(cfg, &t);
	pl_db_sample_init(&s);
	pl_timeout_waiting(_("connecting to PostgreSQL"));
	st = pl_pg_collect(&t, NULL, &s, err, sizeof(err));
	if (st != PL_DB_OK)
		db_fail(c, cfg, st, err);
	db_report(&s, r);
	pl_db_sample_free(&s);
#else
	(void)c;
	(void)cfg;
	(void)r;
	pl_die(PL_UNKNOWN, _("--type pgsql: run check_db_conns, not this part of it"));
#endif
}

#ifdef DBC_MY
/* MySQL's status counters between runs (pl_sample): aborted connects per second. */
struct my_ctx {
	const struct pl_common *c;
	const struct db_config *cfg;
	struct pl_my *conn;
	uint64_t v[2][PL_MY_NSTATUS];
	bool have_now;               /* v[0] holds what pl_my_collect read just now */
};

static void
my_read(void *ctxp, int which)
{
	struct my_ctx *x = ctxp;
	enum pl_db_status st;
	char err[1024];

	/* The first reading is the one pl_my_collect took in its round trip; only a
	 * sample (the first run) asks again. */
	if (which == 0 && x->have_now) {
		x->have_now = false;
		return;
	}
	pl_timeout_waiting(_("waiting for MySQL's status"));
	st = pl_my_status(x->conn, NULL, x->v[which], err, sizeof(err));
	if (st != PL_DB_OK)
		db_fail(x->c, x->cfg, st, err);
}

static void
my_store(void *ctxp, int which, struct pl_store *st)
{
	struct my_ctx *x = ctxp;

	pl_store_set_vec(st, "my", "status", x->v[which], PL_MY_NSTATUS);
}

static int
my_load(void *ctxp, const struct pl_store *st, int gen)
{
	struct my_ctx *x = ctxp;

	return pl_store_get_vec(st, gen, "my", "status", x->v[1], PL_MY_NSTATUS) ==
	       PL_MY_NSTATUS ? 0 : -1;
}

static void
my_zero(void *ctxp)
{
	struct my_ctx *x = ctxp;

	memset(x->v[1], 0, sizeof(x->v[1]));
}

static const struct pl_sample_ops my_ops = { my_read, my_store, my_load, my_zero };
#endif

static void
my_run(const struct pl_common *c, const struct db_config *cfg, struct pl_result *r)
{
#ifdef DBC_MY
	struct pl_db_target t;
	struct pl_db_sample s;
	struct my_ctx x;
	enum pl_db_status st;
	enum pl_basis basis;
	char err[1024], basis_text[PL_SAMPLE_BASIS_MAX];
	double dt;
	struct pl_metric *m;

	target_of(cfg, &t);
	pl_db_sample_init(&s);
	memset(&x, 0, sizeof(x));
	x.c = c;
	x.cfg = cfg;
	pl_timeout_waiting(_("connecting to MySQL"));
	st = pl_my_connect(&t, NULL, &x.conn, err, sizeof(err));
	if (st == PL_DB_OK)
		st = pl_my_collect(x.conn, NULL, &s, err, sizeof(err));
	if (st != PL_DB_OK)
		db_fail(c, cfg, st, err);
	x.v[0][PL_MY_THREADS_CONNECTED] = s.threads_connected;
	x.v[0][PL_MY_THREADS_RUNNING] = s.threads_running;
	x.v[0][PL_MY_ABORTED_CONNECTS] = s.aborted_connects;
	x.v[0][PL_MY_MAX_USED] = s.max_used;
	x.have_now = true;
	basis = pl_sample(c, &my_ops, &x, &dt, basis_text, sizeof(basis_text), r);
	if (basis == PL_BASIS_ERROR)
		pl_die(PL_UNKNOWN, "%s", basis_text);
	pl_my_close(x.conn);
	db_report(&s, r);
	m = pl_metric_add(r, "threads_connected", (double)x.v[0][PL_MY_THREADS_CONNECTED], PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	m = pl_metric_add(r, "threads_running", (double)x.v[0][PL_MY_THREADS_RUNNING], PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	m = pl_metric_add(r, "aborted_connects", pl_counter_rate(x.v[0][PL_MY_ABORTED_CONNECTS],
							     x.v[1][PL_MY_ABORTED_CONNECTS], dt),
			  PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	if (isnan(m->value))
		pl_metric_missing(m, PL_MISSING_RUN, _("the server's counters went back (a restart)"),
				  NULL);
	m = pl_metric_add(r, "max_used_connections", (double)x.v[0][PL_MY_MAX_USED], PL_U_NONE);
	pl_metric_minmax(m, 0, NAN);
	pl_result_line(r, _("Threads_running %llu; aborted connects %s; Max_used_connections %llu "
		       "(since the server started)"),
		       (unsigned long long)x.v[0][PL_MY_THREADS_RUNNING], basis_text,
		       (unsigned long long)x.v[0][PL_MY_MAX_USED]);
	pl_db_sample_free(&s);
#else
	(void)c;
	(void)cfg;
	(void)r;
	pl_die(PL_UNKNOWN, _("--type mysql: run check_db_conns, not this part of it"));
#endif
}

#endif

int
main(int argc, char **argv)
{
	struct db_config cfg;
	struct pl_common c;
	struct pl_result r;

	memset(&cfg, 0, sizeof(cfg));
	pl_plugin_parse(&db_plugin, argc, argv, &cfg, &c);
	check_config(&cfg);
#ifdef PL_DBC_FRONT
	if (cfg.type == DB_PGSQL || cfg.type == DB_MYSQL)
		run_backend(cfg.type, argv);
#endif
	pl_plugin_arm(&c);
	pl_result_init(&r, db_plugin.name, db_plugin.service);

	if (cfg.type == DB_SOCKET) {
		struct pl_tcp_table t;

		memset(&t, 0, sizeof(t));
		read_tcp(&c, "/proc/net/tcp", false, &t);
		read_tcp(&c, "/proc/net/tcp6", true, &t);
		socket_report(&cfg, &t, &r);
		pl_nettcp_free(&t);
	} else {
#ifdef DBC_SERVER
		if (cfg.type == DB_PGSQL)
			pg_run(&c, &cfg, &r);
		else
			my_run(&c, &cfg, &r);
#endif
	}
	pl_exit(&r, &c);
}
