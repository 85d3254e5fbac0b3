// A PNG writer specialised for figures: large areas of flat colour, rows that repeat.
//
// zlib spends most of its time hashing and searching for matches a figure does not need. This
// writer looks for two matches only, with no hash table: the same pixel one pixel back (a run of
// one colour along a row) and the same bytes one row back (the row above, which in a figure is
// mostly the same). Matches are compared eight bytes at a time. The tokens of up to
// BLOCK_TOKENS matches and literals are then coded as one deflate block with Huffman codes built
// for that block (RFC 1951 section 3.2.7), so a figure's few colours and long runs cost few bits.
// Work goes a row at a time: a row and the one above stay in cache through conversion, checksum
// and matching.

#include "png_writer.h"
#include "pixel_rows.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum { BLOCK_TOKENS = 1 << 16, MAX_BITS = 15, MAX_CL_BITS = 7 };

// MARK: bits

typedef struct {
    uint8_t *out;
    size_t pos;
    uint64_t acc;
    int nbits;
} bits_t;

// LSB-first bit order, as deflate packs bits; callers keep n <= 32.
static inline void put(bits_t *b, uint32_t value, int n) {
    b->acc |= (uint64_t)value << b->nbits;
    b->nbits += n;
    if (b->nbits >= 32) {
        uint32_t w = (uint32_t)b->acc;
        b->out[b->pos] = (uint8_t)w;
        b->out[b->pos + 1] = (uint8_t)(w >> 8);
        b->out[b->pos + 2] = (uint8_t)(w >> 16);
        b->out[b->pos + 3] = (uint8_t)(w >> 24);
        b->pos += 4;
        b->acc >>= 32;
        b->nbits -= 32;
    }
}

static void flush_bits(bits_t *b) {
    while (b->nbits > 0) {
        b->out[b->pos++] = (uint8_t)b->acc;
        b->acc >>= 8;
        b->nbits -= 8;
    }
    b->nbits = 0;
    b->acc = 0;
}

static uint32_t reverse(uint32_t code, int n) {
    uint32_t r = 0;
    for (int i = 0; i < n; i++) { r = (r << 1) | (code & 1); code >>= 1; }
    return r;
}

// MARK: deflate's length and distance alphabets (RFC 1951 section 3.2.5)

