/* pl_nft: nftables' JSON ruleset (`nft -j list ruleset`) into the firewall model of
 * pl_firewall.h. Links json-c (through pl_json); built into libpl_json.a.
 *
 * The document is {"nftables": [{"metainfo": ...}, {"table": ...}, {"set": ...},
 * {"map": ...}, {"chain": ...}, {"rule": ...}, ...]} (libnftables-json(5)). Tables,
 * chains, sets and maps are read first, then the rules, so that a rule may name a set
 * wherever it stands. Handles and counters are left out of the normalized text; the
 * elements of anonymous and named sets are sorted; a rule is written in nft's own words
 * where the model knows them ("tcp dport { 22, 80 } accept") and as canonical JSON
 * where it does not, so that no change is lost to the drift hash. The elements of sets
 * the kernel fills by itself (flags dynamic or timeout: ban lists) are left out of the
 * text: they change all day without anyone touching the ruleset.
 *
 * Named counters, quotas, limits, flowtables and ct objects hold state, not policy: they
 * are not part of the model. */
#ifndef PL_NFT_H
#define PL_NFT_H

#include <stddef.h>

#include "pl_firewall.h"

/* Parses len bytes of nft's JSON into rs (tables of source PL_FW_SRC_NFT; rs may hold
 * others already) and finishes it (pl_fw_finish). Returns 0, or -1 with why in err: not
 * JSON (with the line and column), no "nftables" array, a chain or rule of a table not
 * listed, a rule of a chain not listed, a member of the wrong type. */
int pl_nft_parse(const char *buf, size_t len, struct pl_fw_ruleset *rs, char *err,
		 size_t errlen);

#endif
