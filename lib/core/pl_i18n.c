#include "config.h"

#include <ctype.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_file.h"
#include "pl_i18n.h"
#include "pl_text.h"

#ifndef LOCALEDIR
#define LOCALEDIR "/usr/share/locale"
#endif

static bool bound;

bool
pl_i18n_valid(const char *lang)
{
	size_t n = 0;

	if (lang == NULL || lang[0] == '\0' || lang[0] == '.')
		return false;
	for (const char *p = lang; *p; p++, n++) {
		bool ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			  (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-' ||
			  *p == '@';

		if (!ok || n >= 64)
			return false;
	}
	return true;
}

/* LC_MESSAGES away from "C", where gettext ignores LANGUAGE: C.UTF-8 is built into glibc
 * (no locale-gen). A generated locale the environment named stays. */
static void
messages_locale(void)
{
	const char *m = setlocale(LC_MESSAGES, NULL);

	if (m == NULL || strcmp(m, "C") == 0 || strcmp(m, "POSIX") == 0)
		setlocale(LC_MESSAGES, "C.UTF-8");
}

static void
bind_domain(void)
{
	const char *dir = getenv("PLUMBLINE_LOCALEDIR");

	/* A catalog's texts are printf formats: never one from a path the caller chose in a
	 * run with privileges the caller lacks. */
	if (dir == NULL || dir[0] != '/' || pl_privileged())
		dir = LOCALEDIR;
	bindtextdomain(PL_TEXTDOMAIN, dir);
	bind_textdomain_codeset(PL_TEXTDOMAIN, "UTF-8");
	/* strerror() is translated too (libc-l10n), into LC_CTYPE's charset, which stays
	 * ASCII: Chinese would come out as "????". UTF-8, as our own messages. */
	bind_textdomain_codeset("libc", "UTF-8");
	textdomain(PL_TEXTDOMAIN);
	bound = true;
}

/* The language the environment names for messages, as setlocale reads it. */
static const char *
env_language(void)
{
	static const char *const vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const char *v = getenv(vars[i]);

		if (v != NULL && v[0] != '\0')
			return v;
	}
	return NULL;
}

void
pl_i18n_init(const char *lang)
{
	char err[128];

	/* Only LC_MESSAGES follows the environment: numbers, character classes and times
	 * stay "C" whatever it says. */
	if (setlocale(LC_MESSAGES, "") == NULL) {
		/* The environment names a locale this host has not generated: its language
		 * still chooses the catalog, unless LANGUAGE already does. */
		const char *e = env_language();
		const char *l = getenv("LANGUAGE");

		if (e != NULL && strcmp(e, "C") != 0 && strcmp(e, "POSIX") != 0 &&
		    pl_i18n_valid(e)) {
			messages_locale();
			if (l == NULL || l[0] == '\0')
				setenv("LANGUAGE", e, 1);
		}
	}
	bind_domain();
	if (lang != NULL)
		(void)pl_i18n_language(lang, err, sizeof(err));
}

int
pl_i18n_language(const char *lang, char *err, size_t errlen)
{
	if (!pl_i18n_valid(lang)) {
		/* The value is not echoed: no option value ever is (it may be a secret put in
		 * the wrong place). */
		pl_snprintf(err, errlen, "%s", _("not a language name (letters, digits, '_', '.', "
						 "'-', '@'; such as zh_CN, or C for English)"));
		return -1;
	}
	messages_locale();
	setenv("LANGUAGE", lang, 1);
	/* glibc caches translations per domain: textdomain() again drops the cache. */
	if (bound)
		textdomain(PL_TEXTDOMAIN);
	else
		bind_domain();
	return 0;
}

const char *
pl_pgettext(const char *key, const char *s)
{
	const char *t = gettext(key);

	return t == key ? s : t;
}

const char *
pl_tr(const char *s)
{
	return s == NULL || s[0] == '\0' ? s : gettext(s);
}

void
pl_i18n_tag(char *buf, size_t len)
{
	/* gettext("") is the catalog's header when one is in use: its "Language:" field
	 * names the language the messages come out in. Asked through a variable: a literal
	 * "" here is a message to xgettext, and msgmerge then moved the catalog's header
	 * (and its conventions comment) to this file's place in po/zh_CN.po. */
	static const char header[] = "";
	const char *h = gettext(header), *l = h != NULL ? strstr(h, "Language: ") : NULL;
	size_t n = 0;

	if (len == 0)
		return;
	if (l != NULL && h[0] != '\0') {
		l += 10;
		while (n + 1 < len && (isalnum((unsigned char)l[n]) || l[n] == '_')) {
			buf[n] = l[n] == '_' ? '-' : l[n];
			n++;
		}
	}
	if (n == 0)
		pl_strlcpy(buf, "en", len);
	else
		buf[n] = '\0';
}

/* East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth W and F, coarsely). */
static bool
wide(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	       (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x20000 && c <= 0x3fffd);
}

size_t
pl_text_width(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + len;
	size_t w = 0;

	while (p < end) {
		size_t n = pl_utf8_len(p);
		unsigned long c;

		if (n <= 1 || p + n > end) {
			w++;
			p++;
			continue;
		}
		c = p[0] & (0xff >> (n + 1));
		for (size_t i = 1; i < n; i++)
			c = (c << 6) | (p[i] & 0x3f);
		w += wide(c) ? 2 : 1;
		p += n;
	}
	return w;
}
