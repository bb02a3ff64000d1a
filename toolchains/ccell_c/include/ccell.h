/* ccell.h: rich output from C cells in ccellkernel (CELL_MODEL.md section 4a).
 *
 *     #include <ccell.h>
 *     ccell_html("<b>bold</b>");
 *
 * Each call sends one display to the notebook, after whatever the program printed before it (stdout
 * and stderr are flushed first). The data goes over the kernel's display channel, never through
 * stdout, so nothing the program prints can pose as a display. Outside the kernel (a program run by
 * hand) the calls do nothing. Binary data (PNG...) is sent as it is; the kernel encodes it. */
#ifndef CCELL_H
#define CCELL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* HTML, Markdown or SVG text (NUL-terminated). */
void ccell_html(const char *html);
void ccell_markdown(const char *markdown);
void ccell_svg(const char *svg);
/* A PNG image: its bytes and their number. */
void ccell_png(const void *png, size_t len);
/* Any MIME type: text types (text/..., image/svg+xml, application/json) as text, others as bytes. */
void ccell_display(const char *mime, const void *data, size_t len);
/* A display that can be replaced later (also from a later cell) with ccell_update(id, ...). */
void ccell_display_id(const char *id, const char *mime, const void *data, size_t len);
void ccell_update(const char *id, const char *mime, const void *data, size_t len);
/* Clear the cell's output so far. */
void ccell_clear(void);

/* Used by the kernel to show a cell's last expression as Out[n]. */
void ccell__result(const char *text);
void ccell__value_signed(long long value);
void ccell__value_unsigned(unsigned long long value);
void ccell__value_double(double value);
void ccell__value_long_double(long double value);
void ccell__value_char(int value);
void ccell__value_bool(int value);
void ccell__value_string(const char *value);
void ccell__value_pointer(const void *value);

#ifdef __cplusplus
}
#endif

#endif
