/* pl_opt and pl_secret: the typed option table, the one parser of the command line and
 * option files, the number parser, suggestions, secrets; and pl_plugin_parse on a test
 * plugin whose table has a secret (no plugin has one yet). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_opt.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_secret.h"
#include "tests.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MARK "S3CR3T"

struct tcfg {
	bool sw;
	int count;
	const char *str;
	int64_t i64;
	int i32;
	size_t sz;
	double num, dur, size, rate;
	enum pl_state st;
	int choice;
	struct pl_strlist list;
	const char *password;
	const char *token;     /* PL_OPT_LATE */
	int calls;             /* of the handler */
	const char *last;      /* its last value */
};

static int
t_handler(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct tcfg *c = base;

	(void)o;
	if (strcmp(v, "bad") == 0 || strstr(v, MARK) != NULL) {
		pl_snprintf(err, errlen, "the handler refused it");
		return -1;
	}
	c->calls++;
	c->last = v;
	return 0;
}

static int
t_check(const char *v, char *err, size_t errlen)
{
	if (v[0] == '/')
		return 0;
	pl_snprintf(err, errlen, "not an absolute path");
	return -1;
}

static const struct pl_choice t_words[] = {
	{ "red", 1, false }, { "green", 2, false }, { "rouge", 1, true }, { NULL, 0, false },
};

static const struct pl_option topts[] = {
	{ .name = "switch", .letter = 's', .type = PL_OPT_SWITCH, PL_OPT_AT(struct tcfg, sw),
	  .help = "A switch." },
	{ .name = "verbose", .letter = 'v', .type = PL_OPT_COUNT, .max = 3,
	  PL_OPT_AT(struct tcfg, count), .help = "Counted." },
	{ .name = "string", .type = PL_OPT_STRING, PL_OPT_AT(struct tcfg, str), .help = "Text." },
	{ .name = "big", .type = PL_OPT_INT, .min = -5, .max = 1e12, PL_OPT_AT(struct tcfg, i64),
	  .help = "Int64." },
	{ .name = "small", .letter = 'n', .type = PL_OPT_INT, .min = 0, .max = 100,
	  PL_OPT_AT(struct tcfg, i32), .help = "Int." },
	{ .name = "lines", .type = PL_OPT_INT, .min = 0, .max = 1000, PL_OPT_AT(struct tcfg, sz),
	  .help = "size_t." },
	{ .name = "number", .type = PL_OPT_NUMBER, .min = 0.5, .max = 2.5,
	  PL_OPT_AT(struct tcfg, num), .help = "Double." },
	{ .name = "wait", .letter = 't', .type = PL_OPT_DURATION, .min = 0.001, .max = 86400,
	  PL_OPT_AT(struct tcfg, dur), .help = "Duration." },
	{ .name = "size", .type = PL_OPT_SIZE, PL_OPT_AT(struct tcfg, size), .help = "Bytes." },
	{ .name = "rate", .type = PL_OPT_RATE, .min = 1, PL_OPT_AT(struct tcfg, rate),
	  .help = "Bits/s." },
	{ .name = "state", .type = PL_OPT_STATE, PL_OPT_AT(struct tcfg, st), .help = "State." },
	{ .name = "color", .type = PL_OPT_CHOICE, .choices = t_words,
	  PL_OPT_AT(struct tcfg, choice), .help = "Word." },
	{ .name = "path", .type = PL_OPT_LIST, .max = 3, .check = t_check,
	  PL_OPT_AT(struct tcfg, list), .help = "Paths." },
	{ .name = "handled", .type = PL_OPT_STRING, .fn = t_handler, .flags = PL_OPT_REPEAT,
	  .help = "Handled." },
	{ .name = "warningx", .type = PL_OPT_STRING, .fn = t_handler, .help = "For suggestions." },
	{ .name = "warning", .type = PL_OPT_STRING, .fn = t_handler, .help = "For suggestions." },
	{ .name = "password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PL_TEST_PASSWORD", PL_OPT_AT(struct tcfg, password), .help = "A secret." },
	{ .name = "token", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET | PL_OPT_LATE,
	  PL_OPT_AT(struct tcfg, token), .help = "A secret whose file may fail late." },
	{ .name = NULL },
};

static struct tcfg cfg;
static struct pl_opt_table ttable[1];
static struct pl_opt_parser parser;
static char err[1024];
static struct pl_buf seen_log;

static void
seen(void *ctx, const struct pl_option *o, const char *value)
{
	pl_buf_printf(ctx, "%s=%s;", o->name, value ? value : "(null)");
}

static void
setup(void)
{
	memset(&cfg, 0, sizeof(cfg));
	ttable[0] = (struct pl_opt_table){ topts, &cfg };
	pl_opt_init(&parser, ttable, 1);
	parser.prog = "check_test";
	parser.seen = seen;
	parser.seen_ctx = &seen_log;
	pl_buf_free(&seen_log);
	err[0] = '\0';
	unsetenv("PL_TEST_PASSWORD");
}

