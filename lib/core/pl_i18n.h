/* pl_i18n: translated messages (GNU gettext, part of glibc: no library to link).
 *
 * What a person reads is translated: the text after "SERVICE STATE - ", long output,
 * --help and errors. What programs read never is: the service name, the state word,
 * perfdata labels, numbers, units, JSON keys and the values JSON gives as names (see
 * README.md, "Language", for how to mark a plugin).
 *
 * The language: --language=LANG (or "language = LANG" in the --extra-opts file) wins,
 * since NRPE clears the environment and Icinga 2 sets its own; else LC_ALL, LC_MESSAGES,
 * LANG (and LANGUAGE), as gettext reads them. A language whose locale is not generated on
 * the host (LANG=zh_CN.UTF-8 without locale-gen) still gets its messages: only
 * LC_MESSAGES changes, to C.UTF-8, which glibc always has, and LANGUAGE names the
 * catalog. LC_NUMERIC, LC_CTYPE and the rest stay "C": numbers keep their '.'. */
#ifndef PL_I18N_H
#define PL_I18N_H

#include <libintl.h>
#include <stdbool.h>
#include <stddef.h>

#define PL_TEXTDOMAIN "plumbline"

/* _("text"): translated here. N_("text"): only marked (static tables, option help),
 * translated where it is used with pl_tr(). */
#define _(s) gettext(s)
#define N_(s) (s)
/* The singular or plural form for n (ngettext). */
#define P_(s, p, n) ngettext((s), (p), (unsigned long)(n))

/* Reads the environment's language, binds the catalog (LOCALEDIR, or
 * $PLUMBLINE_LOCALEDIR in an unprivileged run: the tests' build tree) and applies lang
 * when not NULL (as pl_i18n_language). Called once by pl_plugin_parse. */
void pl_i18n_init(const char *lang);

/* Switches to lang ("zh_CN", "zh_CN.UTF-8", "C" or "en" for the original English).
 * Returns -1 and says why in err when lang is not a language name (letters, digits,
 * '_', '.', '-', '@'; no '/'). */
int pl_i18n_language(const char *lang, char *err, size_t errlen);

/* C_("context", "text"): "text" translated in a context, for an English text that says
 * different things in different places ("%s of %s": "1.6GiB of 12GiB" in check_mem, "5%
 * of max_connections" in check_db_conns). The catalog keys it "context\004text"
 * (xgettext --keyword=C_:1c,2); untranslated, "text" itself. */
#define C_(ctx, s) pl_pgettext(ctx "\004" s, (s))
const char *pl_pgettext(const char *key, const char *s) __attribute__((format_arg(2)));

/* pl_tr(s): the translation of a marked string; NULL and "" as they are (gettext("")
 * would give the catalog's header). */
const char *pl_tr(const char *s);

/* The language the messages come out in as a BCP 47 tag, for HTML's lang attribute:
 * "zh-CN" with the zh_CN catalog, "en" without a catalog. */
void pl_i18n_tag(char *buf, size_t len);

/* Whether lang is a plausible language name (see pl_i18n_language). */
bool pl_i18n_valid(const char *lang);

/* Columns s takes on a terminal: 2 for East Asian wide characters, 1 for the rest
 * (a UTF-8 sequence counts once; bytes that are not UTF-8 count 1 each). */
size_t pl_text_width(const char *s, size_t len);

#endif
