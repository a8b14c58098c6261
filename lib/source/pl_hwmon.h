/* pl_hwmon: hardware sensors from /sys/class/hwmon, as the kernel's hwmon sysfs
 * interface (Documentation/hwmon/sysfs-interface.rst) defines them.
 *
 * Each /sys/class/hwmon/hwmonN is one chip: a 'name' file and one small file per
 * attribute, <type><index>_<item>: temp1_input, fan2_min, in0_max, temp3_crit_alarm...
 * Values are integers in fixed kernel units: millidegrees Celsius, RPM, millivolts,
 * microwatts, milliamperes; alarm and fault flags are 0 or 1. This module turns them
 * into sensors in the suite's base units (degrees Celsius, RPM, volts, watts, amperes).
 *
 * The parsers (a value, a label, an attribute name, the default ranges) are pure
 * functions; pl_hwmon_read() is the thin wrapper that walks the tree below a root. */
#ifndef PL_HWMON_H
#define PL_HWMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pl_range.h"
#include "pl_result.h"
#include "pl_unit.h"

enum pl_hwmon_type {
	PL_HWMON_TEMP = 0,    /* temp<N>_input, millidegrees Celsius */
	PL_HWMON_FAN,         /* fan<N>_input, RPM */
	PL_HWMON_IN,          /* in<N>_input, millivolts */
	PL_HWMON_POWER,       /* power<N>_input (or _average), microwatts */
	PL_HWMON_CURR,        /* curr<N>_input, milliamperes */
	PL_HWMON_NTYPES
};

/* The attribute prefix of a type: "temp", "fan", "in", "power", "curr". */
const char *pl_hwmon_type_name(enum pl_hwmon_type t);
/* Parses a type name as --type takes it ("temp", "fan", "in", "power", "curr"; "volt"
 * and "voltage" also mean "in"). Returns 0, or -1 when the name is none of them. */
int pl_hwmon_type_parse(const char *s, enum pl_hwmon_type *out);
/* The unit sensors of a type are reported in (PL_U_NONE for watts and amperes, which
 * pl_unit does not know). */
enum pl_unit pl_hwmon_type_unit(enum pl_hwmon_type t);
/* How many kernel units make one base unit: 1000 for millidegrees, 1 for RPM, 1e6 for
 * microwatts. Dividing (rather than multiplying by 0.001) keeps 81850 exactly 81.85. */
double pl_hwmon_type_divisor(enum pl_hwmon_type t);

/* Parses the text of one attribute: an optional '-', decimal digits, and at most one
 * trailing newline, nothing else (no blanks, no '+', no hex). [buf, buf + len) need not
 * be NUL-terminated. Returns 0 and sets *out, or -1 when the text is empty, malformed
 * or does not fit in an int64_t. */
int pl_hwmon_value_parse(const char *buf, size_t len, int64_t *out);

/* Turns a chip name or sensor label ("Package id 0", "CPU Fan", "in0") into the form
 * perfdata labels use: lowercase letters, digits and '_'; any other byte becomes '_',
 * runs of '_' collapse to one and leading or trailing '_' are dropped. Reads at most len
 * bytes of in (stopping at a NUL or newline) and writes at most outlen - 1 bytes plus a
 * NUL. A label with nothing left ("", "---") becomes "". Returns the length written. */
size_t pl_hwmon_sanitize(const char *in, size_t len, char *out, size_t outlen);

/* Splits an attribute file name ("temp12_crit_alarm", "in0_input") into its type, its
 * index and the item after the first '_' ("crit_alarm", "input"; "" when there is none).
 * Returns 0, or -1 when the name is not a sensor attribute of a known type ("name",
 * "pwm1", "intrusion0_alarm", "temp_auto", "temp1x_input", an index above 9999). */
int pl_hwmon_attr_split(const char *name, enum pl_hwmon_type *type, unsigned *index,
			const char **item);

/* Flags of a sensor: bit set when the attribute exists, and when it reads 1. */
enum {
	PL_HWMON_ALARM = 1u << 0,        /* <x>_alarm: the chip's generic alarm */
	PL_HWMON_MIN_ALARM = 1u << 1,
	PL_HWMON_MAX_ALARM = 1u << 2,
	PL_HWMON_LCRIT_ALARM = 1u << 3,
	PL_HWMON_CRIT_ALARM = 1u << 4,
	PL_HWMON_FAULT = 1u << 5,        /* <x>_fault: the sensor itself is faulty */
};

