/* pl_my: MySQL/MariaDB connections through libmariadb. The contract is in pl_my.h. */
#include "config.h"

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_buf.h"
#include "pl_my.h"
#include "pl_num.h"

struct pl_my {
	MYSQL *m;
};

enum pl_db_status
pl_my_classify(unsigned int e)
{
	switch (e) {
	case ER_ACCESS_DENIED_ERROR:        /* 1045 */
	case ER_DBACCESS_DENIED_ERROR:      /* 1044 */
	case ER_BAD_DB_ERROR:               /* 1049 */
	case 1698:                          /* ER_ACCESS_DENIED_NO_PASSWORD_ERROR */
	case 1130:                          /* ER_HOST_NOT_PRIVILEGED */
	case 1251:                          /* ER_NOT_SUPPORTED_AUTH_MODE */
	case 1862:                          /* ER_MUST_CHANGE_PASSWORD_LOGIN */
	case 4151:                          /* ER_ACCOUNT_HAS_BEEN_LOCKED (MariaDB) */
		return PL_DB_AUTH;
	case ER_CON_COUNT_ERROR:            /* 1040 */
	case ER_TOO_MANY_USER_CONNECTIONS:  /* 1203 */
	case 1226:                          /* ER_USER_LIMIT_REACHED */
		return PL_DB_FULL;
	case CR_CONNECTION_ERROR:           /* 2002 */
	case CR_CONN_HOST_ERROR:            /* 2003 */
	case CR_UNKNOWN_HOST:               /* 2005 */
	case CR_SERVER_GONE_ERROR:          /* 2006 */
	case CR_SERVER_LOST:                /* 2013 */
	case 2026:                          /* CR_SSL_CONNECTION_ERROR */
	case 1129:                          /* ER_HOST_IS_BLOCKED */
	case ER_SERVER_SHUTDOWN:            /* 1053 */
		return PL_DB_UNREACHABLE;
	default:
		return PL_DB_ERROR;
	}
}

/* The error of the connection as a status and a sentence; a lost connection after the
 * deadline passed is a timeout. */
static enum pl_db_status
my_error(MYSQL *m, const struct pl_deadline *d, const char *what, char *err, size_t errlen)
{
	unsigned int e = mysql_errno(m);
	enum pl_db_status st = pl_my_classify(e);

	if ((st == PL_DB_UNREACHABLE || st == PL_DB_ERROR) && pl_deadline_expired(d)) {
		pl_snprintf(err, errlen, "no answer while %s (%s)", what, mysql_error(m));
		return PL_DB_TIMEOUT;
	}
	pl_snprintf(err, errlen, "%s (error %u while %s)", mysql_error(m), e, what);
	return st;
}

enum pl_db_status
pl_my_connect(const struct pl_db_target *t, const struct pl_deadline *d, struct pl_my **out,
	      char *err, size_t errlen)
{
	struct pl_my *c;
	unsigned int secs = pl_deadline_left_s(d);
	enum pl_db_status st;

	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->m = mysql_init(NULL)) == NULL) {
		free(c);
		pl_snprintf(err, errlen, "out of memory");
		return PL_DB_ERROR;
	}
	mysql_optionsv(c->m, MYSQL_OPT_CONNECT_TIMEOUT, &secs);
	mysql_optionsv(c->m, MYSQL_OPT_READ_TIMEOUT, &secs);
	mysql_optionsv(c->m, MYSQL_OPT_WRITE_TIMEOUT, &secs);
	if (t->option_file != NULL)
		mysql_optionsv(c->m, MYSQL_READ_DEFAULT_FILE, t->option_file);
	mysql_optionsv(c->m, MYSQL_READ_DEFAULT_GROUP, t->service != NULL ? t->service : "client");
	if (t->app != NULL)
		mysql_optionsv(c->m, MYSQL_OPT_CONNECT_ATTR_ADD, "program_name", t->app);
	if (t->host != NULL && t->socket == NULL) {
		unsigned int proto = MYSQL_PROTOCOL_TCP;

		mysql_optionsv(c->m, MYSQL_OPT_PROTOCOL, &proto);
	}
	/* CLIENT_MULTI_STATEMENTS: pl_my_collect sends its three statements in one round
	 * trip. */
	if (mysql_real_connect(c->m, t->socket != NULL ? NULL : t->host, t->user, t->password,
			       t->database, t->port, t->socket,
			       CLIENT_MULTI_STATEMENTS | CLIENT_MULTI_RESULTS) == NULL) {
		st = my_error(c->m, d, "connecting", err, errlen);
		pl_my_close(c);
		return st;
	}
	*out = c;
	return PL_DB_OK;
}

