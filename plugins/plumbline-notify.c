/* plumbline-notify: the notification command of Icinga 2 and Nagios for DingTalk, WeCom,
 * Feishu/Lark, Slack, a generic JSON webhook and mail.
 *
 * main() reads like the job: parse the options, fill the notification from them and the
 * engine's environment macros, clean every field (UTF-8 repaired, control characters
 * replaced), build the channel's payload, send it with bounded retries inside the
 * deadline, append one line to the journal, print one line and exit 0 (sent), 1 (sent,
 * journal not written), 2 (not sent) or 3 (usage). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pl_buf.h"
#include "pl_clock.h"
#include "pl_deadline.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_ini.h"
#include "pl_notify.h"
#include "pl_num.h"
#include "pl_notify_send.h"
#include "pl_opt.h"
#include "pl_secret.h"
#include "pl_timeout.h"

#define PROG "plumbline-notify"
#define DEFAULT_JOURNAL "/var/lib/plumbline/notify.jsonl"
#define DEFAULT_SECRETS "/etc/plumbline/notify"

enum link_style { LINK_ICINGADB, LINK_MONITORING, LINK_NAGIOS };

struct cfg {
	int channel;
	bool channel_set;
	const char *type, *host, *host_display, *address, *service, *service_display;
	const char *state, *output, *time, *author, *comment, *role, *link, *link_base;
	int link_style;
	int64_t number;
	const char *url, *secret, *smtp_password;
	const char *cacert, *smtp_url, *smtp_user, *from;
	struct pl_strlist to;
	bool starttls, text, dry_run, no_journal, help, version;
	const char *journal, *secrets_dir;
	char *owned[3];      /* secrets read from --secrets-dir (zeroed and freed at the end) */
	double timeout, attempt_timeout;
	int retries, verbose;
};

static const struct pl_choice channels[] = {
	{ "dingtalk", PL_NC_DINGTALK, false }, { "wecom", PL_NC_WECOM, false },
	{ "feishu", PL_NC_FEISHU, false }, { "slack", PL_NC_SLACK, false },
	{ "webhook", PL_NC_WEBHOOK, false }, { "mail", PL_NC_MAIL, false },
	{ "lark", PL_NC_FEISHU, true }, { NULL, 0, false },
};

static const struct pl_choice link_styles[] = {
	{ "icingadb", LINK_ICINGADB, false }, { "monitoring", LINK_MONITORING, false },
	{ "nagios", LINK_NAGIOS, false }, { NULL, 0, false },
};

static int
opt_channel(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	struct cfg *c = base;

	if (pl_opt_choice(o, v, &c->channel) != 0) {
		pl_snprintf(err, errlen, "%s",
			    _("is dingtalk, wecom, feishu, slack, webhook or mail"));
		return -1;
	}
	c->channel_set = true;
	return 0;
}

static int
opt_language(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base;
	(void)o;
	return pl_i18n_language(v, err, errlen);
}

/* Taken before the command line (load_extra_opts); nothing to do when met there. */
static int
opt_extra(void *base, const struct pl_option *o, const char *v, char *err, size_t errlen)
{
	(void)base;
	(void)o;
	(void)v;
	(void)err;
	(void)errlen;
	return 0;
}

#define S(member) PL_OPT_AT(struct cfg, member)

