/* Fuzz target: pl_diskstats_parse and pl_mountinfo_parse over arbitrary bytes, and the
 * mount lookups over what the latter found.
 * fuzz-seeds: proc/diskstats proc/self/mountinfo */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_diskstats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pl_diskstats ds;
	struct pl_mountinfo mi;
	char err[256];

	if (pl_diskstats_parse((const char *)data, size, &ds, err, sizeof(err)) == 0) {
		/* The contract: at least one line, each device with a sysfs-safe name and 4 or
		 * at least 11 stat fields; a 4-field line sets only the four fields it has;
		 * every line with an odd name says why. */
		if (ds.n + ds.nbad == 0 || ds.n + ds.nbad > PL_DISKSTATS_MAX)
			abort();
		for (size_t i = 0; i < ds.nbad; i++)
			if (ds.bad[i].why == NULL || ds.bad[i].lineno == 0 ||
			    memchr(ds.bad[i].name, '\0', sizeof(ds.bad[i].name)) == NULL)
				abort();
		for (size_t i = 0; i < ds.n; i++) {
			const struct pl_diskstats_entry *e = &ds.v[i];

			if (!pl_diskstats_name_ok(e->name) || (e->nfields != 4 && e->nfields < 11))
				abort();
			if (e->nfields == 4 && (e->f[PL_DS_RD_MERGES] || e->f[PL_DS_IO_TICKS]))
				abort();
			if (pl_diskstats_find(&ds, e->name) == NULL ||
			    pl_diskstats_find_dev(&ds, e->major, e->minor) == NULL)
				abort();
		}
	}
	pl_diskstats_free(&ds);

	if (pl_mountinfo_parse((const char *)data, size, &mi, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < mi.n; i++) {
			const struct pl_mount *m = &mi.v[i];

			if (m->point == NULL || m->fstype == NULL || m->source == NULL)
				abort();
			/* Every absolute mount point written plainly (no '.', '..' or '//' to
			 * take back) is held by some mount: itself at least. */
			if (m->point[0] == '/' && strstr(m->point, "/.") == NULL &&
			    strstr(m->point, "//") == NULL && strlen(m->point) < 4000 &&
			    pl_mountinfo_holding(&mi, m->point) == NULL)
				abort();
			(void)pl_mountinfo_find(&mi, m->point);
		}
	}
	pl_mountinfo_free(&mi);
	return 0;
}
