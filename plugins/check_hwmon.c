/* check_hwmon: hardware sensors (temperatures, fans, voltages, power, current) from
 * /sys/class/hwmon, judged by the limits the chips themselves carry.
 *
 * Reading sysfs instead of running sensors(1) keeps the check fast and free of
 * libsensors' configuration: what is reported is exactly what the kernel drivers expose.
 * The name avoids a clash with Monitoring Plugins' check_sensors. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "pl_i18n.h"
#include "pl_buf.h"
#include "pl_hwmon.h"
#include "pl_num.h"
#include "pl_plugin.h"
#include "pl_result.h"
#include "pl_select.h"
#include "pl_timeout.h"

struct hw_config {
	unsigned types;            /* bit (1 << type) for each --type; 0: every type */
	bool no_alarms;            /* --no-alarms: ignore the chips' alarm flags */
	enum pl_state unreadable;  /* --unreadable-state: a sensor that cannot be read */
};

static int hw_types(void *, const struct pl_option *, const char *, char *, size_t);

static const struct pl_option hw_opts[] = {
	{ .name = "type", .type = PL_OPT_STRING, .arg = "TYPE", .fn = hw_types,
	  .flags = PL_OPT_SYNOPSIS | PL_OPT_REPEAT,
	  .help = N_("Only sensors of this type: temp, fan, in (voltages), power or curr; a "
		  "comma-separated list also works ('temp,fan').") },
	{ .name = "no-alarms", .type = PL_OPT_SWITCH, PL_OPT_AT(struct hw_config, no_alarms),
	  .help = N_("Do not report the chips' own alarm and fault flags (for boards whose BIOS "
		  "leaves limits unprogrammed, so the flags are always set). The kernel limits "
		  "still serve as default ranges.") },
	{ .name = "unreadable-state", .type = PL_OPT_STATE,
	  PL_OPT_AT(struct hw_config, unreadable),
	  .help = N_("State of each sensor that cannot be read (an I/O error, an empty value, a "
		  "value that is not a number, a label without an input). Default warning: a "
		  "sensor that fails may be failing hardware. When no sensor at all can be read "
		  "the result is UNKNOWN whatever this says.") },
	{ .name = NULL },
};

/* --type temp,fan: each word adds a type. */
static int
hw_types(void *cfgp, const struct pl_option *o, const char *arg, char *err, size_t errlen)
{
	struct hw_config *cfg = cfgp;
	const char *p = arg;

	(void)o;
	do {
		size_t n = strcspn(p, ",");
		char word[16];
		enum pl_hwmon_type t;

		if (n == 0 || n >= sizeof(word))
			goto bad;
		memcpy(word, p, n);
		word[n] = '\0';
		if (pl_hwmon_type_parse(word, &t) != 0)
			goto bad;
		cfg->types |= 1u << t;
		p += n;
	} while (*p++ == ',');
	return 0;
bad:
	pl_snprintf(err, errlen, _("not a sensor type: give temp, fan, in, power or curr, or a "
		    "comma-separated list of them"));
	return -1;
}

static const char *const hw_primary[] = { "temp_*", NULL };