static const struct pl_option options[] = {
	{ .name = "channel", .type = PL_OPT_CHOICE, .arg = "CHANNEL", .choices = channels,
	  .fn = opt_channel, .flags = PL_OPT_SYNOPSIS,
	  .help = N_("Where to send: dingtalk, wecom, feishu (or lark), slack, webhook (any JSON "
		  "receiver) or mail. Required.") },
	{ .name = "url", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET, .env =
	  "PLUMBLINE_NOTIFY_URL", S(url),
	  .help = N_("The robot's or webhook's URL (it carries the robot's key, so it is a "
		  "secret): https://oapi.dingtalk.com/robot/send?access_token=..., "
		  "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=..., "
		  "https://open.feishu.cn/open-apis/bot/v2/hook/..., "
		  "https://hooks.slack.com/services/...") },
	{ .name = "secret", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET, .env =
	  "PLUMBLINE_NOTIFY_SECRET", S(secret),
	  .help = N_("The signing secret: DingTalk's (SEC...) and Feishu's signature check; for the "
		  "webhook, the key of an HMAC-SHA256 over the body (X-Plumbline-Signature).") },
	{ .name = "secrets-dir", .type = PL_OPT_STRING, .arg = "DIR", S(secrets_dir),
	  .help = N_("Where the secrets not given otherwise are read from, each a file of mode "
		  "600: CHANNEL.url (the URL), CHANNEL.secret (the signing secret, when the file "
		  "exists) and smtp.password (with --smtp-user, when it exists). Default "
		  "/etc/plumbline/notify.") },
	{ .name = "type", .type = PL_OPT_STRING, .arg = "TYPE", S(type),
	  .help = N_("Notification type: PROBLEM, RECOVERY, ACKNOWLEDGEMENT, ESCALATION, CUSTOM, "
		  "DOWNTIMESTART, DOWNTIMEEND, DOWNTIMECANCELLED (DOWNTIMEREMOVED), "
		  "FLAPPINGSTART, FLAPPINGEND (FLAPPINGSTOP), FLAPPINGDISABLED. Default: "
		  "$PLUMBLINE_NOTIFICATION_TYPE, then $NAGIOS_NOTIFICATIONTYPE.") },
	{ .name = "host", .type = PL_OPT_STRING, .arg = "NAME", S(host),
	  .help = N_("The host (default $PLUMBLINE_HOST_NAME, $NAGIOS_HOSTNAME). Required.") },
	{ .name = "host-display", .type = PL_OPT_STRING, .arg = "NAME", S(host_display),
	  .help = N_("Its display name ($PLUMBLINE_HOST_DISPLAY, $NAGIOS_HOSTDISPLAYNAME).") },
	{ .name = "address", .type = PL_OPT_STRING, .arg = "ADDRESS", S(address),
	  .help = N_("Its address ($PLUMBLINE_HOST_ADDRESS, $NAGIOS_HOSTADDRESS).") },
	{ .name = "service", .type = PL_OPT_STRING, .arg = "NAME", S(service),
	  .help = N_("The service ($PLUMBLINE_SERVICE_NAME, $NAGIOS_SERVICEDESC); none: a host "
		  "notification.") },
	{ .name = "service-display", .type = PL_OPT_STRING, .arg = "NAME", S(service_display),
	  .help = N_("Its display name ($PLUMBLINE_SERVICE_DISPLAY, "
		  "$NAGIOS_SERVICEDISPLAYNAME).") },
	{ .name = "state", .type = PL_OPT_STRING, .arg = "STATE", S(state),
	  .help = N_("The state ($PLUMBLINE_STATE, $NAGIOS_SERVICESTATE or $NAGIOS_HOSTSTATE).") },
	{ .name = "output", .type = PL_OPT_STRING, .arg = "TEXT", S(output),
	  .help = N_("The plugin's output ($PLUMBLINE_OUTPUT, $NAGIOS_SERVICEOUTPUT and "
		  "$NAGIOS_LONGSERVICEOUTPUT, or the host's).") },
	{ .name = "time", .type = PL_OPT_STRING, .arg = "TEXT", S(time),
	  .help = N_("When it happened, as shown ($PLUMBLINE_TIME, $NAGIOS_LONGDATETIME).") },
	{ .name = "author", .type = PL_OPT_STRING, .arg = "NAME", S(author),
	  .help = N_("Author of an acknowledgement, comment or downtime "
		  "($PLUMBLINE_NOTIFICATION_AUTHOR, $NAGIOS_NOTIFICATIONAUTHOR).") },
	{ .name = "comment", .type = PL_OPT_STRING, .arg = "TEXT", S(comment),
	  .help = N_("Its comment, any number of lines ($PLUMBLINE_NOTIFICATION_COMMENT, "
		  "$NAGIOS_NOTIFICATIONCOMMENT).") },
	{ .name = "role", .type = PL_OPT_STRING, .arg = "TEXT", S(role),
	  .help = N_("Who is notified, shown as 'Escalated to' (the policy's roles: technical "
		  "support, management).") },
	{ .name = "number", .type = PL_OPT_INT, .min = 0, .max = 1e9, S(number),
	  .help = N_("The engine's notification number ($PLUMBLINE_NOTIFICATION_NUMBER, "
		  "$NAGIOS_SERVICENOTIFICATIONNUMBER or $NAGIOS_HOSTNOTIFICATIONNUMBER).") },
	{ .name = "link", .type = PL_OPT_STRING, .arg = "URL", S(link),
	  .help = N_("The link back to the engine ($PLUMBLINE_LINK); else made from --link-base.") },
	{ .name = "link-base", .type = PL_OPT_STRING, .arg = "URL", S(link_base),
	  .help = N_("Base URL of the web interface (https://mon.example.com/icingaweb2), for the "
		  "link back.") },
	{ .name = "link-style", .type = PL_OPT_CHOICE, .arg = "STYLE", .choices = link_styles,
	  S(link_style),
	  .help = N_("How the link is made from --link-base: icingadb (default: Icinga Web 2 with "
		  "Icinga DB), monitoring (its older module) or nagios (the CGIs).") },
	{ .name = "markdown-off", .type = PL_OPT_SWITCH, S(text),
	  .help = N_("Send the channel's plain text message instead of its markdown one.") },
	{ .name = "smtp-url", .type = PL_OPT_STRING, .arg = "URL", S(smtp_url),
	  .help = N_("Mail: smtp://HOST:PORT (587 with --starttls, 25 on this host) or "
		  "smtps://HOST:465.") },
	{ .name = "starttls", .type = PL_OPT_SWITCH, S(starttls),
	  .help = N_("Mail: send over smtp:// only after STARTTLS, never in clear.") },
	{ .name = "smtp-user", .type = PL_OPT_STRING, .arg = "USER", S(smtp_user),
	  .help = N_("Mail: the login.") },
	{ .name = "smtp-password", .type = PL_OPT_STRING, .flags = PL_OPT_SECRET, .env =
	  "PLUMBLINE_NOTIFY_SMTP_PASSWORD", S(smtp_password),
	  .help = N_("Mail: the password (sent only over TLS: smtps:// or --starttls).") },
	{ .name = "from", .type = PL_OPT_STRING, .arg = "ADDRESS", S(from),
	  .help = N_("Mail: the sender, a bare address.") },
	{ .name = "to", .type = PL_OPT_LIST, .arg = "ADDRESS", S(to),
	  .help = N_("Mail: a recipient (repeatable; default $PLUMBLINE_MAIL_TO, "
		  "$NAGIOS_CONTACTEMAIL; several separated by commas).") },
	{ .name = "cacert", .type = PL_OPT_STRING, .arg = "FILE", S(cacert),
	  .help = N_("CA certificates that the server's TLS certificate must verify against "
		  "(default: the system's).") },
	{ .name = "timeout", .letter = 't', .type = PL_OPT_DURATION, .min = 0.1, .max = 600,
	  S(timeout),
	  .help = N_("Seconds for every attempt and wait together (default 30).") },
	{ .name = "attempt-timeout", .type = PL_OPT_DURATION, .min = 0.1, .max = 600,
	  S(attempt_timeout),
	  .help = N_("Seconds one attempt may take (default 10).") },
	{ .name = "retries", .type = PL_OPT_INT, .min = 0, .max = 10, S(retries),
	  .help = N_("Attempts after a failed one that may pass (a server error, a rate limit, "
		  "no answer): default 3, waiting 1, 2, 4 s (or the Retry-After asked for).") },
	{ .name = "journal", .type = PL_OPT_STRING, .arg = "FILE", S(journal),
	  .help = N_("The journal: one JSON line per notification sent or failed (default "
		  "/var/lib/plumbline/notify.jsonl).") },
	{ .name = "no-journal", .type = PL_OPT_SWITCH, S(no_journal),
	  .help = N_("Write no journal line.") },
	{ .name = "dry-run", .type = PL_OPT_SWITCH, S(dry_run),
	  .help = N_("Print what would be sent (the payload; the URL without its query; a "
		  "signature as '(signature)') and send nothing.") },
	{ .name = "extra-opts", .type = PL_OPT_OPTIONAL, .arg = "[SECTION][@FILE]",
	  .fn = opt_extra,
	  .help = "Read options from an ini file first (default " PL_SYSCONFDIR
		  "/plumbline/plumbline.ini, section [plumbline-notify]); the command line "
		  "wins. One word: --extra-opts=dingtalk@/etc/plumbline/notify.ini. The file "
		  "must be of root or the user, writable by nobody else, and of mode 600 when it "
		  "holds a secret (url, secret, smtp-password)." },
	{ .name = "language", .type = PL_OPT_STRING, .arg = "LANG", .fn = opt_language,
	  .help = N_("Language of the messages to people and of this program's own: zh_CN "
		     "(Simplified Chinese), or C for English (default: LC_ALL, LC_MESSAGES or "
		     "LANG, as gettext reads them, which the engines clear or set; 'language = "
		     "zh_CN' in the --extra-opts file). The type word, names, states, the "
		     "plugin's output, the JSON fields of the webhook and the journal never "
		     "change.") },
	{ .name = "verbose", .letter = 'v', .type = PL_OPT_COUNT, .max = 3, S(verbose),
	  .help = N_("Say each attempt on stderr.") },
	{ .name = "help", .letter = 'h', .type = PL_OPT_SWITCH, S(help),
	  .help = N_("Show this help and exit.") },
	{ .name = "version", .letter = 'V', .type = PL_OPT_SWITCH, S(version),
	  .help = N_("Show the version and exit.") },
	{ .name = NULL },
};