static void
teardown(void)
{
	pl_opt_free(&parser);
	pl_buf_free(&seen_log);
}

/* Splits s on blanks into argv (with "check_test" first) and parses it. */
static int
parse_line(const char *s)
{
	static char buf[1024];
	char *argv[64];
	int argc = 0;

	pl_strlcpy(buf, s, sizeof(buf));
	argv[argc++] = "check_test";
	for (char *p = buf; *p && argc < 63;) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p && *p != ' ')
			p++;
	}
	argv[argc] = NULL;
	return pl_opt_argv(&parser, argc, argv, NULL, err, sizeof(err));
}

/* ------------------------------------------------------------------ the command line */

static const struct {
	const char *argv;
	int rc;
	const char *err_has;     /* a part of the message, for rc -1 */
} argv_cases[] = {
	{ "", 0, NULL },
	{ "--switch -vvv -v --string=a --big 99 -n5 --lines=7", 0, NULL },
	{ "--switch=yes", -1, "--switch takes no value" },
	{ "--switch yes", -1, "argument 2 is not an option (--switch before it takes no value" },
	{ "positional", -1, "argument 1 is not an option (check_test takes only options)" },
	{ "-- x", -1, "argument 2 (after --) is not an option" },
	{ "--", 0, NULL },
	{ "--string", -1, "--string needs a value (TEXT)" },
	{ "-n", -1, "-n needs a value (N)" },
	{ "-x", -1, "-x: unknown option" },
	{ "-s-", -1, "argument 1: unknown option" },
	{ "--bogus", -1, "--bogus: unknown option" },
	{ "--warnx=1", -1, "--warnx: unknown option; did you mean --warningx?" },
	{ "--pasword=x", -1, "--pasword: unknown option; did you mean --password?" },
	{ "--swich", -1, "--swich: unknown option; did you mean --switch?" },
	/* Abbreviations are refused, with the option meant. */
	{ "--sw", -1, "--sw: unknown option (write options in full); did you mean --switch?" },
	{ "--warn=1", -1, "did you mean --warning?" },
	{ "--b\x01g", -1, "unknown option (a name of letters" },
	{ "--small=101", -1, "--small: out of range: give a whole number from 0 to 100" },
	{ "-n 1.5", -1, "-n: not a whole number" },
	{ "--big=-6", -1, "--big: out of range" },
	{ "--number=3", -1, "--number: out of range: give a number from 0.5 to 2.5" },
	{ "--number=1MB", -1, "--number: in bytes, a unit this option does not take" },
	{ "--wait=5MB", -1, "--wait: in bytes, a unit this option does not take: give a duration" },
	{ "--wait=5zz", -1, "--wait: unknown unit: give a duration" },
	{ "--wait=0", -1, "--wait: out of range: give a duration from 0.001s to 86400s" },
	{ "--rate=100", -1, "--rate: no unit: give a bit rate" },
	{ "--rate=5s", -1, "--rate: in seconds" },
	{ "--state=warn", -1, "--state: not a state: give ok, warning, critical or unknown" },
	{ "--color=blue", -1, "--color: unknown word: give red or green" },
	{ "--path=rel", -1, "--path: not an absolute path" },
	{ "--path=/a --path=/b --path=/c --path=/d", -1, "--path: at most 3 of them" },
	{ "--handled=bad", -1, "--handled: the handler refused it" },
	{ "-v -v -v -v -v", 0, NULL },
};

START_TEST(test_argv)
{
	int rc = parse_line(argv_cases[_i].argv);

	ck_assert_msg(rc == argv_cases[_i].rc, "[%s]: rc %d, err [%s]", argv_cases[_i].argv, rc,
		      err);
	if (rc != 0)
		ck_assert_msg(strstr(err, argv_cases[_i].err_has) != NULL, "[%s]: err [%s]",
			      argv_cases[_i].argv, err);
}
END_TEST

START_TEST(test_argv_lands)
{
	ck_assert_int_eq(parse_line("--switch -vvv -v --string=a --big 99 -n5 --lines=7 "
				    "--number 1.5 -t 2min --size 2KB --rate 1Gbit/s "
				    "--state 2 --color=green --path /a --path /b --handled x "
				    "--handled y"), 0);
	ck_assert(cfg.sw);
	ck_assert_int_eq(cfg.count, 3);    /* at most max */
	ck_assert_str_eq(cfg.str, "a");
	ck_assert_int_eq(cfg.i64, 99);
	ck_assert_int_eq(cfg.i32, 5);
	ck_assert_uint_eq(cfg.sz, 7);
	ck_assert(cfg.num == 1.5);
	ck_assert(cfg.dur == 120);
	ck_assert(cfg.size == 2048);
	ck_assert(cfg.rate == 1e9);
	ck_assert_int_eq(cfg.st, PL_CRITICAL);
	ck_assert_int_eq(cfg.choice, 2);
	ck_assert_uint_eq(cfg.list.n, 2);
	ck_assert_str_eq(cfg.list.v[0], "/a");
	ck_assert_str_eq(cfg.list.v[1], "/b");
	ck_assert_int_eq(cfg.calls, 2);
	ck_assert_str_eq(cfg.last, "y");
}
END_TEST