struct pl_hwmon_sensor {
	enum pl_hwmon_type type;
	unsigned index;            /* the N of temp<N> */
	char attr[24];             /* "temp1": the attribute base */
	char label[64];            /* the <x>_label text, or attr when there is none */
	bool labelled;             /* label came from <x>_label */
	double value;              /* in the base unit; NAN when it could not be read */
	bool read_error;           /* NAN because reading failed (EIO, ENODATA: may pass), not
				    * because the input is missing or malformed */
	char why[96];              /* why value is NAN: "cannot read temp2_input: ..." */
	char brief[48];            /* the same in a few words for a status line: "value 'N/A'",
				    * "Input/output error", "empty value", "no temp2_input" */
	/* Kernel limits in the base unit, NAN when the chip does not give them. */
	double min, max, lcrit, crit;
	unsigned flags_present;    /* PL_HWMON_* attributes that exist */
	unsigned flags_set;        /* PL_HWMON_* attributes that read 1 */
	/* Limits and flags that exist but cannot be read or are not numbers (temp1_crit
	 * holding "abc"): the sensor is judged without them, and says so. */
	unsigned nbad;
	char bad[112];             /* the first: "limit temp1_crit holds 'abc', not a number" */
};

struct pl_hwmon_chip {
	unsigned hwmon;            /* the N of hwmonN */
	char name[64];             /* the 'name' file, or "hwmonN" when there is none */
	char device[48];           /* sanitized basename of the hwmonN/device link ("0000:01:00.0"
				    * is "0000_01_00_0"); "" when there is no such link */
	char id[112];              /* sanitized name, with "_<device>" or "_<k>" when names
				    * repeat */
	bool shared;               /* another chip has the same name: id tells them apart */
	char devpath[256];         /* the device the chip belongs to, as a path below the root
				    * ("/sys/devices/pci0000:00/0000:01:00.0/nvme/nvme0");
				    * "" when there is no device link */
	/* Chassis intrusion flags (intrusion<N>_alarm, N < 32): bit N set when the file
	 * exists, when it reads 1 ("intrusion detected"), when it cannot be read. */
	uint32_t intrusion_present, intrusion_set, intrusion_bad;
	struct pl_hwmon_sensor *sensors;
	size_t nsensors;
};

struct pl_hwmon {
	struct pl_hwmon_chip *chips;   /* ordered by hwmonN number */
	size_t nchips;
};

/* True when a limit of a sensor of type t means "no limit": NAN (not given), and for a
 * temperature 0C (unprogrammed, as a fan minimum of 0 is), at or below absolute zero, or
 * at or above 65261.85C (the 0xFFFF kelvin NVMe drives report); for a fan 0 RPM. */
bool pl_hwmon_limit_none(enum pl_hwmon_type t, double v);

/* Default ranges from the kernel's limits, as the check applies them when the user
 * gives none: temperature warns above max (~:max) and is critical above crit (~:crit);
 * fan warns below min (min:); voltage, power and current warn outside min:max and are
 * critical outside lcrit:crit (one-sided when only one end is given). A limit is the
 * last acceptable value, as the ends of a Nagios range are: a temperature exactly at
 * max is OK, a fan exactly at min is OK. Limits that mean "no limit"
 * (pl_hwmon_limit_none) are ignored, and so is a window whose upper end is not above
 * its lower end (chips with unprogrammed limits read 0:0).
 * Sets *warn and *crit (unset ranges when there is no usable limit). */
void pl_hwmon_default_ranges(const struct pl_hwmon_sensor *s, struct pl_range *warn,
			     struct pl_range *crit);

/* The perfdata label of sensor k of chip c, <type>_<chip id>_<sensor> (temp_coretemp_core_0),
 * into buf, and its sensor part (temp_core_0) into part. <sensor> is the sanitized label,
 * or the attribute name when nothing is left of it; two sensors of one chip and type with
 * the same label stay apart by the later one's index (temp_nvme_composite_2), or by
 * "__<index>" when that form is another sensor's label (labels "same", "same", "same_2"
 * give same, same__2, same_2): no two sensors share a label. It depends only on the
 * chip, not on which sensors a check takes. */