static const char description[] = N_(
	"Sends one notification of Icinga 2 or Nagios to a chat robot, a webhook or by mail. "
	"The notification comes from the options or from the engine's environment: Icinga 2 "
	"passes the PLUMBLINE_* variables its NotificationCommand defines "
	"(contrib/icinga2/plumbline-notify.conf), Nagios its NAGIOS_* environment macros "
	"(enable_environment_macros=1). Secrets (the webhook URL, the signing secret, the SMTP "
	"password) come only from files of mode 600 (--url-file, --secret-file, "
	"--smtp-password-file) or the environment, never from the command line.\n"
	"Every payload is built by a JSON library from cleaned text: invalid UTF-8 and control "
	"characters are replaced, and the text is cut on a character boundary to the channel's "
	"limit (WeCom markdown 4096 bytes, DingTalk 20000, Feishu 28000 for the card's text, "
	"Slack 40000) with a visible marker. A failure that may pass (no answer, HTTP 5xx, 429, "
	"a rate-limit code) is tried again within --timeout; the channel's own error codes "
	"(DingTalk 310000, WeCom 45002, Feishu 19021, ...) are named in one line with the fix.\n"
	"Each notification sent or failed is appended to the journal as one JSON line (one "
	"write with O_APPEND, never through a symbolic link).\n"
	"Exit status: 0 sent; 1 sent, but the journal line was not written; 2 not sent; 3 a "
	"usage error.");

static const char examples[] = N_(
	"  PLUMBLINE_NOTIFY_URL=https://oapi.dingtalk.com/robot/send?access_token=T \\\n"
	"    plumbline-notify --channel dingtalk --secret-file /etc/plumbline/notify/dt.secret \\\n"
	"    --type PROBLEM --host web1 --service disk --state CRITICAL \\\n"
	"    --output 'DISK CRITICAL - / 97% used' --dry-run\n"
	"      prints the signed DingTalk markdown payload without sending it.\n"
	"  plumbline-notify --channel mail --smtp-url smtp://mail.example.com:587 --starttls \\\n"
	"    --smtp-user icinga --smtp-password-file /etc/plumbline/notify/smtp.password \\\n"
	"    --from icinga@example.com --to ops@example.com --type RECOVERY --host web1 \\\n"
	"    --state UP --dry-run\n"
	"      prints the mail it would send.\n");

/* ------------------------------------------------------------------ help and usage */


static void
help(const struct pl_option *opts, bool man)
{
	struct pl_buf b = PL_BUF_INIT;

	if (!man) {
		pl_buf_printf(&b, "%s %s - %s\n\n", PROG, PACKAGE_VERSION,
			      _("send a monitoring notification to chat, a webhook or mail"));
		pl_buf_printf(&b, _("Usage: %s --channel CHANNEL [options]\n\n"), PROG);
		pl_wrap(&b, pl_tr(description), 0, 80);
		pl_buf_printf(&b, "\n%s\n", _("Options:"));
		pl_opt_help(opts, &b);
		pl_buf_printf(&b, "\n%s\n", _("Examples:"));
		pl_buf_puts(&b, pl_tr(examples));
		fputs(pl_buf_str(&b), stdout);
		pl_buf_free(&b);
		return;
	}
	pl_buf_puts(&b, ".TH PLUMBLINE-NOTIFY 1 \"\" \"plumbline " PACKAGE_VERSION "\"\n"
		    ".SH NAME\n" PROG " \\- send a monitoring notification to chat, a webhook or "
		    "mail\n.SH SYNOPSIS\n.B " PROG "\n\\-\\-channel CHANNEL [options]\n"
		    ".SH DESCRIPTION\n");
	pl_man_text(&b, description, "\n.PP\n");
	pl_buf_puts(&b, "\n.SH OPTIONS\n");
	pl_man_options(&b, opts);
	pl_buf_puts(&b, ".SH EXAMPLES\n.nf\n");
	pl_man_text(&b, examples, NULL);
	pl_buf_puts(&b, ".fi\n.SH FILES\n" DEFAULT_JOURNAL "\n.SH SEE ALSO\n"
		    "The Plumbline README (plumbline-notify, The journal).\n");
	fputs(pl_buf_str(&b), stdout);
	pl_buf_free(&b);
}

__attribute__((noreturn, format(printf, 1, 2)))
static void
usage_die(const char *fmt, ...)
{
	va_list ap;
	char msg[1024];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printf("NOTIFY UNKNOWN - ");
	printf(_("%s (see %s --help)\n"), msg, PROG);
	exit(3);
}

static bool
is_extra_opts(const char *arg)
{
	return strncmp(arg, "--extra-opts", 12) == 0 && (arg[12] == '\0' || arg[12] == '=');
}

static int
secret_key(void *ctx, const char *key, const char *value, size_t line, char *err,
	   size_t errlen)
{
	bool *has = ctx;

	(void)value;
	(void)line;
	(void)err;
	(void)errlen;
	if (strcmp(key, "url") == 0 || strcmp(key, "secret") == 0 ||
	    strcmp(key, "smtp-password") == 0)
		*has = true;
	return 0;
}

/* --extra-opts=[SECTION][@FILE]: the section's options, before the command line's. A
 * section that holds a secret must be in a file nobody else can read. */
static void
load_extra_opts(struct pl_opt_parser *p, const char *spec)
{
	static const struct pl_file_rules rules = {
		PL_FILE_TRUSTED | PL_FILE_SENSITIVE, (size_t)1 << 20, "the notifier's options",
	};
	const char *at = spec ? strchr(spec, '@') : NULL, *file;
	struct pl_buf buf = PL_BUF_INIT;
	char section[128], err[1024];
	bool has_secret = false;
	struct stat st;
	int rc;

	if (spec == NULL || spec == at || spec[0] == '\0')
		pl_strlcpy(section, PROG, sizeof(section));
	else
		pl_snprintf(section, sizeof(section), "%.*s",
			    (int)(at ? (size_t)(at - spec) : strlen(spec)), spec);
	if (at == NULL && spec != NULL && strchr(spec, '/') != NULL)
		usage_die(_("--extra-opts: a section has no '/'; name a file with --extra-opts=@FILE"));
	file = at != NULL ? at + 1 : PL_SYSCONFDIR "/plumbline/plumbline.ini";
	if (file[0] != '/')
		usage_die(_("--extra-opts: the option file must be an absolute path"));
	if (pl_read_trusted(AT_FDCWD, file, &rules, &buf, &st, err, sizeof(err)) != 0)
		usage_die(_("--extra-opts: %s"), err);
	pl_ini_parse(buf.data != NULL ? buf.data : "", buf.len, section, secret_key, &has_secret,
		     err, sizeof(err));
	if (has_secret && (st.st_mode & 077) != 0) {
		explicit_bzero(buf.data, buf.len);
		usage_die(_("--extra-opts: %s holds a secret in [%s] and is open to group or others "
			  "(chmod 600 %s)"), file, section, file);
	}
	rc = pl_opt_ini(p, buf.data != NULL ? buf.data : "", buf.len, file, section, err,
			sizeof(err));
	if (buf.data != NULL)
		explicit_bzero(buf.data, buf.len);
	pl_buf_free(&buf);
	if (rc < 0)
		usage_die("%s", err);
	if (rc == 0)
		usage_die(_("--extra-opts: %s has no section [%s]"), file, section);
}

