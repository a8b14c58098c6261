/* pl_my: a MySQL or MariaDB server's connections and limits, through libmariadb.
 *
 * The connection's connect, read and write timeouts are the whole seconds left before
 * the deadline (libmariadb counts no finer); the SIGALRM backstop covers the rounding. */
#ifndef PL_MY_H
#define PL_MY_H

#include <stddef.h>
#include <stdint.h>

#include "pl_dbconns.h"
#include "pl_deadline.h"

/* The status counters pl_my_status reads are pl_dbconns.h's PL_MY_*, in that order. */

struct pl_my;

/* Connects to t (d NULL: the process deadline). A named option file is read (t->service:
 * its group, default "client"); without one the library's default files are. Returns
 * PL_DB_OK with *out to close with pl_my_close, or the kind of failure with one sentence
 * in err (the server's reason and error number, never the password); *out is NULL then. */
enum pl_db_status pl_my_connect(const struct pl_db_target *t, const struct pl_deadline *d,
				struct pl_my **out, char *err, size_t errlen);

/* Fills s (initialised by the caller): limits, connections per user, database and
 * state, the oldest session idle in a transaction (a Sleep thread with an open InnoDB
 * transaction; its Time is the time since its last statement), and count as
 * Threads_connected without this connection. Each account's own max_user_connections
 * comes from mysql.user where this user may read it (s->accounts_read), else this
 * account's own alone (the session's max_user_connections). */
enum pl_db_status pl_my_collect(struct pl_my *c, const struct pl_deadline *d,
				struct pl_db_sample *s, char *err, size_t errlen);

/* Threads_connected, Threads_running, Aborted_connects and Max_used_connections into v. */
enum pl_db_status pl_my_status(struct pl_my *c, const struct pl_deadline *d,
			       uint64_t v[PL_MY_NSTATUS], char *err, size_t errlen);

void pl_my_close(struct pl_my *c);

/* The status of a libmariadb or server error number: access denied PL_DB_AUTH, too many
 * connections (server or user) PL_DB_FULL, cannot connect, unknown host, lost or gone
 * PL_DB_UNREACHABLE, anything else PL_DB_ERROR. Pure: for unit tests. */
enum pl_db_status pl_my_classify(unsigned int errnum);

#endif
