/* pl_nettcp: TCP sockets from /proc/net/tcp and /proc/net/tcp6, for counting the
 * connections a local server has without asking the server (no credentials needed).
 *
 * Both files have one header line ("  sl  local_address rem_address   st ..."), then one
 * line per socket: "N: LOCAL:PORT REMOTE:PORT ST ...", addresses and ports in upper-case
 * hex. The kernel prints an address as the 32-bit words it holds in network order, each
 * with %08X, so the text is in the byte order of the machine that wrote it: read on the
 * same machine (the only use: the files are the reader's network namespace's), the words
 * give the address bytes back. Ports are plain numbers. ST is the kernel's TCP state
 * (01 established, 0A listening). Fields after ST are ignored (a kernel may add some).
 *
 * The parser is a pure function over the file's text. */
#ifndef PL_NETTCP_H
#define PL_NETTCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PL_TCP_ESTABLISHED 0x01
#define PL_TCP_LISTEN 0x0A
/* More sockets than this in one file is not a real one (a busy server has some 10^5). */
#define PL_NETTCP_MAX 4000000
/* An address as text: "ffff:ffff:...%" fits in INET6_ADDRSTRLEN (46). */
#define PL_TCP_ADDR_MAX 48

struct pl_tcp_sock {
	uint8_t local[16], remote[16];  /* network byte order; IPv4 in the first 4 bytes */
	uint16_t lport, rport;
	uint8_t state;
	uint8_t v6;                     /* from /proc/net/tcp6 */
};

/* The sockets of one or more files (appended). Owned by the struct; pl_nettcp_free. */
struct pl_tcp_table {
	struct pl_tcp_sock *v;
	size_t n, cap;
	size_t nbad;                    /* lines that are no socket line, left out */
	size_t bad_line;                /* the first of them (its line number), 0: none */
	const char *bad_why;            /* why (static text), NULL: none */
	char bad_file[64];              /* in which file (the name given to the parser) */
};

/* Parses the text of /proc/net/tcp (v6 false) or /proc/net/tcp6 (v6 true), named file in
 * messages, appending its sockets to t (zero-initialise t before the first call). A
 * missing or wrong header, or more than PL_NETTCP_MAX sockets, is an error; a line that is
 * not a socket line (a bad address, a cut last line) is left out and counted in t->nbad
 * with the first one's number and reason, so one odd line never hides the others.
 * Returns 0, or -1 with why in err. */
int pl_nettcp_parse(const char *buf, size_t len, bool v6, const char *file,
		    struct pl_tcp_table *t, char *err, size_t errlen);
void pl_nettcp_free(struct pl_tcp_table *t);

/* The remote (remote true) or local address of s as text: dotted IPv4, or IPv6 as
 * inet_ntop writes it; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is written as the
 * IPv4 address it is. Returns out. */
char *pl_tcp_addr(const struct pl_tcp_sock *s, bool remote, char *out, size_t len);

/* Established connections to local port port (the server's side: connections this host
 * made to that port elsewhere are not counted), and in *listening (may be NULL) how many
 * sockets listen on it. */
size_t pl_nettcp_count(const struct pl_tcp_table *t, uint16_t port, size_t *listening);

/* The established connections to local port port, grouped by remote address: *peers
 * gets an array (the caller frees it) of *n addresses with their counts, most
 * connections first, then by address text. Returns 0, or -1 when out of memory. */
struct pl_tcp_peer {
	char addr[PL_TCP_ADDR_MAX];
	size_t count;
};
int pl_nettcp_peers(const struct pl_tcp_table *t, uint16_t port, struct pl_tcp_peer **peers,
		    size_t *n);

#endif
