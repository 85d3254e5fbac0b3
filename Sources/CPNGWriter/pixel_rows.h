#ifndef FINKPLOT_PIXEL_ROWS_H
#define FINKPLOT_PIXEL_ROWS_H

#include <stdint.h>

// One row of Cairo pixels (native-endian premultiplied ARGB) as PNG bytes: RGB when `opaque`,
// else RGBA with alpha un-premultiplied as Cairo's own PNG writer rounds it. Returns 0 if
// `opaque` was asked and a pixel is not (the row is then incomplete). Shared by both writers.
static inline int fp_convert_row(const uint32_t *row, int width, int opaque, uint8_t *o) {
    if (opaque) {
        uint32_t all = 0xffffffffu;
        for (int x = 0; x < width; x++) {
            uint32_t p = row[x];
            all &= p;
            o[0] = (uint8_t)(p >> 16); o[1] = (uint8_t)(p >> 8); o[2] = (uint8_t)p;
            o += 3;
        }
        return (all >> 24) == 0xff;
    }
    for (int x = 0; x < width; x++) {
        uint32_t p = row[x];
        uint32_t a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        if (a == 0) {
            r = g = b = 0;
        } else if (a != 0xff) {
            r = (r * 255 + a / 2) / a;
            g = (g * 255 + a / 2) / a;
            b = (b * 255 + a / 2) / a;
        }
        o[0] = (uint8_t)r; o[1] = (uint8_t)g; o[2] = (uint8_t)b; o[3] = (uint8_t)a;
        o += 4;
    }
    return 1;
}

#endif
