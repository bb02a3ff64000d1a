// Linked into every C++ program ccell-cpp builds, as its own translation unit (it adds no names).
// A pipe would make stdout fully buffered: output would arrive only when the program ends, and a
// prompt printed before reading would never show. std::cout and std::cin are synchronised with C's
// stdio by default, so line-buffering stdout and stdin is enough (glibc flushes a line-buffered
// stdout before it reads a line-buffered stdin). Priority 101 runs this before any global's
// constructor in the user's program, so no output precedes it.
#include <cstdio>

__attribute__((constructor(101))) static void ccell_line_buffered_stdio() {
    std::setvbuf(stdout, nullptr, _IOLBF, BUFSIZ);
    std::setvbuf(stdin, nullptr, _IOLBF, BUFSIZ);
}