/* ------------------------------------------------------------------ the notification */

/* The option's value, else the first of the environment variables set and not empty. */
static const char *
pick(const char *opt, const char *env1, const char *env2)
{
	const char *v;

	if (opt != NULL && opt[0] != '\0')
		return opt;
	if (env1 != NULL && (v = getenv(env1)) != NULL && v[0] != '\0')
		return v;
	if (env2 != NULL && (v = getenv(env2)) != NULL && v[0] != '\0')
		return v;
	return NULL;
}

/* Cleaned copies of the fields: the message points into them. */
struct fields {
	struct pl_buf b[16];
	size_t n;
	size_t repaired;
};

static const char *
clean(struct fields *f, const char *s, bool oneline)
{
	struct pl_buf *b;

	if (s == NULL || f->n >= sizeof(f->b) / sizeof(f->b[0]))
		return NULL;
	b = &f->b[f->n++];
	pl_buf_init(b, 1 << 20);
	f->repaired += pl_notify_clean(s, strlen(s), oneline, b);
	return pl_buf_str(b);
}

static void
make_link(const struct cfg *c, const struct pl_notify_msg *m, struct pl_buf *out)
{
	const char *base = c->link_base;
	size_t n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	pl_buf_add(out, base, n);
	switch (c->link_style) {
	case LINK_NAGIOS:
		pl_buf_puts(out, m->service ? "/cgi-bin/extinfo.cgi?type=2&host=" :
			    "/cgi-bin/extinfo.cgi?type=1&host=");
		pl_url_encode(m->host, out);
		if (m->service) {
			pl_buf_puts(out, "&service=");
			pl_url_encode(m->service, out);
		}
		break;
	case LINK_MONITORING:
		pl_buf_puts(out, m->service ? "/monitoring/service/show?host=" :
			    "/monitoring/host/show?host=");
		pl_url_encode(m->host, out);
		if (m->service) {
			pl_buf_puts(out, "&service=");
			pl_url_encode(m->service, out);
		}
		break;
	default:
		if (m->service) {
			pl_buf_puts(out, "/icingadb/service?name=");
			pl_url_encode(m->service, out);
			pl_buf_puts(out, "&host.name=");
		} else {
			pl_buf_puts(out, "/icingadb/host?name=");
		}
		pl_url_encode(m->host, out);
		break;
	}
}

/* The check's output, raw: --output or $PLUMBLINE_OUTPUT, else Nagios's output macros
 * (the long output's "\n" made newlines again). */
static void
msg_output(const struct cfg *c, bool svc, struct pl_buf *out_raw)
{
	const char *v = pick(c->output, "PLUMBLINE_OUTPUT", NULL);
	const char *first, *lng;

	if (v != NULL) {
		pl_buf_puts(out_raw, v);
		return;
	}
	first = getenv(svc ? "NAGIOS_SERVICEOUTPUT" : "NAGIOS_HOSTOUTPUT");
	lng = getenv(svc ? "NAGIOS_LONGSERVICEOUTPUT" : "NAGIOS_LONGHOSTOUTPUT");
	if (first != NULL)
		pl_buf_puts(out_raw, first);
	/* Nagios writes the long output's newlines as "\n" in the macro. */
	if (lng != NULL && lng[0] != '\0') {
		pl_buf_putc(out_raw, '\n');
		for (const char *p = lng; *p; p++) {
			if (p[0] == '\\' && p[1] == 'n') {
				pl_buf_putc(out_raw, '\n');
				p++;
			} else {
				pl_buf_putc(out_raw, *p);
			}
		}
	}
}

/* The notification's number: --number, else the engine's, else 0. */
static long
msg_number(const struct cfg *c, bool svc)
{
	const char *v;
	int64_t n;

	if ((long)c->number != 0)
		return (long)c->number;
	v = pick(NULL, "PLUMBLINE_NOTIFICATION_NUMBER",
		 svc ? "NAGIOS_SERVICENOTIFICATIONNUMBER" : "NAGIOS_HOSTNOTIFICATIONNUMBER");
	if (v != NULL && pl_parse_i64(v, 1, 999999999, &n) == 0)
		return (long)n;
	return 0;
}

static void
build_msg(const struct cfg *c, struct fields *f, struct pl_notify_msg *m, struct pl_buf *link,
	  struct pl_buf *out_raw)
{
	const char *type = pick(c->type, "PLUMBLINE_NOTIFICATION_TYPE", "NAGIOS_NOTIFICATIONTYPE");
	const char *svc = pick(c->service, "PLUMBLINE_SERVICE_NAME", "NAGIOS_SERVICEDESC");
	const char *v;

	memset(m, 0, sizeof(*m));
	if (type == NULL)
		usage_die(_("no notification type: give --type, or run from an engine "
			  "($PLUMBLINE_NOTIFICATION_TYPE, $NAGIOS_NOTIFICATIONTYPE)"));
	if (pl_notify_type_parse(type, &m->type) != 0)
		usage_die(_("--type is not a notification type (PROBLEM, RECOVERY, "
			  "ACKNOWLEDGEMENT, ESCALATION, CUSTOM, DOWNTIMESTART, DOWNTIMEEND, "
			  "DOWNTIMECANCELLED, FLAPPINGSTART, FLAPPINGEND, FLAPPINGDISABLED)"));
	m->host = clean(f, pick(c->host, "PLUMBLINE_HOST_NAME", "NAGIOS_HOSTNAME"), true);
	if (m->host == NULL || m->host[0] == '\0')
		usage_die(_("no host: give --host, or run from an engine ($PLUMBLINE_HOST_NAME, "
			  "$NAGIOS_HOSTNAME)"));
	m->service = clean(f, svc, true);
	m->host_display = clean(f, pick(c->host_display, "PLUMBLINE_HOST_DISPLAY",
					"NAGIOS_HOSTDISPLAYNAME"), true);
	m->address = clean(f, pick(c->address, "PLUMBLINE_HOST_ADDRESS", "NAGIOS_HOSTADDRESS"),
			   true);
	m->service_display = clean(f, pick(c->service_display, "PLUMBLINE_SERVICE_DISPLAY",
					   svc ? "NAGIOS_SERVICEDISPLAYNAME" : NULL), true);
	m->state = clean(f, pick(c->state, "PLUMBLINE_STATE",
				 svc ? "NAGIOS_SERVICESTATE" : "NAGIOS_HOSTSTATE"), true);
	msg_output(c, svc != NULL, out_raw);
	m->output = clean(f, pl_buf_str(out_raw), false);
	m->time = clean(f, pick(c->time, "PLUMBLINE_TIME", "NAGIOS_LONGDATETIME"), true);
	m->author = clean(f, pick(c->author, "PLUMBLINE_NOTIFICATION_AUTHOR",
				  "NAGIOS_NOTIFICATIONAUTHOR"), true);
	m->comment = clean(f, pick(c->comment, "PLUMBLINE_NOTIFICATION_COMMENT",
				   "NAGIOS_NOTIFICATIONCOMMENT"), false);
	m->role = clean(f, pick(c->role, "PLUMBLINE_ROLE", NULL), true);
	m->number = msg_number(c, svc != NULL);
	v = pick(c->link, "PLUMBLINE_LINK", NULL);
	if (v != NULL) {
		m->link = clean(f, v, true);
	} else if (c->link_base != NULL) {
		make_link(c, m, link);
		m->link = pl_buf_str(link);
	}
}

