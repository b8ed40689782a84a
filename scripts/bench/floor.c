/* The "practical floor" for the tcpwatch benchmarks.
 *
 *   cc -O2 -o floor scripts/bench/floor.c && ./floor capture.pcap
 *
 * Reads a classic pcap file with read(2) in 4 MiB chunks, walks the records,
 * parses Ethernet / 802.1Q / IPv4 / IPv6 (skipping the usual extension
 * headers) / TCP / UDP, and keeps a direction-independent 5-tuple table
 * (open addressing, linear probing, grows at 50% load) with packet and byte
 * counts per flow. Prints the number of packets and flows. No output per
 * packet: this is what "read every record and key it by conversation"
 * costs when nothing else is done.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (4u << 20)

struct key {
    uint8_t a[16], b[16]; /* addresses, the smaller (a, pa) first */
    uint16_t pa, pb;
    uint8_t proto, v6;
};

struct flow {
    struct key k;
    uint64_t packets, bytes;
    uint8_t used;
};

static struct flow *table;
static size_t cap = 1 << 12, nflows;

static uint64_t hash_key(const struct key *k) {
    /* FNV-1a over the key bytes, then a final mix. */
    const uint8_t *p = (const uint8_t *)k;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < sizeof *k; i++) { h ^= p[i]; h *= 1099511628211ull; }
    h ^= h >> 29; h *= 0xbf58476d1ce4e5b9ull; h ^= h >> 32;
    return h;
}

static struct flow *lookup(struct flow *t, size_t c, const struct key *k) {
    size_t i = hash_key(k) & (c - 1);
    for (;;) {
        struct flow *f = &t[i];
        if (!f->used || memcmp(&f->k, k, sizeof *k) == 0) return f;
        i = (i + 1) & (c - 1);
    }
}

static void grow(void) {
    size_t nc = cap * 2;
    struct flow *nt = calloc(nc, sizeof *nt);
    if (!nt) { perror("calloc"); exit(2); }
    for (size_t i = 0; i < cap; i++)
        if (table[i].used) *lookup(nt, nc, &table[i].k) = table[i];
    free(table);
    table = nt;
    cap = nc;
}

static void account(struct key *k, uint32_t len) {
    /* direction-independent: order the endpoints */
    int alen = k->v6 ? 16 : 4;
    int c = memcmp(k->a, k->b, alen);
    if (c > 0 || (c == 0 && k->pa > k->pb)) {
        uint8_t t[16]; memcpy(t, k->a, 16); memcpy(k->a, k->b, 16); memcpy(k->b, t, 16);
        uint16_t p = k->pa; k->pa = k->pb; k->pb = p;
    }
    struct flow *f = lookup(table, cap, k);
    if (!f->used) {
        f->used = 1; f->k = *k;
        if (++nflows * 2 > cap) { grow(); f = lookup(table, cap, k); }
    }
    f->packets++;
    f->bytes += len;
}

static uint64_t nonip, packets;

static void packet(const uint8_t *p, uint32_t caplen, uint32_t len) {
    if (caplen < 14) { nonip++; return; }
    uint16_t et = (uint16_t)(p[12] << 8 | p[13]);
    uint32_t off = 14;
    while ((et == 0x8100 || et == 0x88a8) && off + 4 <= caplen) {
        et = (uint16_t)(p[off + 2] << 8 | p[off + 3]);
        off += 4;
    }
    struct key k;
    memset(&k, 0, sizeof k);
    uint32_t l4;
    if (et == 0x0800) {
        if (off + 20 > caplen) { nonip++; return; }
        const uint8_t *ip = p + off;
        uint32_t ihl = (ip[0] & 15u) * 4;
        if ((ip[0] >> 4) != 4 || ihl < 20 || off + ihl > caplen) { nonip++; return; }
        k.proto = ip[9];
        memcpy(k.a, ip + 12, 4);
        memcpy(k.b, ip + 16, 4);
        if ((ip[6] & 0x1f) | ip[7]) { account(&k, len); return; } /* non-first fragment */
        l4 = off + ihl;
    } else if (et == 0x86dd) {
        if (off + 40 > caplen) { nonip++; return; }
        const uint8_t *ip = p + off;
        k.v6 = 1;
        memcpy(k.a, ip + 8, 16);
        memcpy(k.b, ip + 24, 16);
        uint8_t nh = ip[6];
        l4 = off + 40;
        for (;;) {
            if (nh == 0 || nh == 43 || nh == 60) {
                if (l4 + 8 > caplen) break;
                nh = p[l4]; l4 += 8u + p[l4 + 1] * 8u;
            } else if (nh == 44) {
                if (l4 + 8 > caplen) break;
                int later = ((p[l4 + 2] << 8 | p[l4 + 3]) & 0xfff8) != 0;
                nh = p[l4]; l4 += 8;
                if (later) { k.proto = nh; account(&k, len); return; }
            } else break;
        }
        k.proto = nh;
    } else { nonip++; return; }
    if ((k.proto == 6 || k.proto == 17) && l4 + 4 <= caplen) {
        k.pa = (uint16_t)(p[l4] << 8 | p[l4 + 1]);
        k.pb = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
    }
    account(&k, len);
}

static uint32_t rd32(const uint8_t *p, int swap) {
    uint32_t v; memcpy(&v, p, 4);
    return swap ? __builtin_bswap32(v) : v;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s FILE.pcap\n", argv[0]); return 64; }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) { perror(argv[1]); return 2; }
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    table = calloc(cap, sizeof *table);
    uint8_t *buf = malloc(CHUNK + 65536 * 4);
    size_t have = 0, pos = 0;
    int eof = 0, swap = 0, header = 1;
    for (;;) {
        if (!eof && have - pos < 16 + 262144) {
            memmove(buf, buf + pos, have - pos);
            have -= pos; pos = 0;
            while (have < CHUNK) {
                ssize_t n = read(fd, buf + have, CHUNK + 65536 * 4 - have);
                if (n < 0) { if (errno == EINTR) continue; perror("read"); return 2; }
                if (n == 0) { eof = 1; break; }
                have += (size_t)n;
            }
        }
        if (header) {
            if (have < 24) { fprintf(stderr, "short file\n"); return 2; }
            uint32_t m; memcpy(&m, buf, 4);
            if (m == 0xa1b2c3d4 || m == 0xa1b23c4d) swap = 0;
            else if (m == 0xd4c3b2a1 || m == 0x4d3cb2a1) swap = 1;
            else { fprintf(stderr, "not a pcap file\n"); return 2; }
            pos = 24; header = 0;
        }
        if (have - pos < 16) break;
        uint32_t caplen = rd32(buf + pos + 8, swap), len = rd32(buf + pos + 12, swap);
        if (caplen > 262144) { fprintf(stderr, "bad record\n"); return 1; }
        if (have - pos < 16 + caplen) break; /* truncated last record */
        packet(buf + pos + 16, caplen, len);
        packets++;
        pos += 16 + caplen;
    }
    printf("%llu packets, %zu flows, %llu non-IP\n",
           (unsigned long long)packets, nflows, (unsigned long long)nonip);
    return 0;
}