void pl_hwmon_metric_label(const struct pl_hwmon_chip *c, size_t k, char *buf, size_t len,
			   char *part, size_t partlen);

/* A value for people: "54C", "1165rpm", "3.36V", "14.47W", "1.204A" ("unknown" for NAN). */
void pl_hwmon_value_text(enum pl_hwmon_type t, double v, char *buf, size_t len);
/* "lcrit 1.3V, min 1.4V, max 1.6V, crit 1.7V": the limits of s that mean something (see
 * pl_hwmon_limit_none), for messages; "" when there are none. */
void pl_hwmon_limits_text(const struct pl_hwmon_sensor *s, char *buf, size_t len);

/* What the admin chose: whether alarm flags count, and the state of what cannot be read. */
struct pl_hwmon_policy {
	bool alarms;
	enum pl_state unreadable;
};

/* The verdict on one sensor. Texts name the sensor by its label, not its chip. */
struct pl_hwmon_verdict {
	double value;              /* for the metric: NAN when unreadable or faulty */
	struct pl_range warn, crit;   /* the chip's limits as ranges (pl_hwmon_default_ranges) */
	char line[256];            /* "Core 1 47C (max 100C, crit 100C)", "... , ALARM" */
	struct pl_findings findings;  /* for the chip's item (pl_item_findings) */
};

/* Judges sensor s under policy p. Findings, in this order: the sensor cannot be read
 * (p->unreadable); a limit or flag cannot be read (p->unreadable); with p->alarms, each
 * alarm flag the chip raised unless the reading already passes the limit it refers to
 * (then the metric's default range reports it, and a user range that replaces the
 * default is the user's word on it): crit and lcrit alarms CRITICAL, others WARNING; a
 * fault flag, WARNING. A faulty sensor reads nonsense, so its value is NAN. The ranges
 * are for the metric; the verdict judges no reading against them itself. Pure. */
void pl_hwmon_judge(const struct pl_hwmon_sensor *s, const struct pl_hwmon_policy *p,
		    struct pl_hwmon_verdict *v);

/* Reads every chip under <root>/sys/class/hwmon into *out (zeroed first; free with
 * pl_hwmon_free). Attributes are looked for in hwmonN/ and, for chips that have none
 * there (kernels before 3.x put them beside the device), in hwmonN/device/. A sensor
 * exists when its <x>_input or <x>_label exists; one whose input is missing, unreadable
 * (EIO, ENODATA) or malformed has value NAN and says why. Labels and names are kept
 * whole up to the size of their fields, as the files give them (any bytes but NUL):
 * texts show them escaped (pl_name_escape), as the verdict's do.
 * A fan speed below 0 and a temperature below absolute zero (-273.15C) are faulty
 * readings and make the value NAN, as a malformed one does. A limit or flag that exists
 * but cannot be read is counted in nbad (and bad says which), never silently dropped.
 * Chips are ordered by N and get their ids here: the sanitized name alone when no other
 * chip has the same one; otherwise the name and the chip's device (the basename of the
 * hwmonN/device symlink), which stays with the hardware across reboots where hwmonN
 * follows probe order. A chip without a device link, or whose device does not tell it
 * apart from another chip of its name, gets instead its rank (0, 1...) in hwmonN order
 * among the chips of that name. An id so made that is another chip's name or id takes
 * "<name>__<rank>" instead (no sanitized name has "__"), so chip ids never repeat; so
 * does the later of two chips whose sensors would share a perfdata label (chip "a" with
 * label "b c" and chip "a_b" with label "c": temp_a_b_c), so labels never repeat either.
 * Returns 0 (possibly with no chips), or -1 with why in err when the directory is
 * missing (errno ENOENT) or cannot be listed, or memory runs out. */
int pl_hwmon_read(const char *root, struct pl_hwmon *out, char *err, size_t errlen);
void pl_hwmon_free(struct pl_hwmon *h);

#endif
