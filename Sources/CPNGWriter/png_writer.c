#include "png_writer.h"
#include "pixel_rows.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    uint8_t *data;
    size_t length;
    size_t capacity;
} sink_t;

typedef struct {
    char *err;
    size_t errlen;
} error_t_;

static void on_write(png_structp png, png_bytep bytes, png_size_t count) {
    sink_t *sink = (sink_t *)png_get_io_ptr(png);
    if (sink->length + count > sink->capacity) {
        size_t capacity = sink->capacity ? sink->capacity : 65536;
        while (capacity < sink->length + count) capacity *= 2;
        uint8_t *grown = realloc(sink->data, capacity);
        if (!grown) png_error(png, "out of memory while writing the PNG");
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->length, bytes, count);
    sink->length += count;
}

static void on_flush(png_structp png) { (void)png; }

static void on_error(png_structp png, png_const_charp message) {
    error_t_ *e = (error_t_ *)png_get_error_ptr(png);
    if (e && e->err && e->errlen) snprintf(e->err, e->errlen, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

static int fail(char *err, size_t errlen, const char *message) {
    if (err && errlen) snprintf(err, errlen, "%s", message);
    return -1;
}

int fp_write_png(const uint8_t *argb, int width, int height, int stride, int level,
                 uint8_t **out, size_t *out_len, char *err, size_t errlen) {
    if (!argb || !out || !out_len || width <= 0 || height <= 0 || stride < width * 4)
        return fail(err, errlen, "invalid image for the PNG writer");
    if (level < 0) level = 0;
    if (level > 9) level = 9;

    // Opaque images (every figure with a background) are written as RGB: a quarter less to compress.
    int opaque = 1;
    for (int y = 0; y < height && opaque; y++) {
        const uint32_t *row = (const uint32_t *)(argb + (size_t)y * stride);
        for (int x = 0; x < width; x++) {
            if ((row[x] >> 24) != 0xff) { opaque = 0; break; }
        }
    }
    int channels = opaque ? 3 : 4;
    uint8_t *line = malloc((size_t)width * channels);
    if (!line) return fail(err, errlen, "out of memory for a PNG row");

    error_t_ e = {err, errlen};
    sink_t sink = {NULL, 0, 0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &e, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        free(line);
        return fail(err, errlen, "libpng could not be initialised");
    }
    // After a longjmp only png, info, line and sink are read: the first three are not changed
    // after setjmp, and sink only through its address, by the callbacks (so it is in memory).
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sink.data);
        free(line);
        return -1;
    }
    png_set_write_fn(png, &sink, on_write, on_flush);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8,
                 opaque ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, level);
    png_write_info(png, info);

    for (int y = 0; y < height; y++) {
        const uint32_t *row = (const uint32_t *)(argb + (size_t)y * stride);
        fp_convert_row(row, width, opaque, line);
        png_write_row(png, line);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(line);
    *out = sink.data;
    *out_len = sink.length;
    return 0;
}

void fp_png_free(uint8_t *buffer) { free(buffer); }
