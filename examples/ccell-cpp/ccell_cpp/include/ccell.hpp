// ccell.hpp: rich output from C++ cells in ccell-cpp, over ccellkernel's display channel
// (ccellkernel/display.py describes the frames). Header-only; every cell has it on its include path.
//
//     #include <ccell.hpp>
//     ccell::html("<b>bold</b>");
//
// Each call sends one display to the notebook, after whatever the program printed before it.
// Outside the kernel (a program run by hand) the calls do nothing. ccell::value is how the kernel
// shows a cell's last expression as Out[n] (with operator<<).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <unistd.h>

namespace ccell {
namespace detail {

inline int fd_from(const char *name) {
    const char *text = std::getenv(name);
    if (text == nullptr || *text == '\0')
        return -1;
    char *end = nullptr;
    long value = std::strtol(text, &end, 10);
    return (*end == '\0' && value >= 0) ? static_cast<int>(value) : -1;
}

struct Channel {
    int frames = fd_from("CCELL_DISPLAY_FD");
    int acks = frames >= 0 ? fd_from("CCELL_DISPLAY_ACK") : -1;
    std::mutex lock;
};

inline Channel &channel() {
    static Channel instance;
    return instance;
}

inline bool write_all(int fd, const void *data, std::size_t len) {
    const char *p = static_cast<const char *>(data);
    while (len > 0) {
        ssize_t n = ::write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= static_cast<std::size_t>(n);
    }
    return true;
}

inline void send(int kind, std::string_view mime, std::string_view id, const void *data, std::size_t len) {
    Channel &c = channel();
    if (c.frames < 0 || mime.size() > 255 || id.size() > 1024 || len > 0xffffffffu)
        return;
    std::cout.flush();
    std::cerr.flush();
    std::fflush(stdout);
    std::fflush(stderr);
    unsigned char head[16] = {'C', 'C', 'D', '1', static_cast<unsigned char>(kind), 0,
                              static_cast<unsigned char>(mime.size() & 0xff), static_cast<unsigned char>(mime.size() >> 8),
                              static_cast<unsigned char>(id.size() & 0xff), static_cast<unsigned char>(id.size() >> 8), 0, 0};
    for (int i = 0; i < 4; i++)
        head[12 + i] = static_cast<unsigned char>((len >> (8 * i)) & 0xff);
    std::lock_guard<std::mutex> guard(c.lock);
    if (!write_all(c.frames, head, sizeof head) || !write_all(c.frames, mime.data(), mime.size()) ||
        !write_all(c.frames, id.data(), id.size()) || !write_all(c.frames, data, len)) {
        c.frames = -1;
        return;
    }
    if (c.acks >= 0) { // wait until the kernel has sent it: what is printed next comes after it
        char byte;
        ssize_t got;
        while ((got = ::read(c.acks, &byte, 1)) < 0 && errno == EINTR) {
        }
        if (got <= 0)
            c.acks = -1;
    }
}

template <class T, class = void> struct printable : std::false_type {};
template <class T>
struct printable<T, std::void_t<decltype(std::declval<std::ostream &>() << std::declval<const T &>())>>
    : std::true_type {};

// `(expression, nothing{})` is the expression's value, or `nothing` when it is void: the built-in
// comma operator takes a void left side, this one any other.
struct nothing {};
template <class T> T &&operator,(T &&value, nothing) { return std::forward<T>(value); }

} // namespace detail

inline void display(std::string_view mime, const void *data, std::size_t len) { detail::send(1, mime, "", data, len); }
inline void display(std::string_view mime, std::string_view text) { display(mime, text.data(), text.size()); }
inline void display_id(std::string_view id, std::string_view mime, std::string_view data) {
    detail::send(1, mime, id, data.data(), data.size());
}
inline void update(std::string_view id, std::string_view mime, std::string_view data) {
    detail::send(2, mime, id, data.data(), data.size());
}
inline void html(std::string_view html) { display("text/html", html); }
inline void markdown(std::string_view markdown) { display("text/markdown", markdown); }
inline void svg(std::string_view svg) { display("image/svg+xml", svg); }
inline void png(const void *data, std::size_t len) { display("image/png", data, len); }
inline void clear() { detail::send(3, "", "", "", 0); }

inline void value(detail::nothing) {}
inline void value(bool v) { detail::send(4, "text/plain", "", v ? "true" : "false", v ? 4 : 5); }
template <class T> void value(const T &v) {
    if constexpr (!detail::printable<T>::value) {
        static_assert(detail::printable<T>::value, "CCELL_NOT_PRINTABLE");
    } else {
        std::ostringstream out;
        if constexpr (std::is_same_v<T, std::string> || std::is_convertible_v<const T &, const char *>)
            out << '"' << v << '"';
        else if constexpr (std::is_same_v<T, char>)
            out << '\'' << v << '\'';
        else
            out << v;
        std::string text = out.str();
        detail::send(4, "text/plain", "", text.data(), text.size());
    }
}

} // namespace ccell
