/* pl_dbconns: what a database server's connections look like, and the headroom against
 * its tightest limit. The lib/ext modules pl_pg (libpq) and pl_my (libmariadb) fill a
 * struct pl_db_sample from the server; this module, which links nothing, holds the
 * sample and judges it, so that the judging is unit-tested without a server.
 *
 * Limits. A server refuses a connection at whichever limit it reaches first:
 *   PostgreSQL: max_connections minus the slots kept for superusers
 *     (superuser_reserved_connections, and reserved_connections for roles with
 *     pg_use_reserved_connections on 16 and later), a database's datconnlimit, a role's
 *     rolconnlimit;
 *   MySQL/MariaDB: max_connections, and max_user_connections for each user.
 * The tightest limit is the one with the fewest slots left; between equals, the one used
 * the most in percent, then the server's own. A limit of 0 (a database closed to
 * connections on purpose) or below (none) is no limit here. */
#ifndef PL_DBCONNS_H
#define PL_DBCONNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How a check reaches the server. Strings are the caller's; NULL: the library's default
 * (which for libpq includes its environment: PGHOST, PGSERVICE, PGPASSFILE...). */
struct pl_db_target {
	const char *host;        /* a name or address (TCP) */
	unsigned port;           /* 0: the default */
	const char *socket;      /* a Unix socket: its directory (PostgreSQL), its path (MySQL) */
	const char *user;
	const char *password;    /* a secret: never in a message */
	const char *database;
	const char *service;     /* PostgreSQL: a service of the service file; MySQL: the group
				  * of the option file to read */
	const char *option_file; /* PostgreSQL: the service file; MySQL: the option file */
	const char *passfile;    /* PostgreSQL: the password file (.pgpass format) */
	const char *app;         /* application_name / program_name */
};

/* How a collection ended: the plugin turns each into a state. */
enum pl_db_status {
	PL_DB_OK = 0,
	PL_DB_AUTH,              /* refused us: wrong password, unknown user, no access */
	PL_DB_UNREACHABLE,       /* not there: refused, no route, unknown host, shutting down */
	PL_DB_FULL,              /* answered but refused the connection: no slot left */
	PL_DB_TIMEOUT,           /* the deadline passed */
	PL_DB_ERROR,             /* a query failed, or an answer made no sense */
};

enum pl_db_state { PL_DBS_ACTIVE = 0, PL_DBS_IDLE, PL_DBS_IDLE_TX, PL_DBS_OTHER, PL_DBS_N };

/* A database or a user: its connections and its own limit (-1: none). */
struct pl_db_group {
	char *name;
	long count;
	long limit;
};

struct pl_db_sample {
	char server[128];        /* "PostgreSQL 15.18", "MariaDB 10.11.19" */
	bool mysql;
	long count;              /* client connections, the check's own one left out */
	long max_connections;
	long reserved;           /* of max_connections, kept for superusers (PostgreSQL) */
	char reserved_text[96];  /* what reserved is made of: "3 superuser_reserved_connections" */
	long user_limit;         /* MySQL max_user_connections; 0: none */
	bool accounts_read;      /* MySQL: mysql.user's per-account limits were read (each
				  * user's group limit: its account's max_user_connections,
				  * -1 where it has none and the global one applies) */
	long states[PL_DBS_N];
	double oldest_idle_tx;   /* seconds a session has been idle in a transaction; 0: none */
	struct pl_db_group *dbs, *users;   /* owned; pl_db_sample_free */
	size_t ndbs, nusers;
	/* MySQL's status counters */
	bool has_status;
	uint64_t threads_connected, threads_running, aborted_connects, max_used;
	long hidden;             /* PostgreSQL: sessions whose state this user may not see */
	/* Only the check's own user's sessions were visible (MySQL without PROCESS): per
	 * user, database and state figures cover those alone. */
	bool partial_view;
};

void pl_db_sample_init(struct pl_db_sample *s);
void pl_db_sample_free(struct pl_db_sample *s);

/* The group called name in *v (n of them), added with count 0 and no limit when it is
 * not there. NULL when out of memory. */
struct pl_db_group *pl_db_group(struct pl_db_group **v, size_t *n, const char *name);

enum pl_db_limit_kind { PL_DBL_NONE = 0, PL_DBL_SERVER, PL_DBL_DATABASE, PL_DBL_ROLE,
			PL_DBL_USER };