/* ------------------------------------------------------------------ the journal */

/* Appends line with one write(): O_APPEND, never through a symbolic link (O_NOFOLLOW),
 * a regular file of ours with one link only (a hard link planted in a shared directory
 * must not make us append to someone else's file). 0, or -1 with why in err. */
static int
journal_append(const char *path, const struct pl_buf *line, char *err, size_t errlen)
{
	struct stat st;
	ssize_t w;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
		      0640);

	if (fd < 0) {
		if (errno == ELOOP)
			pl_snprintf(err, errlen, "%s is a symbolic link; name the file itself",
				    path);
		else
			pl_snprintf(err, errlen, _("cannot open %s: %s"), path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		pl_snprintf(err, errlen, "%s is not a regular file", path);
		close(fd);
		return -1;
	}
	if (st.st_uid != geteuid() || st.st_nlink != 1) {
		pl_snprintf(err, errlen, "%s %s", path, st.st_uid != geteuid() ?
			    "belongs to another user (chown it to the user sending notifications)" :
			    "has several hard links; refusing to write to it");
		close(fd);
		return -1;
	}
	w = write(fd, line->data, line->len);
	if (w < 0 || (size_t)w != line->len) {
		pl_snprintf(err, errlen, _("cannot write %s: %s"), path,
			    w < 0 ? strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	if (close(fd) != 0) {
		pl_snprintf(err, errlen, _("cannot write %s: %s"), path, strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ sending */

struct outcome {
	bool sent;
	unsigned attempts;
	long http_status;
	bool has_code;
	int64_t code;
	size_t bytes, cut;
	char line[512];
};

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void
debug(const struct cfg *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
debug(const struct cfg *c, const char *fmt, ...)
{
	va_list ap;

	if (c->verbose == 0)
		return;
	va_start(ap, fmt);
	fputs(PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* How long to wait before attempt n (from 2): 1, 2, 4, ... s, or what Retry-After
 * asked. */
static double
backoff(unsigned n)
{
	double s = 1;

	for (unsigned i = 2; i < n && s < 30; i++)
		s *= 2;
	return s;
}

/* One attempt's payload and URL for a chat channel or the webhook. */
static int
http_request(const struct cfg *c, const struct pl_notify_msg *m, struct pl_buf *url,
	     struct pl_buf *body, struct pl_buf *hdr_ts, struct pl_buf *hdr_sig, size_t *cut,
	     char *err, size_t errlen)
{
	struct pl_notify_payload_opts po = { .markdown = !c->text };
	struct pl_time now;
	char sig[PL_NOTIFY_SIGN_SIZE], ts[32], when[PL_RFC3339_SIZE];

	if (pl_clock_now(&now, err, errlen) != 0)
		return -1;
	pl_buf_reset(url);
	pl_buf_reset(hdr_ts);
	pl_buf_reset(hdr_sig);
	pl_buf_puts(url, c->url);
	pl_rfc3339_format(&now, 3, when, sizeof(when));
	po.sent_at = when;
	if (c->channel == PL_NC_DINGTALK && c->secret != NULL) {
		int64_t ms = now.sec * 1000 + now.nsec / 1000000;

		if (pl_notify_sign_dingtalk(c->secret, ms, sig, err, errlen) != 0)
			return -1;
		pl_buf_printf(url, "%stimestamp=%lld&sign=%s", strchr(c->url, '?') ? "&" : "?",
			      (long long)ms, sig);
	}
	if (c->channel == PL_NC_FEISHU && c->secret != NULL) {
		if (pl_notify_sign_feishu(c->secret, now.sec, sig, err, errlen) != 0)
			return -1;
		/* A signature is good for an hour: --dry-run shows where it goes, not it. */
		if (c->dry_run)
			pl_strlcpy(sig, "(signature)", sizeof(sig));
		pl_snprintf(ts, sizeof(ts), "%lld", (long long)now.sec);
		po.feishu_timestamp = ts;
		po.feishu_sign = sig;
	}
	if (pl_notify_payload((enum pl_notify_channel)c->channel, m, &po, body, cut, err,
			      errlen) != 0)
		return -1;
	if (c->channel == PL_NC_WEBHOOK && c->secret != NULL) {
		if (pl_notify_sign_webhook(c->secret, now.sec, body->data, body->len, sig, err,
					   errlen) != 0)
			return -1;
		pl_buf_printf(hdr_ts, "X-Plumbline-Timestamp: %lld", (long long)now.sec);
		pl_buf_printf(hdr_sig, "X-Plumbline-Signature: sha256=%s",
			      c->dry_run ? "(signature)" : sig);
	}
	explicit_bzero(sig, sizeof(sig));
	return 0;
}

/* The URL as it may be shown: scheme, host and path, never the query (a key). */
static void
shown_url(const char *url, struct pl_buf *out)
{
	size_t n = strcspn(url, "?#");

	pl_buf_add(out, url, n);
	if (url[n] != '\0')
		pl_buf_puts(out, "?...");
}

/* --dry-run: the request as it would be sent, the URL's secret part hidden. */
static void
http_dry_run(const struct pl_buf *url, const struct pl_buf *body, const struct pl_buf *hts,
	     const struct pl_buf *hsig)
{
	struct pl_buf su = PL_BUF_INIT;

	shown_url(pl_buf_str(url), &su);
	printf("POST %s\n", pl_buf_str(&su));
	if (hts->len)
		printf("%s\n%s\n", pl_buf_str(hts), pl_buf_str(hsig));
	printf("%s\n", pl_buf_str(body));
	pl_buf_free(&su);
}

/* Attempt n, ms milliseconds for it; how it went into oc. Returns true when no attempt
 * is to follow: sent, or a failure no retry mends. */
static bool
http_attempt(const struct cfg *c, unsigned n, long ms, const struct pl_buf *url,
	     const struct pl_buf *body, const struct pl_buf *hts, const struct pl_buf *hsig,
	     struct pl_notify_http *r, struct outcome *oc)
{
	struct pl_notify_reply rep;
	const char *hdrs[3] = { NULL, NULL, NULL };

	if (hts->len) {
		hdrs[0] = pl_buf_str(hts);
		hdrs[1] = pl_buf_str(hsig);
	}
	oc->attempts = n;
	debug(c, "attempt %u: %zu bytes, %ld ms left for it", n, body->len, ms);
	if (pl_notify_post(pl_buf_str(url), hdrs, body->data, body->len, c->cacert, ms, r) != 0) {
		oc->http_status = 0;
		oc->has_code = false;
		pl_snprintf(oc->line, sizeof(oc->line), "%s%s", r->timed_out ?
			    "no answer in time: " : "", r->err);
		return r->permanent;
	}
	pl_notify_reply_parse((enum pl_notify_channel)c->channel, r->status, r->body.data,
			      r->body.len, &rep);
	oc->http_status = r->status;
	oc->has_code = rep.has_code;
	oc->code = rep.code;
	debug(c, "attempt %u: HTTP %ld, %s", n, r->status,
	      rep.outcome == PL_NO_SENT ? "sent" : rep.line);
	if (rep.outcome == PL_NO_SENT) {
		oc->sent = true;
		oc->line[0] = '\0';
		return true;
	}
	pl_snprintf(oc->line, sizeof(oc->line), "%s", rep.line);
	return rep.outcome == PL_NO_FAIL;
}

/* The wait before attempt n + 1: the backoff, or the server's Retry-After. -1 when that
 * would pass the deadline (said in oc). */
static double
http_wait(const struct pl_notify_http *r, const struct pl_deadline *dl, unsigned n,
	  struct outcome *oc)
{
	double wait = backoff(n + 1);
	char err[512];

	if (r->retry_after[0] != '\0') {
		struct pl_time now;
		double ra;

		if (pl_clock_now(&now, err, sizeof(err)) == 0 &&
		    (ra = pl_notify_retry_after(r->retry_after, now.sec)) >= 0)
			wait = ra;
	}
	if (wait + 0.05 >= pl_deadline_left(dl)) {
		size_t l = strlen(oc->line);

		pl_snprintf(oc->line + l, sizeof(oc->line) - l,
			    "; %s %.0f s would pass the deadline (--timeout)",
			    r->retry_after[0] ? "the Retry-After of" : "waiting", wait);
		return -1;
	}
	return wait;
}

static void
send_http(const struct cfg *c, const struct pl_notify_msg *m, struct outcome *oc)
{
	struct pl_buf url = PL_BUF_INIT, body = PL_BUF_INIT, hts = PL_BUF_INIT,
		      hsig = PL_BUF_INIT;
	struct pl_notify_http r;
	struct pl_deadline dl = pl_deadline_process();
	char err[512];
	unsigned max = (unsigned)c->retries + 1;

	memset(&r, 0, sizeof(r));
	for (unsigned n = 1; n <= max; n++) {
		double left = pl_deadline_left(&dl), wait;

		if (http_request(c, m, &url, &body, &hts, &hsig, &oc->cut, err,
				 sizeof(err)) != 0) {
			pl_snprintf(oc->line, sizeof(oc->line), "%s", err);
			break;
		}
		oc->bytes = body.len;
		if (c->dry_run) {
			http_dry_run(&url, &body, &hts, &hsig);
			oc->sent = true;
			break;
		}
		if (http_attempt(c, n, (long)ceil(fmin(left, c->attempt_timeout) * 1000), &url,
				 &body, &hts, &hsig, &r, oc) || n == max)
			break;
		if ((wait = http_wait(&r, &dl, n, oc)) < 0)
			break;
		debug(c, "waiting %.1f s", wait);
		sleep_s(wait);
	}
	if (!oc->sent && oc->line[0] == '\0')
		pl_snprintf(oc->line, sizeof(oc->line), "not sent");
	pl_buf_free(&r.body);
	if (url.data != NULL)
		explicit_bzero(url.data, url.len);
	pl_buf_free(&url);
	pl_buf_free(&body);
	pl_buf_free(&hts);
	pl_buf_free(&hsig);
}

/* The recipients: --to (each may hold several, comma-separated), else the engine's. */
static size_t
recipients(const struct cfg *c, char ***out, struct pl_buf *joined)
{
	struct pl_buf all = PL_BUF_INIT;
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < c->to.n; i++)
		pl_buf_printf(&all, "%s%s", i ? "," : "", c->to.v[i]);
	if (c->to.n == 0) {
		const char *e = pick(NULL, "PLUMBLINE_MAIL_TO", "NAGIOS_CONTACTEMAIL");

		if (e != NULL)
			pl_buf_puts(&all, e);
	}
	for (char *p = all.data, *next; p != NULL && *p != '\0'; p = next) {
		size_t l = strcspn(p, ",");
		char *a;

		next = p[l] ? p + l + 1 : p + l;
		p[l] = '\0';
		while (*p == ' ')
			p++;
		for (a = p + strlen(p); a > p && a[-1] == ' '; a--)
			a[-1] = '\0';
		if (*p == '\0')
			continue;
		if (!pl_notify_address_ok(p))
			usage_die(_("a mail recipient (--to, $PLUMBLINE_MAIL_TO or "
				  "$NAGIOS_CONTACTEMAIL) is not a plain address user@domain"));
		v = realloc(v, (n + 1) * sizeof(*v));
		if (v == NULL)
			usage_die(_("out of memory"));
		v[n++] = strdup(p);
		pl_buf_printf(joined, "%s%s", joined->len ? "," : "", p);
	}
	pl_buf_free(&all);
	*out = v;
	return n;
}

/* A Message-ID of its own: the time, the process, 8 random bytes and the host name. */
static void
mail_msgid(int64_t sec, char *msgid, size_t idlen)
{
	char host[256];
	unsigned char rnd[8];
	FILE *ur;

	if (gethostname(host, sizeof(host)) != 0 || host[0] == '\0')
		pl_strlcpy(host, "localhost", sizeof(host));
	memset(rnd, 0, sizeof(rnd));
	ur = fopen("/dev/urandom", "rb");
	if (ur != NULL) {
		if (fread(rnd, 1, sizeof(rnd), ur) != sizeof(rnd))
			memset(rnd, 0, sizeof(rnd));
		fclose(ur);
	}
	pl_snprintf(msgid, idlen, "<%lld.%ld.%02x%02x%02x%02x%02x%02x%02x%02x.plumbline@%s>",
		    (long long)sec, (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3], rnd[4],
		    rnd[5], rnd[6], rnd[7], host);
}

/* Attempt n to send the mail, ms milliseconds for it; how it went into oc. Returns true
 * when no attempt is to follow: sent, or a permanent failure. */
static bool
mail_attempt(const struct cfg *c, const struct pl_notify_smtp *s, const struct pl_buf *mail,
	     unsigned n, long ms, struct outcome *oc)
{
	long code;
	bool timed_out, permanent;
	char err[512];

	oc->attempts = n;
	debug(c, "attempt %u: %zu bytes to %s", n, mail->len, c->smtp_url);
	if (pl_notify_smtp_send(s, mail->data, mail->len, ms, &code, &timed_out, &permanent,
				err, sizeof(err)) == 0) {
		oc->sent = true;
		oc->line[0] = '\0';
		return true;
	}
	oc->has_code = code != 0;
	oc->code = code;
	pl_snprintf(oc->line, sizeof(oc->line), "%s%s%s", timed_out ? "no answer in time: "
		    : "", err, code ? "" : "");
	if (code != 0) {
		size_t l = strlen(oc->line);

		pl_snprintf(oc->line + l, sizeof(oc->line) - l, " (SMTP %ld)", code);
	}
	return permanent;
}

static void
send_mail(const struct cfg *c, const struct pl_notify_msg *m, char **to, size_t nto,
	  char *msgid, size_t idlen, struct outcome *oc)
{
	struct pl_notify_smtp s = {
		.url = c->smtp_url, .user = c->smtp_user, .password = c->smtp_password,
		.from = c->from, .to = (const char *const *)to, .nto = nto,
		.require_tls = c->starttls, .cacert = c->cacert,
	};
	struct pl_deadline dl = pl_deadline_process();
	struct pl_buf mail = PL_BUF_INIT;
	struct pl_time now;
	char date[64], err[512];
	unsigned max = (unsigned)c->retries + 1;

	if (pl_clock_now(&now, err, sizeof(err)) != 0) {
		pl_snprintf(oc->line, sizeof(oc->line), "%s", err);
		return;
	}
	mail_msgid(now.sec, msgid, idlen);
	pl_mail_date(now.sec, date, sizeof(date));
	pl_notify_mail(m, c->from, (const char *const *)to, nto, date, msgid, &mail);
	oc->bytes = mail.len;
	if (c->dry_run) {
		printf("MAIL FROM %s via %s\n%s", c->from, c->smtp_url, pl_buf_str(&mail));
		oc->sent = true;
		pl_buf_free(&mail);
		return;
	}
	for (unsigned n = 1; n <= max; n++) {
		double left = pl_deadline_left(&dl), wait;
		long ms = (long)ceil(fmin(left, c->attempt_timeout) * 1000);

		if (mail_attempt(c, &s, &mail, n, ms, oc) || n == max)
			break;
		wait = backoff(n + 1);
		left = pl_deadline_left(&dl);
		if (wait + 0.05 >= left) {
			size_t l = strlen(oc->line);

			pl_snprintf(oc->line + l, sizeof(oc->line) - l,
				    "; waiting %.0f s would pass the deadline (--timeout)", wait);
			break;
		}
		sleep_s(wait);
	}
	pl_buf_free(&mail);
}

/* ------------------------------------------------------------------ main */

/* The secret in DIR/NAME into *out (owned by c), when the file is there: 0 (also when it
 * is not there and !required), or a usage error. */
static void
secret_from_dir(struct cfg *c, const char *name, const char **out, int slot, bool required,
		const char *what)
{
	char path[4096], err[1024];
	struct stat st;
	char *buf;

	if (pl_snprintf(path, sizeof(path), "%s/%s", c->secrets_dir, name) >= (int)sizeof(path))
		usage_die(_("--secrets-dir is too long"));
	if (lstat(path, &st) != 0 && errno == ENOENT) {
		if (required)
			usage_die(_("--channel %s needs %s: %s (mode 600), --%s-file FILE or $%s"),
				  pl_notify_channel_name(c->channel), pl_tr(what), path,
				  slot == 0 ? "url" : "secret",
				  slot == 0 ? "PLUMBLINE_NOTIFY_URL" : "PLUMBLINE_NOTIFY_SECRET");
		return;
	}
	buf = malloc(PL_SECRET_MAX + 1);
	if (buf == NULL)
		usage_die(_("out of memory"));
	if (pl_secret_read(path, buf, PL_SECRET_MAX + 1, err, sizeof(err)) < 0) {
		free(buf);
		usage_die("%s", err);
	}
	c->owned[slot] = buf;
	*out = buf;
}

static void
check_config(struct cfg *c)
{
	if (!c->channel_set)
		usage_die(_("--channel is required (dingtalk, wecom, feishu, slack, webhook or mail)"));
	if (c->channel == PL_NC_MAIL) {
		if (c->smtp_url == NULL)
			usage_die(_("--channel mail needs --smtp-url (smtp://HOST:PORT or "
				  "smtps://HOST:PORT)"));
		if (strncmp(c->smtp_url, "smtp://", 7) != 0 &&
		    strncmp(c->smtp_url, "smtps://", 8) != 0)
			usage_die(_("--smtp-url must start with smtp:// or smtps://"));
		if (c->from == NULL || !pl_notify_address_ok(c->from))
			usage_die(_("--channel mail needs --from, a plain address user@domain"));
		if (c->smtp_user != NULL && c->smtp_password == NULL)
			secret_from_dir(c, "smtp.password", &c->smtp_password, 2, false, NULL);
		if (c->smtp_password != NULL && c->smtp_user == NULL)
			usage_die(_("an SMTP password was given without --smtp-user"));
		if (c->smtp_user != NULL && strncmp(c->smtp_url, "smtps://", 8) != 0 &&
		    !c->starttls)
			usage_die(_("refusing to send the SMTP login in clear: add --starttls or use "
				  "smtps://"));
		return;
	}
	{
		char name[64];

		if (c->url == NULL) {
			pl_snprintf(name, sizeof(name), "%s.url", pl_notify_channel_name(c->channel));
			secret_from_dir(c, name, &c->url, 0, true, N_("the webhook URL"));
		}
		if (c->secret == NULL && c->channel != PL_NC_WECOM && c->channel != PL_NC_SLACK) {
			pl_snprintf(name, sizeof(name), "%s.secret",
				    pl_notify_channel_name(c->channel));
			secret_from_dir(c, name, &c->secret, 1, false, NULL);
		}
	}
	if (strncmp(c->url, "https://", 8) != 0 && strncmp(c->url, "http://", 7) != 0)
		usage_die(_("the webhook URL must start with https:// (or http://)"));
}

/* --language of the command line, found before anything is parsed so that every error
 * is in that language (an option file's applies when the file is read; the command
 * line's again after it, and wins; a malformed one is the parser's to report). */
static const char *
scan_language(int argc, char **argv)
{
	const char *v = NULL;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--language=", 11) == 0)
			v = argv[i] + 11;
		else if (strcmp(argv[i], "--language") == 0 && i + 1 < argc)
			v = argv[++i];
		else if (strcmp(argv[i], "--") == 0)
			break;
	}
	return v != NULL && pl_i18n_valid(v) ? v : NULL;
}

/* The environment, the option file and the command line, lowest precedence first.
 * Returns 1 when --man, --help or --version said all there was to say. */
static int
parse(int argc, char **argv, struct pl_opt_table *table, struct pl_opt_parser *p)
{
	struct cfg *c = table->base;
	char err[1024];

	if (argc == 2 && strcmp(argv[1], "--man") == 0) {
		help(options, true);
		return 1;
	}
	pl_i18n_init(scan_language(argc, argv));
	pl_opt_init(p, table, 1);
	p->prog = PROG;
	if (pl_opt_env(p, err, sizeof(err)) != 0)
		usage_die("%s", err);
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (is_extra_opts(argv[i]))
			load_extra_opts(p, argv[i][12] == '=' ? argv[i] + 13 : NULL);
	if (pl_opt_argv(p, argc, argv, is_extra_opts, err, sizeof(err)) != 0)
		usage_die("%s", err);
	if (c->help) {
		help(options, false);
		return 1;
	}
	if (c->version) {
		printf(PROG " " PACKAGE_VERSION "\n");
		return 1;
	}
	check_config(c);
	return 0;
}

/* What a run leaves for the journal besides the message and the outcome. */
struct run {
	const char *when, *recipients, *message_id;
	double t0;
	size_t repaired;
	char jerr[600];              /* why the journal was not written; "" when it was */
};

/* The journal's line for this notification, unless --dry-run or --no-journal. */
static void
record(const struct cfg *c, const struct pl_notify_msg *m, const struct outcome *oc,
       struct run *run)
{
	struct pl_notify_journal j;
	struct pl_buf line = PL_BUF_INIT;

	if (c->dry_run || c->no_journal)
		return;
	memset(&j, 0, sizeof(j));
	j.time = run->when;
	j.channel = pl_notify_channel_name(c->channel);
	j.msg = m;
	j.engine = pick(NULL, "PLUMBLINE_ENGINE", NULL);
	if (j.engine == NULL && getenv("NAGIOS_HOSTNAME") != NULL)
		j.engine = "nagios";
	j.user = pick(NULL, "PLUMBLINE_USER", "NAGIOS_CONTACTNAME");
	j.recipients = run->recipients;
	j.sent = oc->sent;
	j.attempts = oc->attempts;
	j.http_status = oc->http_status;
	j.has_code = oc->has_code;
	j.code = oc->code;
	j.error = oc->sent ? NULL : oc->line;
	j.duration = pl_mono() - run->t0;
	j.bytes = oc->bytes;
	j.cut = oc->cut;
	j.repaired = run->repaired;
	j.message_id = run->message_id;
	if (pl_notify_journal_line(&j, &line) != 0)
		pl_snprintf(run->jerr, sizeof(run->jerr), _("out of memory"));
	else
		journal_append(c->journal, &line, run->jerr, sizeof(run->jerr));
	pl_buf_free(&line);
}

/* The one line for the engine; returns the exit status. */
static int
report(const struct cfg *c, const struct pl_notify_msg *m, const struct outcome *oc,
       const struct run *run)
{
	struct pl_buf title = PL_BUF_INIT;
	const char *jerr = run->jerr;
	int status;

	pl_notify_title(m, &title);
	if (oc->sent && c->dry_run) {
		status = 0;
	} else if (oc->sent) {
		status = jerr[0] ? 1 : 0;
		printf("NOTIFY %s - ", status ? "WARNING" : "OK");
		printf(P_("%s: sent %s (%u attempt, %.2f s)", "%s: sent %s (%u attempts, %.2f s)",
			  oc->attempts), pl_notify_channel_name(c->channel), pl_buf_str(&title),
		       oc->attempts, pl_mono() - run->t0);
		if (oc->cut)
			fputs(_(", text cut to the channel's limit"), stdout);
	} else {
		status = 2;
		printf("NOTIFY CRITICAL - ");
		printf(P_("%s: not sent after %u attempt (%.2f s): %s",
			  "%s: not sent after %u attempts (%.2f s): %s", oc->attempts),
		       pl_notify_channel_name(c->channel), oc->attempts, pl_mono() - run->t0,
		       oc->line);
	}
	if (!(oc->sent && c->dry_run)) {
		if (jerr[0])
			printf(_("; journal: %s"), jerr);
		putchar('\n');
	}
	pl_buf_free(&title);
	return status;
}

/* The secrets read from files, wiped. */
static void
cfg_free(struct cfg *c)
{
	for (size_t i = 0; i < sizeof(c->owned) / sizeof(c->owned[0]); i++)
		if (c->owned[i] != NULL) {
			explicit_bzero(c->owned[i], PL_SECRET_MAX + 1);
			free(c->owned[i]);
		}
}

int
main(int argc, char **argv)
{
	struct cfg c = {
		.timeout = 30, .attempt_timeout = 10, .retries = 3,
		.journal = DEFAULT_JOURNAL, .secrets_dir = DEFAULT_SECRETS,
		.link_style = LINK_ICINGADB,
	};
	struct pl_opt_table table = { options, &c };
	struct pl_opt_parser p;
	struct fields f = { .n = 0 };
	struct pl_notify_msg m;
	struct pl_buf link = PL_BUF_INIT, raw = PL_BUF_INIT, rcpt = PL_BUF_INIT;
	struct outcome oc = { .sent = false };
	struct run run = { .when = "" };
	struct pl_time now;
	char err[1024], when[PL_RFC3339_SIZE] = "", msgid[512] = "";
	char **to = NULL;
	size_t nto = 0;
	int status;

	if (parse(argc, argv, &table, &p) != 0)
		return 3;
	/* The backstop fires shortly after the deadline, for what libcurl cannot bound
	 * (a DNS lookup in the threaded resolver is bounded; a hung file system is not). */
	pl_timeout_arm(c.timeout, PL_UNKNOWN, "NOTIFY");
	pl_timeout_waiting("sending the notification");
	run.t0 = pl_mono();
	if (pl_notify_send_init(err, sizeof(err)) != 0)
		usage_die("%s", err);
	build_msg(&c, &f, &m, &link, &raw);
	if (c.channel == PL_NC_MAIL) {
		nto = recipients(&c, &to, &rcpt);
		if (nto == 0)
			usage_die(_("no mail recipient: give --to, or set the user's email "
				  "($PLUMBLINE_MAIL_TO, $NAGIOS_CONTACTEMAIL)"));
		send_mail(&c, &m, to, nto, msgid, sizeof(msgid), &oc);
	} else {
		send_http(&c, &m, &oc);
	}
	pl_timeout_disarm();
	if (pl_clock_now(&now, err, sizeof(err)) == 0)
		pl_rfc3339_format(&now, 3, when, sizeof(when));
	run.when = when;
	run.recipients = rcpt.len ? pl_buf_str(&rcpt) : NULL;
	run.message_id = msgid[0] ? msgid : NULL;
	run.repaired = f.repaired;
	record(&c, &m, &oc, &run);
	status = report(&c, &m, &oc, &run);
	for (size_t i = 0; i < nto; i++)
		free(to[i]);
	free(to);
	for (size_t i = 0; i < f.n; i++)
		pl_buf_free(&f.b[i]);
	pl_buf_free(&link);
	pl_buf_free(&raw);
	pl_buf_free(&rcpt);
	cfg_free(&c);
	pl_opt_free(&p);
	return status;
}
