/* pl_logitem: a log file read through pl_tail as one item of a check's result, and what
 * every log-reading check says about it in the same words.
 *
 * check_log_errors and check_ids read their logs the same way: the position kept in
 * the state store under (ns, path), a share of the time left for each file, the
 * reading's events (rotation, truncation, lines lost), the first run, a cap that
 * stopped the reading and cut lines said on the item, a held state after the last
 * problem (pl_hold_apply) said with its end, and the last matching lines kept in a
 * bounded ring and shown escaped. The options these texts name (--from-start,
 * --max-read-bytes, --max-read-lines, --max-line-length, --hold, --missing-state,
 * --lost-state, --capped-state) are the ones both plugins take.
 *
 * Nothing here prints or exits; texts go to the item. */
#ifndef PL_LOGITEM_H
#define PL_LOGITEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_result.h"
#include "pl_store.h"
#include "pl_tail.h"

#define PL_SHOWN_LEN 300          /* bytes of a kept line, before escaping */

struct pl_logitem_opts {
	uint64_t max_bytes, max_lines;   /* per file and run; 0: no cap */
	size_t max_line;                 /* 0: PL_TAIL_LINE_MAX */
	bool from_start;
	enum pl_state missing_state;     /* the log does not exist */
	enum pl_state lost_state;        /* lines could not be read (rotated away, ...) */
	enum pl_state capped_state;      /* a cap or the timeout stopped the reading */
	/* What became of cut lines, said after "N lines longer than --max-line-length, "
	 * ("not parsed"); NULL: "matched on their start". */
	const char *cut_what;
};

/* Reads what was appended to path since the position kept in st under (ns, path),
 * handing the lines to fn (see pl_tail_read), with 0.8 of the time left as its own
 * deadline. On success the new position is put into st (the caller saves the store only
 * after counting), the reading's events, the first run's start, a cap and cut lines are
 * said on it, *res is filled and 0 returned. When the log cannot be read, a finding
 * says why on it (missing: o->missing_state; no read access: UNKNOWN with the group to
 * join), the position is left alone and -1 returned. */
/* A "[LABEL=]PATH" option argument: the path, after "LABEL=" when an '=' comes before
 * the first '/'; *label_len is the label's length (0: none given). */
const char *pl_logitem_arg_path(const char *arg, size_t *label_len);

/* The option check of such an argument: the path absolute, a "LABEL=" not empty; example
 * is the path the message suggests ("/var/log/syslog"). Returns 0, or -1 with err. */
int pl_logitem_arg_check(const char *arg, const char *example, char *err, size_t errlen);

int pl_logitem_read(struct pl_item *it, struct pl_store *st, const char *ns,
		    const char *path, const struct pl_logitem_opts *o, pl_tail_fn *fn,
		    void *ctx, struct pl_tail_result *res);

/* The hold (pl_hold_apply_at under ("hold", key)): run is this run's state for the item;
 * while an earlier, worse state is held, a finding says "held STATE until TIME (the
 * last NOUN came within --hold)", or, when this run's state is the held one, a line
 * says until when. The hold counts from event, the time stamp of this run's last match
 * when the source gives one (an alert's), else (NULL) from now. hold <= 0 drops the
 * mark. Returns the state now held (run when none). */
enum pl_state pl_logitem_hold(struct pl_item *it, struct pl_store *st, const char *key,
			      enum pl_state run, const struct pl_time *now,
			      const struct pl_time *event, double hold, const char *noun);

/* A bounded ring of the last n kept lines (n 0: keeps none). The caller owns v (n
 * elements, from pl_shown_init) and frees it with pl_shown_free. */
struct pl_shown_line {
	char text[PL_SHOWN_LEN + 1];
	size_t len;
	bool cut;
	enum pl_state state;
	const char *tag;          /* a static word shown before it ("critical"), or NULL */
};

struct pl_shown {
	struct pl_shown_line *v;
	size_t n, used, next;
};

/* Returns 0, or -1 when out of memory. */
int pl_shown_init(struct pl_shown *s, size_t n);
void pl_shown_free(struct pl_shown *s);
void pl_shown_reset(struct pl_shown *s);
/* Keeps the first PL_SHOWN_LEN bytes of line (any bytes, NUL included), dropping the
 * oldest when full; cut marks a line that was already cut. */
void pl_shown_keep(struct pl_shown *s, const char *line, size_t len, enum pl_state state,
		   const char *tag, bool cut);
/* The kept lines as lines of it, oldest first: "TAG: TEXT" ("TEXT" without a tag),
 * escaped (pl_bytes_escape), " [cut]" after a cut one. */
void pl_shown_lines(struct pl_item *it, const struct pl_shown *s);

/* The len bytes at p as pl_name_escape writes a name (a backslash doubled; control, DEL
 * and non-ASCII bytes as \xHH), NUL included: a log line is bytes, not a C string. */
void pl_bytes_escape(struct pl_buf *b, const char *p, size_t len);

#endif
