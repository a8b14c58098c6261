/* pl_my: MySQL/MariaDB connections through libmariadb. The contract is in pl_my.h. */
#include "config.h"

#include <mysql.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pl_buf.h"
#include "pl_i18n.h"
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
		pl_snprintf(err, errlen, _("no answer while %s (%s)"), what, mysql_error(m));
		return PL_DB_TIMEOUT;
	}
	pl_snprintf(err, errlen, _("%s (error %u while %s)"), mysql_error(m), e, what);
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
		pl_snprintf(err, errlen, _("out of memory"));
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
		st = my_error(c->m, d, _("connecting"), err, errlen);
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

/* The rows of res (freed) handed to take as text cells. */
static int
my_take(MYSQL_RES *res, int (*take)(const struct pl_db_rows *, void *, char *, size_t),
	void *arg, char *err, size_t errlen)
{
	struct pl_db_rows t;
	const char **cell;
	MYSQL_ROW row;
	size_t r = 0;
	int rc;

	t.rows = (size_t)mysql_num_rows(res);
	t.cols = mysql_num_fields(res);
	cell = calloc(t.rows * t.cols + 1, sizeof(*cell));
	if (cell == NULL) {
		mysql_free_result(res);
		pl_snprintf(err, errlen, _("out of memory"));
		return -1;
	}
	while (r < t.rows && (row = mysql_fetch_row(res)) != NULL) {
		for (size_t c = 0; c < t.cols; c++)
			cell[r * t.cols + c] = row[c];
		r++;
	}
	t.rows = r;
	t.cell = cell;
	rc = take(&t, arg, err, errlen);
	free(cell);
	mysql_free_result(res);
	return rc;
}

static int
take_limits(const struct pl_db_rows *t, void *s, char *err, size_t errlen)
{
	return pl_db_my_limits_take(t, s, err, errlen);
}

static int
take_status(const struct pl_db_rows *t, void *v, char *err, size_t errlen)
{
	return pl_db_my_status_take(t, v, err, errlen);
}

static int
take_threads(const struct pl_db_rows *t, void *s, char *err, size_t errlen)
{
	return pl_db_my_threads_take(t, s, err, errlen);
}

static int
take_accounts(const struct pl_db_rows *t, void *s, char *err, size_t errlen)
{
	return pl_db_my_accounts_take(t, s, err, errlen);
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

enum pl_db_status
pl_my_status(struct pl_my *c, const struct pl_deadline *d, uint64_t v[PL_MY_NSTATUS],
	     char *err, size_t errlen)
{
	enum pl_db_status st = PL_DB_ERROR;
	MYSQL_RES *res = my_query(c, d, Q_STATUS, _("reading the status"), &st, err, errlen);

	if (res == NULL)
		return st;
	return my_take(res, take_status, v, err, errlen) == 0 ? PL_DB_OK : PL_DB_ERROR;
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

/* The global max_user_connections; the session's is this account's own limit where it
 * has one (MySQL and MariaDB alike). */
#define Q_LIMITS "SELECT @@max_connections, @@GLOBAL.max_user_connections, " \
	"(SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES " \
	"WHERE PRIVILEGE_TYPE = 'PROCESS'), SUBSTRING_INDEX(CURRENT_USER(), '@', 1), " \
	"@@SESSION.max_user_connections"
/* Every account's own limit (needs SELECT on mysql.user; without it, not an error). */
#define Q_ACCOUNTS "SELECT User, max_user_connections FROM mysql.user " \
	"WHERE max_user_connections > 0"

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
		pl_snprintf(err, errlen, _("no answer came back while %s"), what);
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

/* Each account's own limit, where this user may read mysql.user. */
static enum pl_db_status
my_accounts(struct pl_my *c, struct pl_db_sample *s, char *err, size_t errlen)
{
	MYSQL_RES *res;

	if (mysql_query(c->m, Q_ACCOUNTS) != 0 || (res = mysql_store_result(c->m)) == NULL)
		return PL_DB_OK;
	return my_take(res, take_accounts, s, err, errlen) == 0 ? PL_DB_OK : PL_DB_ERROR;
}

enum pl_db_status
pl_my_collect(struct pl_my *c, const struct pl_deadline *d, struct pl_db_sample *s, char *err,
	      size_t errlen)
{
	enum pl_db_status st = PL_DB_ERROR;
	uint64_t v[PL_MY_NSTATUS];
	MYSQL_RES *res;
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
	 * counters, the threads, the accounts' own limits. Without PROCESS the threads
	 * statement fails (INNODB_TRX needs it), and the ones after it are not run: then the
	 * threads of this user alone, in a second one. Without SELECT on mysql.user the
	 * accounts statement fails: the accounts' limits are not known then. */
	res = my_query(c, d, Q_LIMITS ";" Q_STATUS ";" Q_THREADS ";" Q_ACCOUNTS,
		       _("reading the limits"), &st, err, errlen);
	if (res == NULL)
		return st;
	if (my_take(res, take_limits, s, err, errlen) != 0 ||
	    (res = next_result(c, d, _("reading the status"), &st, err, errlen)) == NULL ||
	    my_take(res, take_status, v, err, errlen) != 0) {
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
	res = next_result(c, d, _("listing the threads"), &st, err, errlen);
	if (res != NULL) {
		if (my_take(res, take_threads, s, err, errlen) != 0) {
			drain(c);
			return PL_DB_ERROR;
		}
		if (mysql_more_results(c->m) && mysql_next_result(c->m) == 0 &&
		    (res = mysql_store_result(c->m)) != NULL &&
		    my_take(res, take_accounts, s, err, errlen) != 0) {
			drain(c);
			return PL_DB_ERROR;
		}
		drain(c);
		return PL_DB_OK;
	}
	drain(c);
	if (!s->partial_view)
		return st;
	res = my_query(c, d, Q_THREADS_OWN, _("listing the threads"), &st, err, errlen);
	if (res == NULL)
		return st;
	if (my_take(res, take_threads, s, err, errlen) != 0)
		return PL_DB_ERROR;
	return my_accounts(c, s, err, errlen);
}
