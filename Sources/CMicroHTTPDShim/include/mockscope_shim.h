#ifndef MOCKSCOPE_SHIM_H
#define MOCKSCOPE_SHIM_H
/* The few things Swift cannot call or see in <microhttpd.h>: the variadic MHD_start_daemon,
   MHD_get_daemon_info and MHD_get_connection_info, and the macro constants. Kept as real
   functions in mockscope_shim.c (not static inline) so SwiftPM rebuilds when they change. */
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

struct MHD_Daemon;
struct MHD_Connection;

typedef struct mscope_daemon_config {
    const char *bind_host;          /* numeric IPv4 or IPv6 address; NULL = 127.0.0.1 */
    uint16_t port;                  /* 0 = any free port */
    unsigned int thread_pool_size;  /* epoll worker threads */
    unsigned int connection_limit;
    size_t connection_memory_limit;
    unsigned int connection_timeout_seconds; /* 0 = none */
    unsigned int listen_backlog;
} mscope_daemon_config;

/* Starts an epoll daemon with internal threads and suspend/resume allowed. Returns NULL and
   sets *error_out to a static message on failure. */
struct MHD_Daemon *mscope_start_daemon(const mscope_daemon_config *config,
                                       void *access_handler, void *access_cls,
                                       void *completed_handler, void *completed_cls,
                                       const char **error_out);
uint16_t mscope_daemon_port(struct MHD_Daemon *daemon);
int mscope_connection_fd(struct MHD_Connection *connection);
/* 1 when the peer is gone: the connection was reset or has an error (POLLHUP / POLLERR), else 0.
   A half-close (the peer's FIN: it has sent its request and may still read) counts as gone only
   with `half_close_counts`. Never blocks. */
int mscope_peer_gone(int fd, int half_close_counts);

/* The peer watch: an epoll set of suspended connections' sockets, waited on by one thread, that
   reports the tokens of those whose peer reset (or errored), or also half-closed when added with
   `half_close_counts`. Linux only (elsewhere create returns -1). */
int mscope_watch_create(int *wake_fd);
int mscope_watch_add(int watch_fd, int fd, uint64_t token, int half_close_counts);
void mscope_watch_remove(int watch_fd, int fd);
/* Blocks until something is reported; writes up to `max` (at most 256) tokens; -1 once
   mscope_watch_signal was called (the thread should stop). */
int mscope_watch_wait(int watch_fd, uint64_t *tokens, int max);
void mscope_watch_signal(int wake_fd);
void mscope_watch_close(int watch_fd, int wake_fd);
/* Makes the next close send a TCP reset (SO_LINGER 0). */
void mscope_set_linger_reset(int fd);
uint64_t mscope_size_unknown(void);
ssize_t mscope_reader_end_of_stream(void);
ssize_t mscope_reader_end_with_error(void);
/* Raises the soft open-file limit to the hard limit; returns the new soft limit. */
unsigned long mscope_raise_nofile_limit(void);
#endif
