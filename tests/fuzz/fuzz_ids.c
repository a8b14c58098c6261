/* Fuzz target: the text formats of lib/source/pl_ids over the same input (not
 * NUL-terminated): Snort's alert_fast line, sshd's failed logins (a syslog line and a
 * journal message), fail2ban's log line, fail2ban-client's "banned" reply and an IDS
 * time stamp. None may crash, leak or read past the input; every string handed back is
 * NUL-terminated within its buffer; a failed login has an address; a parsed reply's
 * jails keep at most PL_F2B_ADDRS addresses and count at least those.
 * fuzz-seeds: ids/alert_fast ids/auth.log ids/fail2ban.log */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
terminated(const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size > 0 ? size : 1);
	struct pl_ids_alert a;
	struct pl_auth_event e;
	struct pl_f2b_event f;
	struct pl_f2b_banned b;
	struct pl_time t;
	char err[128];

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	{
		struct pl_time now = { 1796119260, 0 }, st;

		if (pl_snort_fast_time(copy, size, &now, true, &st) == 0 &&
		    (st.nsec < 0 || st.nsec > 999999999 || st.sec > now.sec + 86400 * 36525LL))
			abort(); /* a stamp without a year is never past a day ahead */
	}
	if (pl_snort_fast_parse(copy, size, &a) == 0) {
		terminated(a.signature, sizeof(a.signature));
		terminated(a.category, sizeof(a.category));
		terminated(a.src, sizeof(a.src));
		terminated(a.dest, sizeof(a.dest));
	}
	if (pl_auth_line(copy, size, &e) != PL_AUTH_NONE) {
		terminated(e.user, sizeof(e.user));
		if (e.addr[0] == '\0')
			abort(); /* a failed login without an address */
		if (e.count == 0)
			abort();
	}
	if (pl_auth_msg(copy, size, &e) != PL_AUTH_NONE && e.addr[0] == '\0')
		abort();
	if (pl_f2b_log_line(copy, size, &f) != PL_F2B_NONE) {
		if (f.jail[0] == '\0')
			abort(); /* a ban without a jail */
		if (f.addr[0] == '\0')
			abort();
	}
	if (pl_f2b_banned_parse(copy, size, &b, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < b.n; i++) {
			if (b.v[i].naddr > PL_F2B_ADDRS)
				abort();
			if (b.v[i].banned < b.v[i].naddr)
				abort();
			terminated(b.v[i].name, sizeof(b.v[i].name));
		}
		pl_f2b_banned_free(&b);
	} else if (err[0] == '\0') {
		abort(); /* a failure must say why */
	}
	if (pl_ids_time_parse(copy, size, &t) == 0 && (t.nsec < 0 || t.nsec > 999999999))
		abort();
	free(copy);
	return 0;
}