static const struct pl_plugin hw_plugin = {
	.selects =
		N_("--include and --exclude match a sensor's label ('temp_coretemp_core_0') or its "
		"chip ('coretemp', 'nvme_0000_01_00_0'). Every sensor is taken by default."),
	.name = "check_hwmon",
	.service = "HWMON",
	.purpose = N_("hardware sensors (temperatures, fans, voltages) from /sys/class/hwmon"),
	.description =
		N_("Reads every chip under /sys/class/hwmon (CPU packages and cores from coretemp "
		"or k10temp, NVMe drives, ACPI thermal zones, board monitors such as nct6775 or "
		"it87, power meters such as ina2xx): each chip's temperatures, fan speeds, "
		"voltages, power and current, their labels and limits, and the alarm and fault "
		"flags the hardware raises. It runs no program and needs no privileges.\n"
		"Without a range from you, each sensor is judged by the limits its chip carries: "
		"a temperature warns above its max and is critical above its crit; a fan warns "
		"below its min; a voltage (power, current) warns outside min:max and is critical "
		"outside lcrit:crit. A limit is the last acceptable value, as the ends of a range "
		"are: a temperature exactly at its max is OK, a fan exactly at its min is OK. "
		"Limits that mean \"none\" (a temperature max or crit of 0C, a fan min of 0, 0:0 "
		"windows, -273.15C, the 65261.85C of NVMe drives) are ignored. -w/-c and "
		"--warningx/--criticalx replace these defaults for the sensors they match.\n"
		"An alarm flag the chip raised is a finding of its own when the reading does not "
		"already pass the limit it refers to (alarms latch until read, some limits are "
		"not exposed): crit_alarm and lcrit_alarm are CRITICAL, other alarms WARNING, a "
		"fault flag is a WARNING 'sensor fault'. A chassis intrusion flag "
		"(intrusionN_alarm, latched until someone writes 0 to it) is a WARNING; --type "
		"and --no-alarms leave it out, and --exclude sees it as intrusion_<chip>_intrusionN.\n"
		"A sensor that cannot be read (EIO and ENODATA happen, values that are not "
		"numbers, a negative fan speed) is U in the perfdata and a finding with the "
		"reason, WARNING unless --unreadable-state says otherwise, and so is a limit or "
		"flag that exists but cannot be read (the sensor is judged without it); only "
		"when no sensor at all can be read is the result UNKNOWN. A host "
		"without hwmon chips (most VMs) is UNKNOWN: do not run this check there."),
	.options = hw_opts,
	.primary = hw_primary,
	.metrics =
		N_("temp_<chip>_<label> (degrees C), fan_<chip>_<label> (RPM), in_<chip>_<label> "
		"(volts), power_<chip>_<label> (watts), curr_<chip>_<label> (amperes). <chip> is "
		"the chip's name. When several chips share a name, each gets its device "
		"appended: the PCI address in the path of the chip's 'device' link, else the "
		"link's last component, in the same lowercase form (nvme_0000_01_00_0): it "
		"stays with the hardware across reboots, where the hwmonN and nvmeN numbers "
		"follow probe order. Only a chip without a "
		"device link (or sharing it with another chip of the name) gets _0, _1... in "
		"hwmonN order instead (acpitz_0, acpitz_1). <label> is the sensor's label in lowercase with anything "
		"other than letters and digits turned into '_' ('Package id 0' is package_id_0), "
		"or the attribute name (temp1, in0) when the driver gives no label. -w/-c apply "
		"to every temp_* sensor."),
	.examples =
		N_("  check_hwmon\n"
		"      Every sensor, judged by the chips' own limits and alarm flags.\n"
		"  check_hwmon -w 75 -c 90\n"
		"      Warn when any temperature passes 75C, critical above 90C.\n"
		"  check_hwmon --warningx 'temp_coretemp_*=~:80' --criticalx 'fan_*=300:'\n"
		"      Own limits for the CPU cores, and critical when a fan runs below 300 RPM.\n"
		"  check_hwmon --type temp --exclude acpitz\n"
		"      Temperatures only, without the ACPI thermal zones.\n"
		"  check_hwmon --include 'nvme*' --warningx 'temp_nvme*_composite=~:70'\n"
		"      Only the NVMe drives, warning above 70C.\n"
		"  check_hwmon --exclude 'fan_nct6775_fan1' --no-alarms\n"
		"      Leave out an unconnected fan header and ignore the chip's alarm flags.\n"),
	.uses_state = false,
};

/* The chip as people see it: its name, or its id when several chips share the name. */
static const char *
chip_shown(const struct pl_hwmon_chip *c)
{
	return c->shared ? c->id : c->name;
}

struct hw_summary {
	size_t n, unreadable;
	const struct pl_hwmon_chip *hot_chip;
	const struct pl_hwmon_sensor *hot;
	const struct pl_metric *hot_m;     /* its metric: the summary's figure is tied to it */
	double fan_lo, fan_hi;
	size_t fans;
	char first_why[160];
};

/* The chip's item, added when its first sensor or flag is taken (a chip the selection
 * leaves out shows nowhere). */