void
pl_my_close(struct pl_my *c)
{
	if (c == NULL)
		return;
	mysql_close(c->m);
	free(c);
}

static long
as_long(const char *s)
{
	int64_t v;

	if (s == NULL || pl_parse_i64(s, -1000000000, 1000000000, &v) != 0)
		return -1;
	return (long)v;
}

/* Runs q and returns its result (to free), or NULL with the status in *st. */
static MYSQL_RES *
my_query(struct pl_my *c, const struct pl_deadline *d, const char *q, const char *what,
	 enum pl_db_status *st, char *err, size_t errlen)
{
	MYSQL_RES *res;

	if (mysql_query(c->m, q) != 0 || (res = mysql_store_result(c->m)) == NULL) {
		*st = my_error(c->m, d, what, err, errlen);
		return NULL;
	}
	return res;
}

#define Q_STATUS "SHOW GLOBAL STATUS WHERE Variable_name IN ('Threads_connected', " \
	"'Threads_running', 'Aborted_connects', 'Max_used_connections')"

/* The rows of Q_STATUS into v; frees res. */
static enum pl_db_status
status_take(MYSQL_RES *res, uint64_t v[PL_MY_NSTATUS], char *err, size_t errlen)
{
	static const char *const names[PL_MY_NSTATUS] = { "Threads_connected", "Threads_running",
							   "Aborted_connects",
							   "Max_used_connections" };
	MYSQL_ROW row;
	unsigned seen = 0;

	memset(v, 0, PL_MY_NSTATUS * sizeof(*v));
	while ((row = mysql_fetch_row(res)) != NULL)
		for (int i = 0; i < PL_MY_NSTATUS; i++)
			if (row[0] != NULL && row[1] != NULL && strcasecmp(row[0], names[i]) == 0 &&
			    pl_parse_u64(row[1], UINT64_MAX, &v[i]) == 0)
				seen |= 1u << i;
	mysql_free_result(res);
	if (seen != (1u << PL_MY_NSTATUS) - 1) {
		pl_snprintf(err, errlen, "SHOW GLOBAL STATUS lacks Threads_connected, "
			    "Threads_running, Aborted_connects or Max_used_connections");
		return PL_DB_ERROR;
	}
	return PL_DB_OK;
}

enum pl_db_status
pl_my_status(struct pl_my *c, const struct pl_deadline *d, uint64_t v[PL_MY_NSTATUS],
	     char *err, size_t errlen)
{
	enum pl_db_status st = PL_DB_ERROR;
	MYSQL_RES *res = my_query(c, d, Q_STATUS, "reading the status", &st, err, errlen);

	return res == NULL ? st : status_take(res, v, err, errlen);
}

/* Client threads only: not this one, not the server's own (replication, the event
 * scheduler), grouped by user, database and state. "idle in transaction": a Sleep thread
 * with an open InnoDB transaction (INNODB_TRX, which needs PROCESS: without it, the
 * threads alone). */
#define Q_WHERE "WHERE p.ID <> CONNECTION_ID() AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', " \
	"'Binlog Dump GTID', 'Connect', 'Slave_IO', 'Slave_SQL', 'Slave_worker') " \
	"AND p.USER NOT IN ('system user', 'event_scheduler') GROUP BY 1, 2, 3"
#define Q_THREADS "SELECT p.USER, p.DB, CASE WHEN p.COMMAND <> 'Sleep' THEN 'active' " \
	"WHEN t.trx_mysql_thread_id IS NULL THEN 'idle' ELSE 'idle in transaction' END AS st, " \
	"COUNT(*), MAX(CASE WHEN p.COMMAND = 'Sleep' AND t.trx_mysql_thread_id IS NOT NULL " \
	"THEN p.TIME ELSE 0 END) FROM information_schema.PROCESSLIST p " \
	"LEFT JOIN information_schema.INNODB_TRX t ON t.trx_mysql_thread_id = p.ID " Q_WHERE
#define Q_THREADS_OWN "SELECT p.USER, p.DB, CASE WHEN p.COMMAND <> 'Sleep' THEN 'active' " \
	"ELSE 'idle' END AS st, COUNT(*), 0 FROM information_schema.PROCESSLIST p " Q_WHERE

#define Q_LIMITS "SELECT @@max_connections, @@max_user_connections, " \
	"(SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES " \
	"WHERE PRIVILEGE_TYPE = 'PROCESS')"

/* The result of the next statement of a multi-statement query, or NULL with the status
 * in *st (its error, or PL_DB_ERROR when there was none). */