/* A later option replaces an earlier one. */
START_TEST(test_argv_later_wins)
{
	ck_assert_int_eq(parse_line("--state=critical --state ok --string a --string b "
				    "--rate=1Mbit/s -t 5 -t 0.5"), 0);
	ck_assert_int_eq(cfg.st, PL_OK);
	ck_assert_str_eq(cfg.str, "b");
	ck_assert(cfg.rate == 1e6);
	ck_assert(cfg.dur == 0.5);
}
END_TEST

/* No message repeats a value: a marker fed to every option never comes back. */
START_TEST(test_argv_never_echoes)
{
	char line[256];

	for (const struct pl_option *o = topts; o->name != NULL; o++) {
		if (!pl_opt_has_value(o))
			continue;
		setup();
		pl_snprintf(line, sizeof(line), "--%s=1%s", o->name, MARK);
		if (parse_line(line) == 0) {
			/* Only free text takes anything. */
			ck_assert_msg(o->type == PL_OPT_STRING && o->fn == NULL, "--%s", o->name);
			teardown();
			continue;
		}
		ck_assert_msg(strstr(err, MARK) == NULL, "--%s: [%s]", o->name, err);
		ck_assert_msg(strstr(err, o->name) != NULL, "--%s: [%s]", o->name, err);
		teardown();
	}
	setup();
	ck_assert_int_eq(parse_line("--switch=" MARK), -1);
	ck_assert_ptr_null(strstr(err, MARK));
	ck_assert_int_eq(parse_line("--switch " MARK), -1);
	ck_assert_ptr_null(strstr(err, MARK));
	ck_assert_int_eq(parse_line("--nosuch=" MARK), -1);
	ck_assert_ptr_null(strstr(err, MARK));
}
END_TEST

/* ------------------------------------------------------------------ numbers */

static const struct {
	enum pl_opt_type type;
	double min, max;
	const char *in;
	int rc;
	double out;
} num_cases[] = {
	{ PL_OPT_INT, 0, 0, "42", 0, 42 },
	{ PL_OPT_INT, 0, 0, "-42", 0, -42 },
	{ PL_OPT_INT, 0, 0, "+7", 0, 7 },
	{ PL_OPT_INT, 0, 0, "4.0", -1, 0 },
	{ PL_OPT_INT, 0, 0, "0x10", -1, 0 },
	{ PL_OPT_INT, 0, 0, "1e3", -1, 0 },
	{ PL_OPT_INT, 0, 0, "", -1, 0 },
	{ PL_OPT_INT, 0, 0, " 1", -1, 0 },
	{ PL_OPT_INT, 0, 0, "99999999999999999999", -1, 0 },
	{ PL_OPT_INT, 1, 10, "0", -1, 0 },
	{ PL_OPT_INT, 1, 10, "10", 0, 10 },
	{ PL_OPT_INT, 5, 0, "4", -1, 0 },          /* min only */
	{ PL_OPT_INT, 5, 0, "400000", 0, 400000 },
	{ PL_OPT_NUMBER, 0, 0, "0.25", 0, 0.25 },
	{ PL_OPT_NUMBER, 0, 0, ".5", 0, 0.5 },
	{ PL_OPT_NUMBER, 0, 0, "5.", -1, 0 },
	{ PL_OPT_NUMBER, 0, 0, "nan", -1, 0 },
	{ PL_OPT_NUMBER, 0, 0, "inf", -1, 0 },
	{ PL_OPT_NUMBER, 0, 0, "5%", -1, 0 },
	{ PL_OPT_DURATION, 0, 0, "10", 0, 10 },
	{ PL_OPT_DURATION, 0, 0, "10s", 0, 10 },
	{ PL_OPT_DURATION, 0, 0, "250ms", 0, 0.25 },
	{ PL_OPT_DURATION, 0, 0, "1.5min", 0, 90 },
	{ PL_OPT_DURATION, 0, 0, "2h", 0, 7200 },
	{ PL_OPT_DURATION, 0, 0, "1d", 0, 86400 },
	{ PL_OPT_DURATION, 0, 0, "10us", 0, 1e-5 },
	{ PL_OPT_DURATION, 0, 0, "10 s", -1, 0 },
	{ PL_OPT_DURATION, 0, 0, "10sec", -1, 0 },
	{ PL_OPT_DURATION, 0, 5, "5.001", -1, 0 },
	{ PL_OPT_DURATION, 0, 5, "5000ms", 0, 5 },
	{ PL_OPT_DURATION, 0, 5, "-1", -1, 0 },
	{ PL_OPT_SIZE, 0, 0, "512", 0, 512 },
	{ PL_OPT_SIZE, 0, 0, "1KB", 0, 1024 },
	{ PL_OPT_SIZE, 0, 0, "1.5GB", 0, 1.5 * 1073741824.0 },
	{ PL_OPT_SIZE, 0, 0, "1MB/s", -1, 0 },
	{ PL_OPT_RATE, 0, 0, "100Mbit/s", 0, 1e8 },
	{ PL_OPT_RATE, 0, 0, "2.5Gbit/s", 0, 2.5e9 },
	{ PL_OPT_RATE, 0, 0, "1KB/s", -1, 0 },      /* a slip for kbit/s? said in bits */
	{ PL_OPT_RATE, 0, 0, "100", -1, 0 },
	{ PL_OPT_RATE, 0, 0, "100MB", -1, 0 },
	{ PL_OPT_RATE, 1, 0, "0bit/s", -1, 0 },
};