static struct pl_item *
chip_item(struct pl_result *r, const struct pl_hwmon_chip *c, struct pl_item **it)
{
	if (*it == NULL) {
		*it = pl_result_item(r, "chip", chip_shown(c));
		if (c->devpath[0]) {
			char dev[sizeof(c->devpath) * 4];

			pl_name_str(dev, sizeof(dev), c->devpath);
			pl_item_fact(*it, "device", "%s", dev);
		}
	}
	return *it;
}

/* A metric of the chip's item under the label it had before items: temp_<chip>_<sensor>
 * puts the type first, which the item prefix rule (<chip>_...) cannot express, and graphs
 * and thresholds depend on these labels. So the metric is added by its label and then
 * placed in the chip's item, with the sensor's part of the label as its name. */
static struct pl_metric *
chip_metric(struct pl_item *it, const char *label, const char *name, double v, enum pl_unit u)
{
	struct pl_result *r = it->result;
	bool oom = r->oom;
	struct pl_metric *m = pl_metric_add(r, label, v, u);

	if (r->oom && !oom)
		return m;     /* the scratch metric: not the result's to keep */
	pl_metric_place(m, it, name);
	return m;
}

/* Why a sensor's metric has no value, and what the admin can do about it: an I/O error
 * may pass by the next run; a missing or malformed input, or a fault, lasts. */
static void
sensor_missing(struct pl_metric *m, const struct pl_hwmon_sensor *s, const char *label)
{
	char fix[PL_LABEL_MAX + 64];

	pl_snprintf(fix, sizeof(fix), _("check the sensor, or leave it out with --exclude %s"),
		    label);
	if (s->flags_set & PL_HWMON_FAULT)
		pl_metric_missing(m, PL_MISSING_LASTING, _("the chip flags the sensor as faulty"), fix);
	else
		pl_metric_missing(m, s->read_error ? PL_MISSING_RUN : PL_MISSING_LASTING, s->why,
				  s->read_error ? NULL : fix);
}

/* What the summary says of a sensor that could be read: the hottest, the fan range. */
static void
sensor_tally(const struct pl_hwmon_chip *c, const struct pl_hwmon_sensor *s,
	     struct hw_summary *sum)
{
	if (s->type == PL_HWMON_TEMP && (sum->hot == NULL || s->value > sum->hot->value)) {
		sum->hot = s;
		sum->hot_chip = c;
	}
	if (s->type == PL_HWMON_FAN && s->value > 0) {
		if (sum->fans == 0 || s->value < sum->fan_lo)
			sum->fan_lo = s->value;
		if (sum->fans == 0 || s->value > sum->fan_hi)
			sum->fan_hi = s->value;
		sum->fans++;
	}
}

/* One sensor, when the selection takes it: the verdict (pl_hwmon_judge) as a metric,
 * findings and a line of the chip's item. */
static void
hw_sensor(const struct hw_config *cfg, const struct pl_common *com, struct pl_result *r,
	  const struct pl_hwmon_chip *c, size_t k, struct pl_item **itp, struct hw_summary *sum)
{
	const struct pl_hwmon_sensor *s = &c->sensors[k];
	const struct pl_hwmon_policy pol = { !cfg->no_alarms, cfg->unreadable };
	char label[PL_LABEL_MAX], part[PL_LABEL_MAX];
	const char *names[3] = { label, c->id, c->name };
	struct pl_hwmon_verdict v;
	struct pl_metric *m;
	struct pl_item *it;

	pl_hwmon_metric_label(c, k, label, sizeof(label), part, sizeof(part));
	if (cfg->types && !(cfg->types & (1u << s->type)))
		return;
	if (!pl_select_take(&com->select, names, 3, true))
		return;
	sum->n++;
	pl_hwmon_judge(s, &pol, &v);
	it = chip_item(r, c, itp);
	m = chip_metric(it, label, part, v.value, pl_hwmon_type_unit(s->type));
	m->warn = v.warn;
	m->crit = v.crit;
	if (s->type == PL_HWMON_POWER || s->type == PL_HWMON_CURR)
		m->prec = 3;
	if (isnan(v.value))
		sensor_missing(m, s, label);
	if (isnan(s->value)) {
		char chip[sizeof(c->id) * 4], lab[sizeof(s->label) * 4];

		sum->unreadable++;
		pl_name_str(chip, sizeof(chip), chip_shown(c));
		pl_name_str(lab, sizeof(lab), s->label);
		if (sum->first_why[0] == '\0')
			pl_snprintf(sum->first_why, sizeof(sum->first_why), "%s %s: %s", chip, lab,
				    s->why);
		pl_debug(com, 1, "%s (%s/%s): %s", label, chip, s->attr, s->why);
	} else {
		sensor_tally(c, s, sum);
		if (sum->hot == s)
			sum->hot_m = m;
	}
	pl_item_findings(it, &v.findings);
	pl_item_line(it, "%s", v.line);
}

