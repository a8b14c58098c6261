#!/usr/bin/python3
# A reboot, as the state store sees it: each state slot file named gets another boot id
# and is signed again with its XXH64 end line, as pl_store writes it (an edited file
# without it is corrupt and never read). Used by the integration tests whose state must
# survive a reboot (kept entries: cursors, baselines).
#   state-reboot.py BOOT_ID FILE...
import re, sys, struct
M = (1 << 64) - 1
P1, P2, P3, P4, P5 = 0x9E3779B185EBCA87, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x85EBCA77C2B2AE63, 0x27D4EB2F165667C5
def rotl(x, r): return ((x << r) | (x >> (64 - r))) & M
def rnd(acc, v): return (rotl((acc + v * P2) & M, 31) * P1) & M
def merge(h, v): return (((h ^ rnd(0, v)) * P1) + P4) & M
def xxh64(b, seed=0):
    n, i = len(b), 0
    if n >= 32:
        v = [(seed + P1 + P2) & M, (seed + P2) & M, seed, (seed - P1) & M]
        while i + 32 <= n:
            for k in range(4):
                v[k] = rnd(v[k], struct.unpack_from('<Q', b, i + 8 * k)[0])
            i += 32
        h = (rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18)) & M
        for k in range(4): h = merge(h, v[k])
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 8 <= n:
        h ^= rnd(0, struct.unpack_from('<Q', b, i)[0]); h = (rotl(h, 27) * P1 + P4) & M; i += 8
    if i + 4 <= n:
        h ^= (struct.unpack_from('<I', b, i)[0] * P1) & M; h = (rotl(h, 23) * P2 + P3) & M; i += 4
    while i < n:
        h ^= (b[i] * P5) & M; h = (rotl(h, 11) * P1) & M; i += 1
    h ^= h >> 33; h = (h * P2) & M; h ^= h >> 29; h = (h * P3) & M; h ^= h >> 32
    return h
boot = sys.argv[1].encode()
for f in sys.argv[2:]:
    data = open(f, 'rb').read()
    body, _, last = data.rstrip(b'\n').rpartition(b'\n')
    body = re.sub(rb'(?m)^boot_id .*$', b'boot_id ' + boot, body + b'\n')
    open(f, 'wb').write(body + b'end %016x\n' % xxh64(body))