START_TEST(test_number)
{
	struct pl_option o = { .name = "x", .type = num_cases[_i].type, .min = num_cases[_i].min,
			       .max = num_cases[_i].max };
	double v = -1;
	int rc = pl_opt_number(&o, num_cases[_i].in, &v, err, sizeof(err));

	ck_assert_msg(rc == num_cases[_i].rc, "case %d [%s]: rc %d, err [%s]", _i,
		      num_cases[_i].in, rc, err);
	if (rc == 0)
		ck_assert_msg(fabs(v - num_cases[_i].out) < 1e-9 * fmax(1, fabs(v)),
			      "case %d: %g", _i, v);
	else
		ck_assert_msg(strncmp(err, "not ", 4) == 0 || strncmp(err, "out of range", 12) == 0 ||
			      strncmp(err, "in ", 3) == 0 || strncmp(err, "unknown unit", 12) == 0 ||
			      strncmp(err, "no unit", 7) == 0, "case %d: [%s]", _i, err);
}
END_TEST

static const struct {
	struct pl_option o;
	const char *want;
} describe_cases[] = {
	{ { .type = PL_OPT_INT, .min = 0, .max = 100000 }, "a whole number from 0 to 100000" },
	{ { .type = PL_OPT_INT, .min = 1 }, "a whole number of at least 1" },
	{ { .type = PL_OPT_INT }, "a whole number" },
	{ { .type = PL_OPT_DURATION, .min = 0, .max = 5 },
	  "a duration from 0s to 5s (a plain number is seconds; or us, ms, s, min, h, d)" },
	{ { .type = PL_OPT_STATE }, "ok, warning, critical or unknown" },
	{ { .type = PL_OPT_CHOICE, .choices = t_words }, "red or green" },
	{ { .type = PL_OPT_SWITCH }, "" },
	{ { .type = PL_OPT_STRING }, "" },
};

START_TEST(test_describe)
{
	char buf[256];

	ck_assert_str_eq(pl_opt_describe(&describe_cases[_i].o, buf, sizeof(buf)),
			 describe_cases[_i].want);
}
END_TEST

/* --help shows the type and bounds of each option, and where a secret comes from. */
START_TEST(test_help)
{
	struct pl_buf b = PL_BUF_INIT;
	const char *h;

	pl_opt_help(topts, &b);
	h = pl_buf_str(&b);
	ck_assert_ptr_nonnull(strstr(h, " -n, --small=N\n"));
	ck_assert_ptr_nonnull(strstr(h, "N: a whole number from 0 to 100."));
	ck_assert_ptr_nonnull(strstr(h, " -t, --wait=DURATION\n"));
	ck_assert_ptr_nonnull(strstr(h, " --state=STATE\n"));
	ck_assert_ptr_nonnull(strstr(h, " -s, --switch\n"));
	ck_assert_ptr_nonnull(strstr(h, " --password-file=FILE\n"));
	ck_assert_ptr_nonnull(strstr(h, "$PL_TEST_PASSWORD"));
	ck_assert_ptr_nonnull(strstr(h, "never on the command"));
	ck_assert_ptr_nonnull(strstr(h, "Paths. Repeatable."));
	pl_buf_free(&b);
}
END_TEST

/* ------------------------------------------------------------------ suggestions */

static const struct {
	const char *a, *b;
	int d;
} dist_cases[] = {
	{ "", "", 0 }, { "a", "", 1 }, { "", "abc", 3 }, { "abc", "abc", 0 },
	{ "warnx", "warningx", 3 }, { "pasword", "password", 1 }, { "teh", "the", 1 },
	{ "kitten", "sitting", 3 }, { "ca", "abc", 3 }, { "abcdef", "badcfe", 3 },
};

START_TEST(test_edit_distance)
{
	ck_assert_int_eq(pl_edit_distance(dist_cases[_i].a, strlen(dist_cases[_i].a),
					  dist_cases[_i].b, strlen(dist_cases[_i].b)),
			 dist_cases[_i].d);
	ck_assert_int_eq(pl_edit_distance(dist_cases[_i].b, strlen(dist_cases[_i].b),
					  dist_cases[_i].a, strlen(dist_cases[_i].a)),
			 dist_cases[_i].d);
}
END_TEST

START_TEST(test_edit_distance_long)
{
	char a[100];

	memset(a, 'a', sizeof(a));
	ck_assert_int_eq(pl_edit_distance(a, sizeof(a), "a", 1), 99);
}
END_TEST

