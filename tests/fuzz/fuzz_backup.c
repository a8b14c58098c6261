/* Fuzz target: the backup tools' outputs (pl_backup): restic's snapshot list and lock,
 * borg's archive list, archive info, lock roster and lock.exclusive entry name (and
 * whose host it is), and a job's status file, over the same input
 * (not NUL-terminated). None may crash, leak or read past the input; a list that
 * parses holds only backups with a name, a host (maybe "") and a valid time, and the
 * newest-per-host walk and the copy match run over it.
 * fuzz-libs: json-c
 * fuzz-seeds: backup/restic/snapshots-0.14.json backup/restic/snapshots-0.17.json backup/borg/list-1.2.4.json backup/borg/info-1.2.4.json backup/restic/lock-0.14.json backup/borg/lock.roster-1.2.4.json backup/status/failed.status backup/status/failed-json.status */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_backup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
walk(const struct pl_bk_list *l)
{
	long prev;
	size_t count;

	for (size_t i = 0; i < l->n; i++) {
		if (l->v[i].name == NULL || l->v[i].host == NULL || l->v[i].time.nsec < 0 ||
		    l->v[i].time.nsec > 999999999)
			abort();
		(void)pl_bk_latest(l, NULL, l->v[i].host, &prev, &count);
		(void)pl_bk_same(&l->v[i], &l->v[0]);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	char *copy = malloc(size > 0 ? size : 1);
	struct pl_bk_list l;
	struct pl_bk_lock lk[8];
	struct pl_bk_status st;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (pl_restic_snapshots_parse(copy, size, &l, err, sizeof(err)) == 0) {
		walk(&l);
		pl_bk_list_free(&l);
	}
	if (pl_borg_list_parse(copy, size, &l, err, sizeof(err)) == 0) {
		walk(&l);
		pl_bk_list_free(&l);
	}
	(void)pl_restic_lock_parse(copy, size, &lk[0], err, sizeof(err));
	if (pl_borg_roster_parse(copy, size, lk, 8, err, sizeof(err)) > 8)
		abort();
	{
		/* A directory entry's name: the input up to its first NUL. */
		char *name = malloc(size + 1);
		const uint64_t nodes[] = { 1, 0x2fc00000001ULL };
		const struct pl_bk_self self = { "vm", "vm.example.org", NULL, nodes, 2 };

		if (name != NULL) {
			memcpy(name, data, size);
			name[size] = '\0';
			if (pl_borg_lockname_parse(name, &lk[0]) == 0 &&
			    (lk[0].pid <= 0 || lk[0].id[0] == '\0'))
				abort();
			(void)pl_borg_lock_here(&lk[0], &self);
			free(name);
		}
	}
	(void)pl_bk_status_parse(copy, size, &st, err, sizeof(err));
	{
		struct pl_borg_stat bs[4];
		int n = pl_borg_info_parse(copy, size, bs, 4, err, sizeof(err));

		if (n > 4)
			abort();
		for (int i = 0; i < n; i++)
			if (!(bs[i].size >= 0 && bs[i].files >= 0) || bs[i].name[0] == '\0')
				abort();
	}
	free(copy);
	return 0;
}
