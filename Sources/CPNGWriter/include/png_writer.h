#ifndef FINKPLOT_PNG_WRITER_H
#define FINKPLOT_PNG_WRITER_H

#include <stddef.h>
#include <stdint.h>

/// Encodes a Cairo ARGB32 image (native-endian 32-bit pixels, premultiplied alpha) as PNG:
/// RGB when every pixel is opaque, else RGBA with alpha un-premultiplied; no row filters and
/// zlib `level` (0-9), which is several times faster than Cairo's writer (adaptive filters, level 6)
/// for figures made of flat colour.
///
/// On success returns 0 and sets `*out` (free it with fp_png_free) and `*out_len`. On failure
/// returns -1 and writes libpng's message into `err`. libpng reports errors by longjmp: the
/// setjmp lives in here, so no Swift frame is ever jumped over.
int fp_write_png(const uint8_t *argb, int width, int height, int stride, int level,
                 uint8_t **out, size_t *out_len, char *err, size_t errlen);

/// The same image as fp_write_png, encoded without zlib's match search: only runs along a row
/// and repeats of the row above are found, coded with deflate's fixed Huffman codes. Several times
/// faster for figures; files somewhat larger. Same ownership and error contract.
int fp_write_png_fast(const uint8_t *argb, int width, int height, int stride,
                      uint8_t **out, size_t *out_len, char *err, size_t errlen);

void fp_png_free(uint8_t *buffer);

#endif