/* The headroom against one limit. */
struct pl_db_headroom {
	enum pl_db_limit_kind kind;   /* PL_DBL_NONE: the server has no limit we know */
	const char *name;             /* the database, role or user; NULL for the server */
	long used, limit, left;       /* left: limit - used, never below 0 */
	double pct;                   /* used of limit, in percent (may pass 100) */
	char what[200];               /* "max_connections (100) - 3 superuser_reserved_connections",
				       * "datconnlimit of database app", ...; names escaped */
	char label[64];               /* the same in a few words, for a status line read on a
				       * phone: "max_connections", "database app's limit",
				       * "role app's limit", "user app's limit"; a name longer
				       * than 32 bytes is cut and ends in "..." */
};

/* The tightest limit of s (see above) into *h. */
void pl_db_tightest(const struct pl_db_sample *s, struct pl_db_headroom *h);

/* The state word of a PostgreSQL pg_stat_activity.state: "active", "idle", "idle in
 * transaction" and "idle in transaction (aborted)" (both PL_DBS_IDLE_TX); others
 * (fastpath function call, disabled, none) are PL_DBS_OTHER. */
enum pl_db_state pl_db_pg_state(const char *state);

/* A server's answer, result set by result set. The lib/ext modules pl_pg and pl_my hand
 * each result set, as text cells, to the takers below, so that what turns a server's
 * reply into counts and limits links no client library and is unit-tested and fuzzed
 * (tests/fuzz/fuzz_dbreply.c) without a server. */
struct pl_db_rows {
	size_t rows, cols;
	const char *const *cell;  /* row-major: cell[r * cols + c]; NULL for SQL NULL */
};

/* Cell (r, c) of t; NULL for SQL NULL and outside the table. */
const char *pl_db_cell(const struct pl_db_rows *t, size_t r, size_t c);

/* Result set i (0 to 3) of pl_pg's round trip into s: 0 the settings (version,
 * max_connections, superuser_reserved_connections, reserved_connections), 1 the databases
 * (datname, datconnlimit), 2 the roles with a limit (rolname, rolconnlimit), 3 the client
 * backends (datname, usename, state, count, oldest idle in transaction in seconds).
 * 0, or -1 with the reason in err (s then half filled: free it). */
int pl_db_pg_take(unsigned i, const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
		  size_t errlen);

/* The status counters pl_db_my_status_take reads, in this order. */
enum { PL_MY_THREADS_CONNECTED = 0, PL_MY_THREADS_RUNNING, PL_MY_ABORTED_CONNECTS,
       PL_MY_MAX_USED, PL_MY_NSTATUS };

/* MySQL's answers, each into s or v; 0, or -1 with the reason in err.
 * limits: one row of @@max_connections, @@max_user_connections and the number of PROCESS
 * grants this user holds (0: it sees its own threads only);
 * status: SHOW GLOBAL STATUS rows (Variable_name, Value), all four counters needed;
 * threads: (user, database, "active"/"idle"/"idle in transaction", count, oldest idle in
 * transaction in seconds), count as Threads_connected is set by the caller;
 * accounts: mysql.user's (User, max_user_connections): a positive value is that user's
 * own limit in place of the global max_user_connections (between several accounts of one
 * name, on different hosts, the smallest); 0 or below leaves the global one. */
int pl_db_my_limits_take(const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
			 size_t errlen);
int pl_db_my_status_take(const struct pl_db_rows *t, uint64_t v[PL_MY_NSTATUS], char *err,
			 size_t errlen);
int pl_db_my_threads_take(const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
			  size_t errlen);
int pl_db_my_accounts_take(const struct pl_db_rows *t, struct pl_db_sample *s, char *err,
			   size_t errlen);

/* Server answers as text, for the fixtures of tests/fixtures/db and the fuzz target: a
 * line "= N" starts a result set of N columns (1 to 16), each line after it is a row of
 * N cells separated by tabs, "\N" is NULL; lines starting with "#" are comments. At most
 * PL_DB_REPLY_MAX result sets. 0, or -1 with the reason and line number in err (and
 * nothing to free). The cells point into a copy of buf that *out owns. */
#define PL_DB_REPLY_MAX 8
struct pl_db_reply {
	size_t n;
	struct pl_db_rows set[PL_DB_REPLY_MAX];
	const char **cells;   /* owned: pl_db_reply_free */
	char *text;           /* owned: the copy of buf the cells point into */
};
int pl_db_reply_parse(const char *buf, size_t len, struct pl_db_reply *out, char *err,
		      size_t errlen);
void pl_db_reply_free(struct pl_db_reply *r);

#endif
