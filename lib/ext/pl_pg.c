/* pl_pg: PostgreSQL connections through libpq. The contract is in pl_pg.h. */
#include "config.h"

#include <libpq-fe.h>
#include <locale.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_buf.h"
#include "pl_i18n.h"
#include "pl_num.h"
#include "pl_pg.h"

enum pl_db_status
pl_pg_classify(const char *msg)
{
	static const char *const auth[] = {
		"password authentication failed", "no password supplied", "authentication failed",
		"pg_hba.conf", "does not exist", "permission denied", "not permitted to log in",
		"peer authentication", NULL,
	};
	static const char *const full[] = {
		"too many clients", "too many connections for", "connection slots are reserved",
		NULL,
	};
	static const char *const bad[] = {
		"definition of service", "invalid connection option", "invalid port number",
		"invalid integer value", "service file", NULL,
	};

	for (int i = 0; full[i] != NULL; i++)
		if (strcasestr(msg, full[i]) != NULL)
			return PL_DB_FULL;
	for (int i = 0; auth[i] != NULL; i++)
		if (strcasestr(msg, auth[i]) != NULL)
			return PL_DB_AUTH;
	for (int i = 0; bad[i] != NULL; i++)
		if (strcasestr(msg, bad[i]) != NULL)
			return PL_DB_ERROR;
	return PL_DB_UNREACHABLE;
}

/* libpq's message as one line: the first line, without the "connection to server at
 * ... failed: " before the reason and the server's "FATAL:  ". */
static void
pg_message(const char *msg, char *out, size_t len)
{
	const char *p = msg, *f, *eol;

	for (;;) {
		eol = strchr(p, '\n');
		f = strstr(p, "failed: ");
		if (f == NULL || (eol != NULL && f > eol))
			break;
		p = f + strlen("failed: ");
	}
	if (strncmp(p, "FATAL:  ", 8) == 0)
		p += 8;
	eol = strchr(p, '\n');
	pl_snprintf(out, len, "%.*s", (int)(eol ? (size_t)(eol - p) : strlen(p)), p);
	if (out[0] == '\0')
		pl_snprintf(out, len, _("libpq gave no reason"));
}

/* Waits until the connection's socket is ready as asked. Returns 0, or -1 when the
 * deadline passed (err says what we waited for). */
static int
pg_wait(PGconn *conn, short events, const struct pl_deadline *d, const char *what, char *err,
	size_t errlen)
{
	struct pollfd pfd = { PQsocket(conn), events, 0 };
	int n;

	if (pfd.fd < 0) {
		pl_snprintf(err, errlen, _("the connection has no socket while %s"), what);
		return -1;
	}
	n = pl_deadline_poll(d, &pfd, 1);
	if (n > 0)
		return 0;
	pl_snprintf(err, errlen, n == 0 ? _("no answer while %s") : _("poll failed while %s"), what);
	return -1;
}

/* libpq's messages in English while it connects, whatever --language says:
 * pl_pg_classify reads them, and libpq has catalogs of its own (a translated "no
 * password supplied" would pass for an unreachable server). Returns the locale to put
 * back; a "C" locale that cannot be made leaves the messages as they are. */
static locale_t
pg_english(locale_t *c)
{
	if (*c == (locale_t)0)
		*c = newlocale(LC_MESSAGES_MASK, "C", (locale_t)0);
	return *c != (locale_t)0 ? uselocale(*c) : (locale_t)0;
}

static void
pg_english_end(locale_t was)
{
	if (was != (locale_t)0)
		uselocale(was);
}

static enum pl_db_status
pg_connect(const struct pl_db_target *t, const struct pl_deadline *d, PGconn **out, char *err,
	   size_t errlen)
{
	static locale_t c_locale;   /* made once, kept for the process's life */
	locale_t was;
	const char *kw[16], *val[16];
	char port[8], ctimeout[16], options[64];
	PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
	PGconn *conn;
	int n = 0;

	*out = NULL;
#define KV(k, v) do { if ((v) != NULL) { kw[n] = (k); val[n] = (v); n++; } } while (0)
	KV("host", t->socket != NULL ? t->socket : t->host);
	if (t->port > 0) {
		pl_snprintf(port, sizeof(port), "%u", t->port);
		KV("port", port);
	}
	KV("user", t->user);
	KV("password", t->password);
	KV("dbname", t->database != NULL ? t->database :
	   t->service == NULL && getenv("PGDATABASE") == NULL ? "postgres" : NULL);
	KV("service", t->service);
	KV("passfile", t->passfile);
	KV("application_name", t->app);
	pl_snprintf(ctimeout, sizeof(ctimeout), "%u", pl_deadline_left_s(d));
	KV("connect_timeout", ctimeout);
	/* A query that runs past the deadline is cancelled by the server itself. */
	pl_snprintf(options, sizeof(options), "-c statement_timeout=%d", pl_deadline_left_ms(d));
	KV("options", options);
#undef KV
	kw[n] = val[n] = NULL;
	/* The service file of --option-file: libpq 15 has no parameter for it. */
	if (t->option_file != NULL && setenv("PGSERVICEFILE", t->option_file, 1) != 0) {
		pl_snprintf(err, errlen, _("out of memory"));
		return PL_DB_ERROR;
	}
	was = pg_english(&c_locale);
	conn = PQconnectStartParams(kw, val, 0);
	pg_english_end(was);
	if (conn == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return PL_DB_ERROR;
	}
	*out = conn;
	if (PQstatus(conn) == CONNECTION_BAD)
		ps = PGRES_POLLING_FAILED;
	while (ps != PGRES_POLLING_OK) {
		if (ps == PGRES_POLLING_FAILED) {
			pg_message(PQerrorMessage(conn), err, errlen);
			return pl_pg_classify(PQerrorMessage(conn));
		}
		if (pg_wait(conn, ps == PGRES_POLLING_READING ? POLLIN : POLLOUT, d,
			    _("connecting"), err, errlen) != 0)
			return PL_DB_TIMEOUT;
		was = pg_english(&c_locale);
		ps = PQconnectPoll(conn);
		pg_english_end(was);
	}
	return PL_DB_OK;
}