static const struct {
	const char *typed, *want;
} suggest_cases[] = {
	{ "warnx", "warningx" }, { "warn", "warning" }, { "warnign", "warning" },
	{ "criticalx", NULL }, { "bogus", NULL }, { "x", NULL }, { "sw", "switch" },
	{ "pasword", "password" }, { "colour", "color" }, { "verbos", "verbose" },
	{ "", NULL }, { "hanlded", "handled" },
};

START_TEST(test_suggest)
{
	const char *got = pl_opt_suggest(ttable, 1, suggest_cases[_i].typed);

	if (suggest_cases[_i].want == NULL)
		ck_assert_msg(got == NULL, "%s: got %s", suggest_cases[_i].typed, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, suggest_cases[_i].want) == 0,
			      "%s: got %s", suggest_cases[_i].typed, got ? got : "NULL");
}
END_TEST

/* ------------------------------------------------------------------ option files */

static const struct {
	const char *text;
	int rc;
	const char *err_has;
} ini_cases[] = {
	{ "[t]\nswitch\nstring = a b\nsmall = 7\n", 3, NULL },
	{ "[t]\nbogus = " MARK "\n", -1,
	  "f.ini line 2 in section [t]: the name before '=' is not a known option" },
	{ "[t]\n\nwarnx = " MARK "\n", -1,
	  "f.ini line 3 in section [t]: the name before '=' is not a known option; did you "
	  "mean 'warningx'?" },
	{ "[t]\n" MARK "\n", -1,
	  "f.ini line 2 in section [t] has no '=' and is not a known switch: write NAME = VALUE" },
	{ "[t]\nsmall = " MARK "\n", -1, "--small (f.ini line 2): not a whole number" },
	{ "[t]\nsmall = 1000\n", -1, "--small (f.ini line 2): out of range" },
	{ "[t]\nswitch = " MARK "\n", -1, "f.ini line 2: --switch takes no value" },
	{ "[t]\nsmall\n", -1, "f.ini line 2: --small needs a value (write 'small = N')" },
	{ "[t]\nextra-opts = @/etc/passwd\n", -1, "extra-opts cannot be used inside" },
	{ "[t]\nk" MARK "/ = 1\n", -1, "f.ini line 2: not an option name" },
	{ "[t]\nhandled = " MARK "\n", -1, "--handled (f.ini line 2): the handler refused it" },
	{ "[t]\npassword-file =\n", -1, "password-file needs a file name" },
	{ "[u]\nsmall = 1\n", 0, NULL },
};

START_TEST(test_ini)
{
	const char *t = ini_cases[_i].text;
	int rc = pl_opt_ini(&parser, t, strlen(t), "f.ini", "t", err, sizeof(err));

	ck_assert_msg(rc == ini_cases[_i].rc, "case %d: rc %d, err [%s]", _i, rc, err);
	if (rc < 0) {
		ck_assert_msg(strstr(err, ini_cases[_i].err_has) != NULL, "case %d: [%s]", _i,
			      err);
		ck_assert_msg(strstr(err, MARK) == NULL, "case %d echoes: [%s]", _i, err);
	}
}
END_TEST

/* Values from a file outlive the file's text, which the caller zeroes. */
START_TEST(test_ini_values_kept)
{
	char text[] = "[t]\nstring = kept\npath = /x\n";

	ck_assert_int_eq(pl_opt_ini(&parser, text, strlen(text), "f.ini", "t", err,
				    sizeof(err)), 2);
	memset(text, 0, sizeof(text));
	ck_assert_str_eq(cfg.str, "kept");
	ck_assert_str_eq(cfg.list.v[0], "/x");
	/* The command line comes after the file and wins. */
	ck_assert_int_eq(parse_line("--string=argv"), 0);
	ck_assert_str_eq(cfg.str, "argv");
}
END_TEST

/* ------------------------------------------------------------------ secrets */

static char dir[] = "/tmp/pl-test-secret.XXXXXX";

static const char *
secret_file(const char *name, const char *content, size_t len, mode_t mode)
{
	static char path[256];
	int fd;

	pl_snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(chmod(path, mode), 0);
	return path;
}

