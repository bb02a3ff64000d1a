/* Linked into every C program ccellkernel builds, as its own translation unit (it adds no names).
 * A pipe would make stdout fully buffered: output would arrive only when the program ends, and a
 * prompt printed before scanf would never show. Line-buffer stdout; line-buffer stdin too, because
 * glibc flushes a line-buffered stdout before it reads a line-buffered stdin. */
#include <stdio.h>

__attribute__((constructor)) static void ccell_line_buffered_stdio(void) {
    setvbuf(stdout, NULL, _IOLBF, BUFSIZ);
    setvbuf(stdin, NULL, _IOLBF, BUFSIZ);
}