/* Chassis intrusion flags: a finding each while set (the flag latches until someone
 * clears it). They belong to no sensor type, so --type leaves them out; --include and
 * --exclude see them as intrusion_<chip>_intrusionN, beside the chip's names. */
static void
hw_intrusion(const struct hw_config *cfg, const struct pl_common *com, struct pl_result *r,
	     const struct pl_hwmon_chip *c, struct pl_item **itp)
{
	if (cfg->no_alarms || cfg->types != 0)
		return;
	for (unsigned i = 0; i < 32; i++) {
		char label[PL_LABEL_MAX], attr[24];
		const char *names[3] = { label, c->id, c->name };

		if (!(c->intrusion_present & (1u << i)))
			continue;
		pl_snprintf(attr, sizeof(attr), "intrusion%u", i);
		pl_snprintf(label, sizeof(label), "intrusion_%s_%s", c->id, attr);
		if (!pl_select_take(&com->select, names, 3, true))
			continue;
		if (c->intrusion_bad & (1u << i))
			pl_item_finding(chip_item(r, c, itp), cfg->unreadable,
					_("%s alarm flag %s_alarm unreadable"), attr, attr);
		else if (c->intrusion_set & (1u << i))
			pl_item_finding(chip_item(r, c, itp), PL_WARNING,
					_("chassis intrusion detected (%s_alarm; write 0 to it "
					"once the case is checked)"), attr);
		else
			pl_item_line(chip_item(r, c, itp), _("%s no intrusion"), attr);
	}
}

static void
hw_summary(struct pl_result *r, const struct hw_summary *sum)
{
	struct pl_buf b = PL_BUF_INIT;
	char h1[32], h2[32];

	pl_buf_init(&b, 512);
	pl_buf_printf(&b, P_("%zu sensor", "%zu sensors", sum->n), sum->n);
	if (sum->hot != NULL) {
		const struct pl_hwmon_sensor *s = sum->hot;
		struct pl_range w, c;
		char chip[sizeof(sum->hot_chip->id) * 4], lab[sizeof(s->label) * 4];

		pl_hwmon_default_ranges(s, &w, &c);
		pl_name_str(chip, sizeof(chip), chip_shown(sum->hot_chip));
		pl_name_str(lab, sizeof(lab), s->label);
		pl_result_summary(r, "%s, ", pl_buf_str(&b));
		pl_buf_reset(&b);
		/* Tied to its metric: a breach is named there, not again before. */
		pl_result_summary_metric(r, sum->hot_m, _("hottest %s %s %s"), chip, lab,
					 pl_unit_human(h1, sizeof(h1), s->value, PL_U_CELSIUS));
		if (w.set || c.set) {
			pl_result_summary_add(r, " ");
			pl_result_summary_aside(r, sum->hot_m, _("(%s %s)"), w.set ? "max" : "crit",
						pl_unit_human(h2, sizeof(h2),
							      w.set ? w.end : c.end,
							      PL_U_CELSIUS));
		}
	}
	if (sum->fans == 1)
		pl_buf_printf(&b, _(", fan %s"), pl_unit_human(h1, sizeof(h1), sum->fan_lo, PL_U_RPM));
	else if (sum->fans > 1)
		pl_buf_printf(&b, _(", fans %s-%s"), pl_unit_human(h1, sizeof(h1), sum->fan_lo,
								  PL_U_NONE),
			      pl_unit_human(h2, sizeof(h2), sum->fan_hi, PL_U_RPM));
	if (sum->unreadable)
		pl_buf_printf(&b, _(", %zu unreadable"), sum->unreadable);
	if (sum->hot != NULL)
		pl_result_summary_add(r, "%s", pl_buf_str(&b));
	else
		pl_result_summary(r, "%s", pl_buf_str(&b));
	pl_buf_free(&b);
}