/* Result i of the round trip (see QUERIES) into s, as text cells (pl_db_pg_take). */
static int
pg_take(const PGresult *res, unsigned i, struct pl_db_sample *s, char *err, size_t errlen)
{
	struct pl_db_rows t;
	const char **cell;
	int rows = PQntuples(res), cols = PQnfields(res), rc;

	t.rows = rows > 0 ? (size_t)rows : 0;
	t.cols = cols > 0 ? (size_t)cols : 0;
	cell = calloc(t.rows * t.cols + 1, sizeof(*cell));
	if (cell == NULL) {
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < cols; c++)
			cell[(size_t)r * t.cols + (size_t)c] = PQgetisnull(res, r, c) ? NULL :
				PQgetvalue(res, r, c);
	t.cell = cell;
	rc = pl_db_pg_take(i, &t, s, err, errlen);
	free(cell);
	return rc;
}

/* One round trip: settings, databases, roles with limits, the client backends. Only
 * client backends count against max_connections (background workers and, since 12, WAL
 * senders have slots of their own); before 10 pg_stat_activity lists nothing else. */
#define Q_SETTINGS "SELECT current_setting('server_version'), " \
	"current_setting('max_connections'), current_setting('superuser_reserved_connections'), " \
	"coalesce(current_setting('reserved_connections', true), '0');" \
	"SELECT datname, datconnlimit FROM pg_database WHERE datallowconn ORDER BY 1;" \
	"SELECT rolname, rolconnlimit FROM pg_roles WHERE rolcanlogin AND rolconnlimit >= 0 " \
	"ORDER BY 1;"
#define Q_ACTIVITY "SELECT datname, usename, coalesce(state, ''), count(*), " \
	"coalesce(max(extract(epoch FROM now() - state_change)) " \
	"FILTER (WHERE state LIKE 'idle in transaction%'), 0) " \
	"FROM pg_stat_activity WHERE pid <> pg_backend_pid()"

static enum pl_db_status
pg_query(PGconn *conn, const struct pl_deadline *d, struct pl_db_sample *s, char *err,
	 size_t errlen)
{
	struct pl_buf q = PL_BUF_INIT;
	PGresult *res;
	unsigned i = 0;
	int fl, rc = -1;
	enum pl_db_status st = PL_DB_ERROR;

	pl_buf_printf(&q, "%s%s%s GROUP BY 1, 2, 3", Q_SETTINGS, Q_ACTIVITY,
		      PQserverVersion(conn) >= 100000 ? " AND backend_type = 'client backend'" : "");
	if (PQsetnonblocking(conn, 1) != 0 || PQsendQuery(conn, pl_buf_str(&q)) != 1) {
		pg_message(PQerrorMessage(conn), err, errlen);
		goto end;
	}
	while ((fl = PQflush(conn)) == 1)
		if (pg_wait(conn, POLLOUT, d, _("sending the queries"), err, errlen) != 0) {
			st = PL_DB_TIMEOUT;
			goto end;
		}
	if (fl < 0) {
		pg_message(PQerrorMessage(conn), err, errlen);
		goto end;
	}
	for (;;) {
		while (PQisBusy(conn)) {
			if (pg_wait(conn, POLLIN, d, _("waiting for the answer"), err, errlen) != 0) {
				st = PL_DB_TIMEOUT;
				goto end;
			}
			if (PQconsumeInput(conn) != 1) {
				pg_message(PQerrorMessage(conn), err, errlen);
				st = PL_DB_UNREACHABLE;
				goto end;
			}
		}
		res = PQgetResult(conn);
		if (res == NULL)
			break;
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			const char *code = PQresultErrorField(res, PG_DIAG_SQLSTATE);

			pg_message(PQresultErrorMessage(res), err, errlen);
			/* 57014: the statement_timeout we set cancelled it */
			if (code != NULL && strcmp(code, "57014") == 0)
				st = PL_DB_TIMEOUT;
			PQclear(res);
			goto end;
		}
		if (pg_take(res, i++, s, err, errlen) != 0) {
			PQclear(res);
			goto end;
		}
		PQclear(res);
	}
	if (i != 4) {
		pl_snprintf(err, errlen, _("%u of 4 answers came back"), i);
		goto end;
	}
	rc = 0;
end:
	pl_buf_free(&q);
	return rc == 0 ? PL_DB_OK : st;
}

enum pl_db_status
pl_pg_collect(const struct pl_db_target *t, const struct pl_deadline *d, struct pl_db_sample *s,
	      char *err, size_t errlen)
{
	PGconn *conn = NULL;
	enum pl_db_status st = pg_connect(t, d, &conn, err, errlen);

	if (st == PL_DB_OK)
		st = pg_query(conn, d, s, err, errlen);
	PQfinish(conn);
	return st;
}
