/* Fuzz target: pl_nft_parse over arbitrary bytes (nft -j list ruleset), then every
 * judgement and the normalized text over what it gives: none may crash, leak or read
 * past the input (not NUL-terminated here); a failure must say why, and the normalized
 * text of a parsed ruleset must be the same when taken twice.
 * fuzz-libs: json-c
 * fuzz-seeds: nft-basic/nft.json nft-vmap/nft.json nft-split/nft.json iptables-nft/nft.json nft-bridge-only/nft.json hidden-legacy/nft.json broken/nft-truncated.json broken/nft-orphan-rule.json firewalld/nft.json firewalld-forward-port/nft.json iptables-dnat/nft.json nft-nat-reach/nft.json iptables-nat-reach/nft.json */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pl_buf.h"
#include "pl_firewall.h"
#include "pl_nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "", why[256];
	char *copy = malloc(size > 0 ? size : 1);
	struct pl_fw_ruleset rs;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	pl_fw_init(&rs);
	if (pl_nft_parse(copy, size, &rs, err, sizeof(err)) == 0) {
		struct pl_buf a = PL_BUF_INIT, b = PL_BUF_INIT;
		struct pl_fw_input in;
		struct pl_fw_diff d;

		pl_fw_input_path(&rs, PL_FW_V4, &in);
		pl_fw_input_path(&rs, PL_FW_V6, &in);
		(void)pl_fw_port_open(&rs, PL_FW_V4, 6, 22, why, sizeof(why));
		(void)pl_fw_port_open(&rs, PL_FW_V6, 17, 53, why, sizeof(why));
		pl_fw_normalize(&rs, &a);
		pl_fw_normalize(&rs, &b);
		if (strcmp(pl_buf_str(&a), pl_buf_str(&b)) != 0)
			abort();
		if (pl_fw_diff(a.data, a.len, "", 0, &d) == 0 && d.rules_removed != rs.nrules &&
		    !a.truncated)
			abort();
		pl_buf_free(&a);
		pl_buf_free(&b);
	} else if (err[0] == '\0') {
		abort();
	}
	pl_fw_free(&rs);
	free(copy);
	return 0;
}