static MYSQL_RES *
next_result(struct pl_my *c, const struct pl_deadline *d, const char *what,
	    enum pl_db_status *st, char *err, size_t errlen)
{
	MYSQL_RES *res;
	int rc = mysql_next_result(c->m);

	if (rc == 0 && (res = mysql_store_result(c->m)) != NULL)
		return res;
	if (rc < 0) {
		pl_snprintf(err, errlen, "no answer came back while %s", what);
		*st = PL_DB_ERROR;
		return NULL;
	}
	*st = my_error(c->m, d, what, err, errlen);
	return NULL;
}

/* Reads and frees whatever results are left, so that the connection takes a query. */
static void
drain(struct pl_my *c)
{
	while (mysql_more_results(c->m) && mysql_next_result(c->m) == 0)
		mysql_free_result(mysql_store_result(c->m));
}

enum pl_db_status
pl_my_collect(struct pl_my *c, const struct pl_deadline *d, struct pl_db_sample *s, char *err,
	      size_t errlen)
{
	enum pl_db_status st = PL_DB_ERROR;
	uint64_t v[PL_MY_NSTATUS];
	MYSQL_RES *res;
	MYSQL_ROW row;
	const char *info = mysql_get_server_info(c->m);

	s->mysql = true;
	pl_snprintf(s->server, sizeof(s->server), "%s %s",
		    info != NULL && strstr(info, "MariaDB") != NULL ? "MariaDB" : "MySQL",
		    info != NULL ? info : "?");
	/* "10.11.19-MariaDB-0+deb12u1": the version alone */
	{
		char *dash = strchr(s->server, '-');

		if (dash != NULL)
			*dash = '\0';
	}
	/* One round trip: the limits (and whether this user holds PROCESS), the status
	 * counters, the threads. Without PROCESS the threads statement fails (INNODB_TRX
	 * needs it): then the threads of this user alone, in a second one. */
	res = my_query(c, d, Q_LIMITS ";" Q_STATUS ";" Q_THREADS, "reading the limits", &st, err,
		       errlen);
	if (res == NULL)
		return st;
	row = mysql_fetch_row(res);
	if (row == NULL || (s->max_connections = as_long(row[0])) <= 0 ||
	    (s->user_limit = as_long(row[1])) < 0) {
		mysql_free_result(res);
		pl_snprintf(err, errlen, "max_connections or max_user_connections is not a number");
		return PL_DB_ERROR;
	}
	s->partial_view = as_long(row[2]) <= 0;
	mysql_free_result(res);
	if ((res = next_result(c, d, "reading the status", &st, err, errlen)) == NULL) {
		drain(c);
		return st;
	}
	if ((st = status_take(res, v, err, errlen)) != PL_DB_OK) {
		drain(c);
		return st;
	}
	s->has_status = true;
	s->threads_connected = v[PL_MY_THREADS_CONNECTED];
	s->threads_running = v[PL_MY_THREADS_RUNNING];
	s->aborted_connects = v[PL_MY_ABORTED_CONNECTS];
	s->max_used = v[PL_MY_MAX_USED];
	/* Threads_connected counts this connection too. */
	s->count = s->threads_connected > 0 ? (long)s->threads_connected - 1 : 0;
	res = next_result(c, d, "listing the threads", &st, err, errlen);
	drain(c);
	if (res == NULL && s->partial_view)
		res = my_query(c, d, Q_THREADS_OWN, "listing the threads", &st, err, errlen);
	if (res == NULL)
		return st;
	while ((row = mysql_fetch_row(res)) != NULL) {
		long n = as_long(row[3]), age = as_long(row[4]);
		enum pl_db_state state = row[2] == NULL ? PL_DBS_OTHER :
			strcmp(row[2], "active") == 0 ? PL_DBS_ACTIVE :
			strcmp(row[2], "idle") == 0 ? PL_DBS_IDLE : PL_DBS_IDLE_TX;
		struct pl_db_group *g;

		if (n < 0)
			continue;
		s->states[state] += n;
		if (age > s->oldest_idle_tx)
			s->oldest_idle_tx = (double)age;
		if (row[1] != NULL) {
			if ((g = pl_db_group(&s->dbs, &s->ndbs, row[1])) == NULL)
				goto oom;
			g->count += n;
		}
		if (row[0] != NULL) {
			if ((g = pl_db_group(&s->users, &s->nusers, row[0])) == NULL)
				goto oom;
			g->count += n;
		}
	}
	mysql_free_result(res);
	return PL_DB_OK;
oom:
	mysql_free_result(res);
	pl_snprintf(err, errlen, "out of memory");
	return PL_DB_ERROR;
}