static void
secret_setup(void)
{
	setup();
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
secret_teardown(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	teardown();
	while (d != NULL && (e = readdir(d)) != NULL) {
		char full[300];

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		pl_snprintf(full, sizeof(full), "%s/%s", dir, e->d_name);
		unlink(full);
	}
	if (d != NULL)
		closedir(d);
	rmdir(dir);
	memcpy(dir + strlen(dir) - 6, "XXXXXX", 6);
}

static const struct {
	const char *content;
	size_t len;
	mode_t mode;
	ssize_t rc;
	const char *want;         /* the secret, or a part of the error */
} read_cases[] = {
	{ "hunter2", 7, 0600, 7, "hunter2" },
	{ "hunter2\n", 8, 0600, 7, "hunter2" },
	{ "hunter2\r\n", 9, 0400, 7, "hunter2" },
	{ "two\n\n", 5, 0600, 4, "two\n" },          /* one newline only */
	{ " blanks kept ", 13, 0600, 13, " blanks kept " },
	{ "", 0, 0600, -1, "is empty" },
	{ "\n", 1, 0600, -1, "is empty" },
	{ "a\0b", 3, 0600, -1, "holds a NUL byte" },
	{ "hunter2", 7, 0640, -1, "is open to group or others" },
	{ "hunter2", 7, 0604, -1, "(chmod 600 " },
	{ "hunter2", 7, 0610, -1, "(chmod 600 " },
};

START_TEST(test_secret_read)
{
	const char *path = secret_file("s", read_cases[_i].content, read_cases[_i].len,
				       read_cases[_i].mode);
	char out[64];
	ssize_t rc = pl_secret_read(path, out, sizeof(out), err, sizeof(err));

	ck_assert_msg(rc == read_cases[_i].rc, "case %d: rc %zd, err [%s]", _i, rc, err);
	if (rc >= 0) {
		ck_assert_str_eq(out, read_cases[_i].want);
	} else {
		ck_assert_msg(strstr(err, read_cases[_i].want) != NULL, "case %d: [%s]", _i, err);
		ck_assert_ptr_nonnull(strstr(err, path));
		ck_assert_ptr_null(strstr(err, "hunter2"));
		/* Nothing of the secret is left in the buffer. */
		for (size_t k = 0; k < sizeof(out); k++)
			ck_assert_int_eq(out[k], 0);
	}
}
END_TEST

START_TEST(test_secret_read_refuses)
{
	char path[300], out[64], big[PL_SECRET_MAX + 2];
	const char *f;

	/* A symlink, even to a good file. */
	f = secret_file("good", "hunter2", 7, 0600);
	pl_snprintf(path, sizeof(path), "%s/link", dir);
	ck_assert_int_eq(symlink(f, path), 0);
	ck_assert_int_eq(pl_secret_read(path, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "symbolic link"));
	/* A FIFO is refused at once, never waited on. */
	pl_snprintf(path, sizeof(path), "%s/fifo", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(pl_secret_read(path, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	/* A directory, a device. */
	ck_assert_int_eq(pl_secret_read(dir, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(pl_secret_read("/dev/null", out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	/* Missing. */
	pl_snprintf(path, sizeof(path), "%s/none", dir);
	ck_assert_int_eq(pl_secret_read(path, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));
	/* Too long for the buffer, and for PL_SECRET_MAX. */
	f = secret_file("long", "0123456789", 10, 0600);
	ck_assert_int_eq(pl_secret_read(f, out, 10, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than a secret may be (9 bytes)"));
	ck_assert_int_eq(pl_secret_read(f, out, 11, err, sizeof(err)), 10);
	memset(big, 'x', sizeof(big));
	f = secret_file("big", big, PL_SECRET_MAX + 1, 0600);
	ck_assert_int_eq(pl_secret_read(f, big, sizeof(big) - 1, err, sizeof(err)), -1);
	memset(big, 'x', sizeof(big));   /* the failed read zeroed it */
	f = secret_file("max", big, PL_SECRET_MAX, 0600);
	ck_assert_int_eq(pl_secret_read(f, big, PL_SECRET_MAX + 1, err, sizeof(err)),
			 PL_SECRET_MAX);
	/* A file of another user (only root can make one here). */
	f = secret_file("other", "hunter2", 7, 0600);
	if (geteuid() == 0 && chown(f, 65534, 65534) == 0) {
		ck_assert_int_eq(pl_secret_read(f, out, sizeof(out), err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "belongs to uid 65534"));
	}
}
END_TEST

/* A secret on the command line is refused, its value never shown, whatever the form. */
static const char *const argv_secret_cases[] = {
	"--password=" MARK, "--password " MARK, "--password", "--switch --password=" MARK,
};

START_TEST(test_secret_argv_refused)
{
	ck_assert_int_eq(parse_line(argv_secret_cases[_i]), -1);
	ck_assert_ptr_nonnull(strstr(err, "--password: a secret is never taken from the "
				     "command line"));
	ck_assert_ptr_nonnull(strstr(err, "--password-file=FILE"));
	ck_assert_ptr_nonnull(strstr(err, "$PL_TEST_PASSWORD"));
	ck_assert_ptr_nonnull(strstr(err, "'password = ...'"));
	ck_assert_ptr_null(strstr(err, MARK));
	ck_assert_ptr_null(cfg.password);
}
END_TEST

START_TEST(test_secret_sources)
{
	const char *f = secret_file("pw", MARK "-file\n", strlen(MARK) + 6, 0600);
	char line[400], text[400];

	/* From --password-file on the command line. */
	pl_snprintf(line, sizeof(line), "--password-file=%s", f);
	ck_assert_int_eq(parse_line(line), 0);
	ck_assert_str_eq(cfg.password, MARK "-file");
	pl_snprintf(line, sizeof(line), "--password-file %s --switch", f);
	ck_assert_int_eq(parse_line(line), 0);
	/* From the option file, by value or by file. */
	pl_snprintf(text, sizeof(text), "[t]\npassword = " MARK "-ini\n");
	ck_assert_int_eq(pl_opt_ini(&parser, text, strlen(text), "f.ini", "t", err,
				    sizeof(err)), 1);
	ck_assert_str_eq(cfg.password, MARK "-ini");
	pl_snprintf(text, sizeof(text), "[t]\npassword-file = %s\n", f);
	ck_assert_int_eq(pl_opt_ini(&parser, text, strlen(text), "f.ini", "t", err,
				    sizeof(err)), 1);
	ck_assert_str_eq(cfg.password, MARK "-file");
	/* The state key never sees a secret. */
	ck_assert_ptr_null(strstr(pl_buf_str(&seen_log), MARK));
	ck_assert_ptr_nonnull(strstr(pl_buf_str(&seen_log), "password=(null);"));
}
END_TEST

START_TEST(test_secret_env)
{
	const char *f = secret_file("pw", "from-file", 9, 0600);
	char line[400];

	setenv("PL_TEST_PASSWORD", MARK "-env", 1);
	ck_assert_int_eq(pl_opt_env(&parser, err, sizeof(err)), 0);
	ck_assert_str_eq(cfg.password, MARK "-env");
	/* Every other source wins over the environment. */
	pl_snprintf(line, sizeof(line), "--password-file=%s", f);
	ck_assert_int_eq(parse_line(line), 0);
	ck_assert_str_eq(cfg.password, "from-file");
	setenv("PL_TEST_PASSWORD", "", 1);
	ck_assert_int_eq(pl_opt_env(&parser, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "$PL_TEST_PASSWORD is set but empty"));
	unsetenv("PL_TEST_PASSWORD");
}
END_TEST

START_TEST(test_secret_file_errors)
{
	const char *f = secret_file("open", MARK, strlen(MARK), 0644);
	char line[400], text[400], want[400];

	pl_snprintf(line, sizeof(line), "--password-file=%s", f);
	ck_assert_int_eq(parse_line(line), -1);
	pl_snprintf(want, sizeof(want), "--password-file: %s is open to group or others, who "
		    "could read or change the secret (chmod 600 %s)", f, f);
	ck_assert_str_eq(err, want);
	pl_snprintf(text, sizeof(text), "[t]\n\npassword-file = %s\n", f);
	ck_assert_int_eq(pl_opt_ini(&parser, text, strlen(text), "f.ini", "t", err,
				    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "--password-file (f.ini line 3): "));
	ck_assert_ptr_nonnull(strstr(err, "chmod 600"));
	ck_assert_ptr_null(strstr(err, MARK));
	ck_assert_int_eq(parse_line("--password-file"), -1);
	ck_assert_ptr_nonnull(strstr(err, "--password-file needs a file name"));
	ck_assert_ptr_null(cfg.password);
	/* PL_OPT_LATE: no usage error; the option unset, the first failure kept. */
	ck_assert_str_eq(parser.late_err, "");
	pl_snprintf(line, sizeof(line), "--token-file=%s --switch --token-file=/nonexistent", f);
	ck_assert_int_eq(parse_line(line), 0);
	ck_assert_ptr_null(cfg.token);
	pl_snprintf(want, sizeof(want), "--token-file: %s is open to group or others, who "
		    "could read or change the secret (chmod 600 %s)", f, f);
	ck_assert_str_eq(parser.late_err, want);
}
END_TEST

/* ------------------------------------------------------------------ pl_plugin_parse */

struct pcfg {
	const char *password;
	bool flag;
};

static const struct pl_option plugin_opts[] = {
	{ .name = "password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET,
	  .env = "PL_TEST_PASSWORD", PL_OPT_AT(struct pcfg, password), .help = "A secret." },
	{ .name = "flag", .type = PL_OPT_SWITCH, PL_OPT_AT(struct pcfg, flag), .help = "F." },
	{ .name = NULL },
};

static const struct pl_plugin test_plugin = {
	.name = "check_test",
	.service = "TEST",
	.purpose = "tests",
	.description = "A plugin for the unit tests.",
	.options = plugin_opts,
	.metrics = "none",
};

static void
plugin_parse(int argc, char **argv)
{
	struct pcfg c;
	struct pl_common com;

	memset(&c, 0, sizeof(c));
	pl_plugin_parse(&test_plugin, argc, argv, &c, &com);
	if (c.password != NULL)
		_exit(c.flag ? 10 : 11);
	_exit(0);
}

/* In fork mode: a secret on the command line ends the run as a usage error. */
START_TEST(test_plugin_secret_argv_exits)
{
	char *argv[] = { "check_test", "--password=" MARK, NULL };

	close(STDOUT_FILENO);
	plugin_parse(2, argv);
}
END_TEST

START_TEST(test_plugin_unknown_exits)
{
	char *argv[] = { "check_test", "--pasword", MARK, NULL };

	close(STDOUT_FILENO);
	plugin_parse(3, argv);
}
END_TEST

/* Runs pl_plugin_parse in a child; returns its exit status and what it printed. */
static int
run_plugin(char **argv, int argc, char *out, size_t outlen)
{
	int fds[2], status;
	size_t len = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		plugin_parse(argc, argv);
	}
	close(fds[1]);
	for (;;) {
		ssize_t n = read(fds[0], out + len, outlen - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	out[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_plugin_secret_never_shown)
{
	char out[8192], spec[400], ini[300];
	const char *f;
	int fd;

	{
		char *argv[] = { "check_test", "--flag", "--password", MARK, NULL };

		ck_assert_int_eq(run_plugin(argv, 4, out, sizeof(out)), 3);
		ck_assert_ptr_nonnull(strstr(out, "TEST UNKNOWN - --password: a secret is never"));
		ck_assert_ptr_null(strstr(out, MARK));
	}
	/* From an option file: taken; a bad one named by file and line, never shown. */
	pl_snprintf(ini, sizeof(ini), "%s/p.ini", dir);
	fd = open(ini, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	{
		static const char text[] = "[check_test]\npassword = " MARK "\nflag\n";

		ck_assert_int_eq(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	}
	close(fd);
	pl_snprintf(spec, sizeof(spec), "--extra-opts=@%s", ini);
	{
		char *argv[] = { "check_test", spec, NULL };

		ck_assert_int_eq(run_plugin(argv, 2, out, sizeof(out)), 10);
		ck_assert_ptr_null(strstr(out, MARK));
	}
	f = secret_file("q.ini", "[check_test]\nflag = " MARK "\npassword = " MARK "\n",
			strlen("[check_test]\nflag = " MARK "\npassword = " MARK "\n"), 0600);
	pl_snprintf(spec, sizeof(spec), "--extra-opts=@%s", f);
	{
		char *argv[] = { "check_test", spec, "-v", "-v", "-v", NULL };

		ck_assert_int_eq(run_plugin(argv, 5, out, sizeof(out)), 3);
		ck_assert_ptr_nonnull(strstr(out, "line 2: --flag takes no value"));
		ck_assert_ptr_null(strstr(out, MARK));
	}
	/* From the environment. */
	setenv("PL_TEST_PASSWORD", MARK, 1);
	{
		char *argv[] = { "check_test", "-vvv", NULL };

		ck_assert_int_eq(run_plugin(argv, 2, out, sizeof(out)), 11);
		ck_assert_ptr_null(strstr(out, MARK));
	}
	unsetenv("PL_TEST_PASSWORD");
}
END_TEST

/* --help and the man page show a secret's sources, never a value. */
START_TEST(test_plugin_help)
{
	char out[32768];

	setenv("PL_TEST_PASSWORD", MARK, 1);
	{
		char *argv[] = { "check_test", "--help", NULL };

		ck_assert_int_eq(run_plugin(argv, 2, out, sizeof(out)), 3);
		ck_assert_ptr_nonnull(strstr(out, "--password-file=FILE"));
		ck_assert_ptr_null(strstr(out, MARK));
	}
	{
		char *argv[] = { "check_test", "--man", NULL };

		ck_assert_int_eq(run_plugin(argv, 2, out, sizeof(out)), 3);
		ck_assert_ptr_nonnull(strstr(out, "\\-\\-password\\-file"));
		ck_assert_ptr_null(strstr(out, MARK));
	}
	unsetenv("PL_TEST_PASSWORD");
}
END_TEST

TCase *
tc_opt(void)
{
	TCase *tc = tcase_create("opt");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_argv, 0, N(argv_cases));
	tcase_add_test(tc, test_argv_lands);
	tcase_add_test(tc, test_argv_later_wins);
	tcase_add_test(tc, test_argv_never_echoes);
	tcase_add_loop_test(tc, test_number, 0, N(num_cases));
	tcase_add_loop_test(tc, test_describe, 0, N(describe_cases));
	tcase_add_test(tc, test_help);
	tcase_add_loop_test(tc, test_edit_distance, 0, N(dist_cases));
	tcase_add_test(tc, test_edit_distance_long);
	tcase_add_loop_test(tc, test_suggest, 0, N(suggest_cases));
	tcase_add_loop_test(tc, test_ini, 0, N(ini_cases));
	tcase_add_test(tc, test_ini_values_kept);
	return tc;
}

TCase *
tc_secret(void)
{
	TCase *tc = tcase_create("secret");

	tcase_add_checked_fixture(tc, secret_setup, secret_teardown);
	tcase_add_loop_test(tc, test_secret_read, 0, N(read_cases));
	tcase_add_test(tc, test_secret_read_refuses);
	tcase_add_loop_test(tc, test_secret_argv_refused, 0, N(argv_secret_cases));
	tcase_add_test(tc, test_secret_sources);
	tcase_add_test(tc, test_secret_env);
	tcase_add_test(tc, test_secret_file_errors);
	tcase_add_exit_test(tc, test_plugin_secret_argv_exits, 3);
	tcase_add_exit_test(tc, test_plugin_unknown_exits, 3);
	tcase_add_test(tc, test_plugin_secret_never_shown);
	tcase_add_test(tc, test_plugin_help);
	return tc;
}
