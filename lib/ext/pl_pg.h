/* pl_pg: a PostgreSQL server's connections and limits, through libpq.
 *
 * One connection (non-blocking, every wait a poll under the deadline, with libpq's
 * connect_timeout and the server's statement_timeout set from the time left as well),
 * one round trip of four queries, and the connection closed again. */
#ifndef PL_PG_H
#define PL_PG_H

#include <stddef.h>

#include "pl_dbconns.h"
#include "pl_deadline.h"

/* Connects to t, fills s (initialised by the caller with pl_db_sample_init) and
 * disconnects. d NULL: the process deadline. Returns PL_DB_OK, or the kind of failure
 * with one sentence in err (libpq's or the server's reason, never the password). */
enum pl_db_status pl_pg_collect(const struct pl_db_target *t, const struct pl_deadline *d,
				struct pl_db_sample *s, char *err, size_t errlen);

/* How libpq's or the server's message for a failed connection reads as a status:
 * authentication and access (wrong password, unknown role or database, pg_hba.conf) is
 * PL_DB_AUTH, no slot left (too many clients, too many connections for a role or a
 * database, only reserved slots left) PL_DB_FULL, a bad service or option PL_DB_ERROR,
 * anything else (refused, no such socket, unknown host, starting up) PL_DB_UNREACHABLE.
 * Pure: for unit tests. */
enum pl_db_status pl_pg_classify(const char *msg);

#endif
