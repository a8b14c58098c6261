/* Fuzz target: pl_fw_parse_iptables over arbitrary bytes (iptables-save), as IPv4 and
 * as IPv6, then the judgements and the normalized text over what it gives; and the
 * frontends' words over the same bytes (ufw.conf's ENABLED, firewall-cmd --state): none
 * may crash, leak or read past the input (not NUL-terminated here); a failure must say
 * why.
 * fuzz-seeds: ufw/iptables-nft-save ufw/ip6tables-nft-save ufw/ufw.conf-enabled ufw/ufw.conf-variants firewalld/state-running.stdout firewalld/state-not-running.stderr iptables-nft/iptables-nft-save iptables-nft/ip6tables-nft-save iptables-nft/iptables-nft-save-counters legacy-only/iptables-legacy-save hidden-legacy/iptables-legacy-save broken/iptables-no-commit broken/iptables-undeclared iptables-dnat/iptables-nft-save iptables-dnat/ip6tables-nft-save iptables-nat-reach/iptables-nft-save iptables-kube-proxy/iptables-nft-save */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_firewall.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], why[256];
	char *copy = malloc(size > 0 ? size : 1);

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (pl_fw_ufw_enabled(copy, size) < -1 ||
	    pl_fw_firewalld_state(copy, size, copy, size, size > 0 ? data[0] : 0) < -1)
		abort();
	for (int v6 = 0; v6 < 2; v6++) {
		struct pl_fw_ruleset rs;

		pl_fw_init(&rs);
		err[0] = '\0';
		if (pl_fw_parse_iptables(copy, size, v6, PL_FW_SRC_IPT_LEGACY, &rs, err,
					 sizeof(err)) == 0) {
			struct pl_buf a = PL_BUF_INIT;
			struct pl_fw_input in;
			struct pl_fw_counts n;

			pl_fw_input_path(&rs, v6 ? PL_FW_V6 : PL_FW_V4, &in);
			(void)pl_fw_port_open(&rs, v6 ? PL_FW_V6 : PL_FW_V4, 6, 3306, why,
					      sizeof(why));
			pl_fw_count(&rs, PL_FW_SRC_IPT_LEGACY, &n);
			if (n.rules != rs.nrules ||
			    pl_fw_chains_prefixed(&rs, "ufw-") > rs.nchains ||
			    pl_fw_tables_named(&rs, "filter") > rs.ntables)
				abort();
			pl_fw_normalize(&rs, &a);
			pl_buf_free(&a);
		} else if (err[0] == '\0') {
			abort();
		}
		pl_fw_free(&rs);
	}
	free(copy);
	return 0;
}