/* Reads every chip below the root. Dies UNKNOWN when the tree cannot be read or holds
 * no chip (a VM). */
static void
hw_collect(const struct pl_common *c, struct pl_hwmon *hw)
{
	char err[512];

	pl_timeout_waiting(_("reading /sys/class/hwmon"));
	if (pl_hwmon_read(c->root, hw, err, sizeof(err)) != 0) {
		if (errno != ENOENT)
			pl_die(PL_UNKNOWN, "%s", err);
		hw->nchips = 0;
		hw->chips = NULL;
	}
	if (hw->nchips == 0)
		pl_die(PL_UNKNOWN, _("no sensors in /sys/class/hwmon (a VM?): load a driver such as "
		       "coretemp, or do not run this check here"));
}

/* Every chip's sensors and intrusion flags, then the summary. A host where nothing is
 * left to judge is UNKNOWN, saying why. */
static void
hw_evaluate(const struct hw_config *cfg, const struct pl_common *c, const struct pl_hwmon *hw,
	    struct pl_result *r)
{
	struct hw_summary sum;
	size_t total = 0;

	memset(&sum, 0, sizeof(sum));
	for (size_t i = 0; i < hw->nchips; i++) {
		struct pl_item *it = NULL;

		total += hw->chips[i].nsensors;
		for (size_t k = 0; k < hw->chips[i].nsensors; k++)
			hw_sensor(cfg, c, r, &hw->chips[i], k, &it, &sum);
		hw_intrusion(cfg, c, r, &hw->chips[i], &it);
	}
	if (total == 0)
		pl_die(PL_UNKNOWN, P_("%zu hwmon chip under /sys/class/hwmon but no sensor with an "
				      "input: nothing to check here",
				      "%zu hwmon chips under /sys/class/hwmon but no sensor with an "
				      "input: nothing to check here", hw->nchips), hw->nchips);
	if (sum.n == 0)
		pl_die(PL_UNKNOWN, _("no sensor left after --type/--include/--exclude (%zu sensors "
		       "found; see the labels with: check_hwmon --output-format json)"), total);
	if (sum.unreadable == sum.n)
		pl_die(PL_UNKNOWN, _("no sensor could be read (%zu found; %s)"), sum.n, sum.first_why);
	hw_summary(r, &sum);
}

/* A host-group config must work on every host: a threshold on a sensor type this host
 * lacks ("--criticalx 'fan_*=300:'" where there is no fan) is about sensors another host
 * has, as a threshold on an array this host lacks is for check_mdraid; a misspelt type
 * ("fna_*") is still a usage error. */
static void
hw_families(struct pl_result *r)
{
	static const char *const prefix[PL_HWMON_NTYPES] = {
		"temp_", "fan_", "in_", "power_", "curr_",
	};
	static const char *const kind[PL_HWMON_NTYPES] = {
		N_("temperature sensor"), N_("fan"), N_("voltage sensor"), N_("power sensor"),
		N_("current sensor"),
	};

	for (int t = 0; t < PL_HWMON_NTYPES; t++)
		pl_result_expect_family(r, prefix[t], pl_tr(kind[t]));
}

int
main(int argc, char **argv)
{
	struct hw_config cfg;
	struct pl_common c;
	struct pl_hwmon hw;
	struct pl_result r;

	memset(&cfg, 0, sizeof(cfg));
	cfg.unreadable = PL_WARNING;
	pl_plugin_parse(&hw_plugin, argc, argv, &cfg, &c);
	pl_plugin_arm(&c);
	pl_result_init(&r, hw_plugin.name, hw_plugin.service);
	hw_families(&r);
	hw_collect(&c, &hw);
	hw_evaluate(&cfg, &c, &hw, &r);
	pl_hwmon_free(&hw);
	pl_exit(&r, &c);
}
