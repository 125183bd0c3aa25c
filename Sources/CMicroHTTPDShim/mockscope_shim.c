#include "mockscope_shim.h"
#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <poll.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#include <sys/eventfd.h>
#endif

struct MHD_Daemon *mscope_start_daemon(const mscope_daemon_config *config,
                                       void *access_handler, void *access_cls,
                                       void *completed_handler, void *completed_cls,
                                       const char **error_out) {
    struct sockaddr_in a4;
    struct sockaddr_in6 a6;
    const struct sockaddr *sa = NULL;
    unsigned int flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
    const char *host = config->bind_host ? config->bind_host : "127.0.0.1";

    memset(&a4, 0, sizeof a4);
    memset(&a6, 0, sizeof a6);
    if (inet_pton(AF_INET, host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons(config->port);
        sa = (const struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons(config->port);
        sa = (const struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        if (error_out) *error_out = "the bind address is not a numeric IPv4 or IPv6 address";
        return NULL;
    }

    struct MHD_OptionItem options[] = {
        { MHD_OPTION_SOCK_ADDR, 0, (void *)sa },
        { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)completed_handler, completed_cls },
        { MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)(config->thread_pool_size ? config->thread_pool_size : 1), NULL },
        { MHD_OPTION_CONNECTION_LIMIT, (intptr_t)config->connection_limit, NULL },
        { MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)config->connection_memory_limit, NULL },
        { MHD_OPTION_CONNECTION_TIMEOUT, (intptr_t)config->connection_timeout_seconds, NULL },
        { MHD_OPTION_LISTEN_BACKLOG_SIZE, (intptr_t)config->listen_backlog, NULL },
        { MHD_OPTION_END, 0, NULL },
    };
    struct MHD_Daemon *daemon = MHD_start_daemon(flags, config->port, NULL, NULL,
                                                 (MHD_AccessHandlerCallback)access_handler, access_cls,
                                                 MHD_OPTION_ARRAY, options, MHD_OPTION_END);
    if (daemon == NULL && error_out) {
        *error_out = "libmicrohttpd could not start (is the port in use, or the address not local?)";
    }
    return daemon;
}

uint16_t mscope_daemon_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : 0;
}

int mscope_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info ? info->connect_fd : -1;
}

int mscope_peer_gone(int fd, int half_close_counts) {
    if (fd < 0) return 1;
    struct pollfd p = { .fd = fd, .events = POLLIN, .revents = 0 };
#ifdef POLLRDHUP
    p.events |= POLLRDHUP;
#endif
    int n;
    do { n = poll(&p, 1, 0); } while (n < 0 && errno == EINTR);
    if (n <= 0) return 0;
    /* A reset or an error: POLLERR, and POLLHUP (both directions shut). */
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return 1;
    if (!half_close_counts) return 0;
#ifdef POLLRDHUP
    return (p.revents & POLLRDHUP) ? 1 : 0;
#else
    if (p.revents & POLLIN) {
        char byte;
        return recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
    }
    return 0;
#endif
}

int mscope_watch_create(int *wake_fd) {
#ifdef __linux__
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (ev < 0) { close(ep); return -1; }
    struct epoll_event e = { .events = EPOLLIN, .data = { .u64 = 0 } };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e) != 0) { close(ev); close(ep); return -1; }
    *wake_fd = ev;
    return ep;
#else
    (void)wake_fd;
    return -1;
#endif
}

int mscope_watch_add(int watch_fd, int fd, uint64_t token, int half_close_counts) {
#ifdef __linux__
    /* Edge-triggered, and no EPOLLIN: bytes a client sends meanwhile raise nothing. EPOLLERR
       and EPOLLHUP (a reset, an error) are always reported; EPOLLRDHUP (a FIN) only when
       asked for. A condition already true when the fd is added is reported at once. */
    struct epoll_event e = { .events = EPOLLET | (half_close_counts ? EPOLLRDHUP : 0), .data = { .u64 = token } };
    return epoll_ctl(watch_fd, EPOLL_CTL_ADD, fd, &e);
#else
    (void)watch_fd; (void)fd; (void)token; (void)half_close_counts;
    return -1;
#endif
}

void mscope_watch_remove(int watch_fd, int fd) {
#ifdef __linux__
    struct epoll_event e;
    epoll_ctl(watch_fd, EPOLL_CTL_DEL, fd, &e);
#else
    (void)watch_fd; (void)fd;
#endif
}

int mscope_watch_wait(int watch_fd, uint64_t *tokens, int max) {
#ifdef __linux__
    struct epoll_event events[256];
    if (max > 256) max = 256;
    int n;
    do { n = epoll_wait(watch_fd, events, max, -1); } while (n < 0 && errno == EINTR);
    if (n < 0) return -1;
    int count = 0;
    for (int i = 0; i < n; i++) {
        if (events[i].data.u64 == 0) return -1;  /* the wake eventfd: stopping */
        tokens[count++] = events[i].data.u64;
    }
    return count;
#else
    (void)watch_fd; (void)tokens; (void)max;
    return -1;
#endif
}

void mscope_watch_signal(int wake_fd) {
    uint64_t one = 1;
    ssize_t ignored = write(wake_fd, &one, sizeof one);
    (void)ignored;
}

void mscope_watch_close(int watch_fd, int wake_fd) {
    if (wake_fd >= 0) close(wake_fd);
    if (watch_fd >= 0) close(watch_fd);
}

void mscope_set_linger_reset(int fd) {
    struct linger lg = { 1, 0 };
    if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

uint64_t mscope_size_unknown(void) { return MHD_SIZE_UNKNOWN; }
ssize_t mscope_reader_end_of_stream(void) { return MHD_CONTENT_READER_END_OF_STREAM; }
ssize_t mscope_reader_end_with_error(void) { return MHD_CONTENT_READER_END_WITH_ERROR; }

unsigned long mscope_raise_nofile_limit(void) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    return (unsigned long)rl.rlim_cur;
}