static const uint16_t length_base[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                         35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t length_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                         3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t dist_base[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                       257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
                                       8193, 12289, 16385, 24577};
static const uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
                                       7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

static uint8_t length_symbol[259];  // match length 3...258 -> index into length_base

static void build_tables(void) {
    for (int len = 3; len <= 258; len++) {
        int i = 28;
        while (length_base[i] > len) i--;
        length_symbol[len] = (uint8_t)i;
    }
}

static int distance_symbol(int distance) {
    int i = 29;
    while (dist_base[i] > distance) i--;
    return i;
}

// MARK: Huffman codes

// Code lengths for `freq` (0 = unused symbol), none longer than `limit`. Two-queue Huffman on
// the symbols sorted by frequency; when a code comes out too long the frequencies are flattened
// (halved, kept non-zero) and the tree is built again, which converges in a few rounds.
static void build_lengths(const uint32_t *freq, int n, int limit, uint8_t *len) {
    int syms[288];
    uint32_t f[288];
    int m = 0;
    for (int i = 0; i < n; i++) {
        len[i] = 0;
        f[i] = freq[i];
        if (freq[i]) syms[m++] = i;
    }
    if (m == 0) return;
    if (m == 1) { len[syms[0]] = 1; return; }  // a lone code still needs one bit
    uint32_t weight[576];
    int parent[576];
    for (;;) {
        for (int a = 1; a < m; a++) {  // insertion sort by frequency: at most 286 symbols
            int s = syms[a], b = a - 1;
            while (b >= 0 && f[syms[b]] > f[s]) { syms[b + 1] = syms[b]; b--; }
            syms[b + 1] = s;
        }
        for (int i = 0; i < m; i++) weight[i] = f[syms[i]];
        int leaf = 0, node = m, next = m;  // next leaf, next internal node to merge, next to create
        while (next < 2 * m - 1) {
            int pick[2];
            for (int k = 0; k < 2; k++) {
                if (leaf < m && (node >= next || weight[leaf] <= weight[node])) pick[k] = leaf++;
                else pick[k] = node++;
            }
            weight[next] = weight[pick[0]] + weight[pick[1]];
            parent[pick[0]] = parent[pick[1]] = next;
            next++;
        }
        // Parents are created after their children, so depths fill in from the root down.
        uint8_t depth[576];
        depth[2 * m - 2] = 0;
        int longest = 0;
        for (int i = 2 * m - 3; i >= 0; i--) {
            depth[i] = (uint8_t)(depth[parent[i]] + 1);
            if (i < m && depth[i] > longest) longest = depth[i];
        }
        if (longest <= limit) {
            for (int i = 0; i < m; i++) len[syms[i]] = depth[i];
            return;
        }
        for (int i = 0; i < m; i++) f[syms[i]] = (f[syms[i]] >> 1) | 1;
    }
}

typedef struct { uint32_t bits; int n; } code_t;

// Canonical codes from lengths (RFC 1951 section 3.2.2), bit-reversed for the LSB-first stream.
static void canonical_codes(const uint8_t *len, int n, code_t *codes) {
    int count[MAX_BITS + 1] = {0};
    for (int i = 0; i < n; i++) count[len[i]]++;
    count[0] = 0;
    uint32_t next[MAX_BITS + 2];
    uint32_t code = 0;
    for (int bits = 1; bits <= MAX_BITS; bits++) {
        code = (code + (uint32_t)count[bits - 1]) << 1;
        next[bits] = code;
    }
    for (int i = 0; i < n; i++) {
        codes[i].n = len[i];
        codes[i].bits = len[i] ? reverse(next[len[i]]++, len[i]) : 0;
    }
}

// MARK: blocks

// A token is a literal byte (< 256) or a match: bit 31 set, length - 3 in bits 8-15, and in
// bit 0 which of the two distances (0 = one pixel back, 1 = one row back).
typedef struct {
    uint32_t tokens[BLOCK_TOKENS];
    int count;
    int dist_sym[2], dist_extra_bits[2];
    uint32_t dist_extra_value[2];
} block_t;

static inline uint32_t match_token(size_t length, int up) {
    return 0x80000000u | ((uint32_t)(length - 3) << 8) | (uint32_t)up;
}

static void write_block(bits_t *b, const block_t *blk, int final) {
    uint32_t lit_freq[286] = {0}, dist_freq[30] = {0};
    for (int t = 0; t < blk->count; t++) {
        uint32_t tok = blk->tokens[t];
        if (tok & 0x80000000u) {
            lit_freq[257 + length_symbol[((tok >> 8) & 0xff) + 3]]++;
            dist_freq[blk->dist_sym[tok & 1]]++;
        } else {
            lit_freq[tok]++;
        }
    }
    lit_freq[256] = 1;  // end of block
    uint8_t lens[286 + 30];
    build_lengths(lit_freq, 286, MAX_BITS, lens);
    build_lengths(dist_freq, 30, MAX_BITS, lens + 286);
    int hlit = 286, hdist = 30;
    while (hlit > 257 && lens[hlit - 1] == 0) hlit--;
    while (hdist > 1 && lens[286 + hdist - 1] == 0) hdist--;
    if (lens[286] == 0 && hdist == 1) lens[286] = 1;  // no matches: one unused distance code
    code_t lit_codes[286], dist_codes[30];
    canonical_codes(lens, 286, lit_codes);
    canonical_codes(lens + 286, 30, dist_codes);

    // The code lengths, literal/length then distance as one sequence, run-length coded with
    // symbols 16 (repeat the last 3-6 times), 17 (3-10 zeros) and 18 (11-138 zeros).
    uint8_t seq[286 + 30];
    int nseq = 0;
    for (int i = 0; i < hlit; i++) seq[nseq++] = lens[i];
    for (int i = 0; i < hdist; i++) seq[nseq++] = lens[286 + i];
    uint8_t rle_sym[316];
    uint8_t rle_extra[316];
    int nrle = 0;
    uint32_t cl_freq[19] = {0};
    for (int i = 0; i < nseq;) {
        int v = seq[i], run = 1;
        while (i + run < nseq && seq[i + run] == v) run++;
        int used = run;
        if (v == 0 && run >= 11) { if (used > 138) used = 138; rle_sym[nrle] = 18; rle_extra[nrle++] = (uint8_t)(used - 11); }
        else if (v == 0 && run >= 3) { if (used > 10) used = 10; rle_sym[nrle] = 17; rle_extra[nrle++] = (uint8_t)(used - 3); }
        else if (v != 0 && run >= 4) {
            // The value once, then repeats of it.
            rle_sym[nrle] = (uint8_t)v; rle_extra[nrle++] = 0;
            cl_freq[v]++;
            used = run - 1 > 6 ? 6 : run - 1;
            rle_sym[nrle] = 16; rle_extra[nrle++] = (uint8_t)(used - 3);
            used += 1;
        } else { used = 1; rle_sym[nrle] = (uint8_t)v; rle_extra[nrle++] = 0; }
        cl_freq[rle_sym[nrle - 1]]++;
        i += used;
    }
    // Unlike the distance code, the code-length code must be complete: give a lone symbol a partner.
    int used_cl = 0;
    for (int i = 0; i < 19; i++) used_cl += cl_freq[i] != 0;
    if (used_cl < 2) cl_freq[cl_freq[0] ? 1 : 0] = 1;
    uint8_t cl_lens[19];
    build_lengths(cl_freq, 19, MAX_CL_BITS, cl_lens);
    code_t cl_codes[19];
    canonical_codes(cl_lens, 19, cl_codes);
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    int hclen = 19;
    while (hclen > 4 && cl_lens[order[hclen - 1]] == 0) hclen--;

    put(b, final ? 1 : 0, 1);
    put(b, 2, 2);  // dynamic Huffman codes
    put(b, (uint32_t)(hlit - 257), 5);
    put(b, (uint32_t)(hdist - 1), 5);
    put(b, (uint32_t)(hclen - 4), 4);
    for (int i = 0; i < hclen; i++) put(b, cl_lens[order[i]], 3);
    static const uint8_t rle_extra_bits[3] = {2, 3, 7};
    for (int i = 0; i < nrle; i++) {
        put(b, cl_codes[rle_sym[i]].bits, cl_codes[rle_sym[i]].n);
        if (rle_sym[i] >= 16) put(b, rle_extra[i], rle_extra_bits[rle_sym[i] - 16]);
    }

    // Each distance's code and extra bits, joined once for the block.
    code_t dist_full[2];
    for (int k = 0; k < 2; k++) {
        const code_t c = dist_codes[blk->dist_sym[k]];
        dist_full[k].bits = c.bits | (blk->dist_extra_value[k] << c.n);
        dist_full[k].n = c.n + blk->dist_extra_bits[k];
    }
    for (int t = 0; t < blk->count; t++) {
        uint32_t tok = blk->tokens[t];
        if (tok & 0x80000000u) {
            int len = (int)((tok >> 8) & 0xff) + 3;
            int s = length_symbol[len];
            const code_t c = lit_codes[257 + s];
            put(b, c.bits | ((uint32_t)(len - length_base[s]) << c.n), c.n + length_extra[s]);
            put(b, dist_full[tok & 1].bits, dist_full[tok & 1].n);
        } else {
            put(b, lit_codes[tok].bits, lit_codes[tok].n);
        }
    }
    put(b, lit_codes[256].bits, lit_codes[256].n);
}

// MARK: pixels

// Length of the common prefix of a and b, at most `limit`; b may lie before a and overlap it.
static inline size_t match_length(const uint8_t *a, const uint8_t *b, size_t limit) {
    size_t n = 0;
    while (n + 8 <= limit) {
        uint64_t x, y;
        memcpy(&x, a + n, 8);
        memcpy(&y, b + n, 8);
        uint64_t d = x ^ y;
        if (d) return n + (size_t)(__builtin_ctzll(d) >> 3);  // little-endian: lowest byte first
        n += 8;
    }
    while (n < limit && a[n] == b[n]) n++;
    return n;
}

// Adds n bytes to a running Adler-32 (which starts at 1).
static uint32_t adler32_add(uint32_t adler, const uint8_t *p, size_t n) {
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (n > 0) {
        // 5552 is the largest block for which b cannot overflow 32 bits (zlib's NMAX).
        size_t block = n < 5552 ? n : 5552;
        n -= block;
        // Over a block b gains `a` once per byte plus each byte times the number of bytes from
        // it to the block's end: a form compilers vectorise.
        uint32_t sum = 0, weighted = 0;
        for (size_t i = 0; i < block; i++) {
            sum += p[i];
            weighted += (uint32_t)(block - i) * p[i];
        }
        b = (uint32_t)((b + (uint64_t)a * block + weighted) % 65521);
        a = (a + sum) % 65521;
        p += block;
    }
    return (b << 16) | a;
}

static int fail_fast(char *err, size_t errlen, const char *message) {
    if (err && errlen) { strncpy(err, message, errlen - 1); err[errlen - 1] = 0; }
    return -1;
}

static void put_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

// Writes a chunk whose data already sit at p + 8; returns the bytes used.
static size_t finish_chunk(uint8_t *p, const char type[4], size_t length) {
    put_be32(p, (uint32_t)length);
    memcpy(p + 4, type, 4);
    uint32_t crc = (uint32_t)crc32(0L, p + 4, (uInt)(length + 4));
    put_be32(p + 8 + length, crc);
    return length + 12;
}

// Encodes the image as RGB (opaque) or RGBA. Returns 1 when `opaque` was asked but a pixel is
// not, so the caller starts again as RGBA.
static int encode(const uint8_t *argb, int width, int height, int stride, int opaque,
                  uint8_t **out, size_t *out_len, char *err, size_t errlen) {
    const int channels = opaque ? 3 : 4;
    const size_t rowbytes = (size_t)width * channels + 1;  // filter byte ("none"), then the pixels
    const size_t total = rowbytes * (size_t)height;
    // Worst case: every byte a 15-bit literal, and each block's header (at most 4,600 bits).
    const size_t blocks = total / BLOCK_TOKENS + 2;
    const size_t capacity = 8 + 25 + 12 + 2 + total * 2 + blocks * 1024 + 4 + 12;
    uint8_t *png = malloc(capacity);
    uint8_t *rows = malloc(2 * rowbytes);
    block_t *blk = malloc(sizeof(block_t));
    if (!png || !rows || !blk) {
        free(png); free(rows); free(blk);
        return fail_fast(err, errlen, "out of memory while writing the PNG");
    }
    static const uint8_t signature[8] = {137, 80, 78, 71, 13, 10, 26, 10};
    memcpy(png, signature, 8);
    size_t pos = 8;
    uint8_t *ihdr = png + pos + 8;
    put_be32(ihdr, (uint32_t)width);
    put_be32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8;                   // bit depth
    ihdr[9] = opaque ? 2 : 6;      // colour type: RGB or RGBA
    ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;  // deflate, adaptive filtering, no interlace
    pos += finish_chunk(png + pos, "IHDR", 13);

    uint8_t *idat = png + pos;
    bits_t bits = {idat + 8, 0, 0, 0};
    bits.out[bits.pos++] = 0x78;   // zlib header: deflate, 32K window
    bits.out[bits.pos++] = 0x01;   // fastest compression, no dictionary (0x7801 is a multiple of 31)

    // The row above is out of reach for rows longer than deflate's 32K window.
    const int use_up = rowbytes <= 32768;
    const size_t left = (size_t)channels;
    const int distances[2] = {channels, use_up ? (int)rowbytes : channels};
    for (int k = 0; k < 2; k++) {
        int s = distance_symbol(distances[k]);
        blk->dist_sym[k] = s;
        blk->dist_extra_bits[k] = dist_extra[s];
        blk->dist_extra_value[k] = (uint32_t)(distances[k] - dist_base[s]);
    }
    blk->count = 0;
    uint32_t adler = 1;
    uint8_t *prev = rows, *cur = rows + rowbytes;
    for (int y = 0; y < height; y++) {
        cur[0] = 0;
        if (!fp_convert_row((const uint32_t *)(argb + (size_t)y * stride), width, opaque, cur + 1)) {
            free(png); free(rows); free(blk);
            return 1;
        }
        adler = adler32_add(adler, cur, rowbytes);
        const int up = use_up && y > 0;
        size_t i = 0;
        while (i < rowbytes) {
            // A row has at most rowbytes tokens: flush first if they might not fit.
            if (blk->count > BLOCK_TOKENS - 258) { write_block(&bits, blk, 0); blk->count = 0; }
            size_t limit = rowbytes - i < 258 ? rowbytes - i : 258;
            size_t best = 0;
            int from_up = 0;
            if (up) {
                best = match_length(cur + i, prev + i, limit);
                from_up = 1;
            }
            if (best < limit && i >= left) {
                size_t l = match_length(cur + i, cur + i - left, limit);
                if (l > best) { best = l; from_up = 0; }
            }
            if (best >= 3) {
                blk->tokens[blk->count++] = match_token(best, from_up);
                i += best;
            } else {
                blk->tokens[blk->count++] = cur[i];
                i++;
            }
        }
        uint8_t *t = prev; prev = cur; cur = t;
    }
    write_block(&bits, blk, 1);
    free(rows);
    free(blk);
    flush_bits(&bits);
    put_be32(bits.out + bits.pos, adler);
    bits.pos += 4;
    pos += finish_chunk(idat, "IDAT", bits.pos);
    pos += finish_chunk(png + pos, "IEND", 0);
    *out = png;
    *out_len = pos;
    return 0;
}

int fp_write_png_fast(const uint8_t *argb, int width, int height, int stride,
                      uint8_t **out, size_t *out_len, char *err, size_t errlen) {
    if (!argb || !out || !out_len || width <= 0 || height <= 0 || stride < width * 4)
        return fail_fast(err, errlen, "invalid image for the PNG writer");
    static pthread_once_t tables_once = PTHREAD_ONCE_INIT;
    pthread_once(&tables_once, build_tables);
    // Figures with a background are opaque: try RGB first, a quarter less to write.
    int status = encode(argb, width, height, stride, 1, out, out_len, err, errlen);
    if (status == 1) status = encode(argb, width, height, stride, 0, out, out_len, err, errlen);
    return status;
}
