/*
 * raw_sse: the floor of the slow-stream figure without any HTTP library. One thread, epoll, a
 * timerfd, and one FIFO of wake-ups (every stream has the same gap, so wake-ups are queued in
 * due order and the FIFO needs no sorting). It answers every request (read up to the blank line
 * plus Content-Length) with the SSE events of EVENTS_FILE, chunked, event i due GAP_MS*i after
 * the request was read. What sse_load measures against it is the client's and the kernel's own
 * cost: no server on this machine can do better.
 *
 *   raw_sse PORT EVENTS_FILE GAP_MS      PORT 0 picks one; prints "listening PORT"
 * Build: gcc -O2 -o raw_sse raw_sse.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static char *g_chunk[1024];      /* each event pre-framed as an HTTP chunk */
static size_t g_chunk_len[1024];
static int g_events;
static uint64_t g_gap_ns;
static const char HEAD[] = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream;charset=UTF-8\r\n"
                           "x-dashscope-call-gateway: true\r\nTransfer-Encoding: chunked\r\n\r\n";

struct conn { int fd, next, streaming; size_t have; uint64_t start; char buf[4096]; };
struct wake { uint64_t due; struct conn *c; int gen; };
static struct wake *g_q;          /* ring buffer */
static size_t g_qhead, g_qlen, g_qcap;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void push(uint64_t due, struct conn *c) {
    if (g_qlen == g_qcap) {
        size_t cap = g_qcap ? g_qcap * 2 : 4096;
        struct wake *q = malloc(cap * sizeof *q);
        for (size_t i = 0; i < g_qlen; i++) q[i] = g_q[(g_qhead + i) % g_qcap];
        free(g_q);
        g_q = q; g_qhead = 0; g_qcap = cap;
    }
    g_q[(g_qhead + g_qlen++) % g_qcap] = (struct wake){ due, c, 0 };
}

static void close_conn(int ep, struct conn *c) {
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;  /* freed when its wake-up (if any) comes out of the queue */
    if (!c->streaming) free(c);
}

/* Sends event c->next (with the head first); returns 0 when the connection broke. */
static int send_next(struct conn *c) {
    char out[8192];
    size_t len = 0;
    if (c->next == 0) { memcpy(out, HEAD, sizeof HEAD - 1); len = sizeof HEAD - 1; }
    memcpy(out + len, g_chunk[c->next], g_chunk_len[c->next]);
    len += g_chunk_len[c->next];
    c->next++;
    if (c->next == g_events) { memcpy(out + len, "0\r\n\r\n", 5); len += 5; }
    return send(c->fd, out, len, MSG_NOSIGNAL) == (ssize_t)len;  /* small writes to an idle socket: whole or broken */
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s PORT EVENTS_FILE GAP_MS\n", argv[0]); return 2; }
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 2; }
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    size_t start = 0;
    for (size_t i = 0; i + 1 < n && g_events < 1024; i++) {
        if (text[i] == '\n' && text[i + 1] == '\n') {
            size_t ev = i + 2 - start;
            g_chunk[g_events] = malloc(ev + 32);
            int h = sprintf(g_chunk[g_events], "%zx\r\n", ev);
            memcpy(g_chunk[g_events] + h, text + start, ev);
            memcpy(g_chunk[g_events] + h + ev, "\r\n", 2);
            g_chunk_len[g_events++] = (size_t)h + ev + 2;
            start = i + 2;
            i++;
        }
    }
    g_gap_ns = (uint64_t)atoi(argv[3]) * 1000000ull;

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1])) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) || listen(lfd, 4096)) { perror("listen"); return 1; }
    socklen_t al = sizeof a;
    getsockname(lfd, (struct sockaddr *)&a, &al);
    printf("listening %u\n", ntohs(a.sin_port));
    fflush(stdout);

    int ep = epoll_create1(0), tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };
    epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
    ev.data.ptr = &tfd;
    epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
    struct epoll_event evs[1024];
    uint64_t armed = 0;
    for (;;) {
        if (g_qlen && g_q[g_qhead].due != armed) {
            armed = g_q[g_qhead].due;
            struct itimerspec its = { { 0, 0 }, { (time_t)(armed / 1000000000ull), (long)(armed % 1000000000ull) } };
            timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
        }
        int k = epoll_wait(ep, evs, 1024, -1);
        for (int i = 0; i < k; i++) {
            if (evs[i].data.ptr == NULL) {
                for (;;) {
                    int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
                    if (fd < 0) break;
                    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct conn *c = calloc(1, sizeof *c);
                    c->fd = fd;
                    struct epoll_event ce = { .events = EPOLLIN, .data.ptr = c };
                    epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ce);
                }
            } else if (evs[i].data.ptr == &tfd) {
                uint64_t x;
                if (read(tfd, &x, sizeof x) < 0) { /* spurious */ }
                armed = 0;
                uint64_t now = now_ns();
                while (g_qlen && g_q[g_qhead].due <= now) {
                    struct conn *c = g_q[g_qhead].c;
                    g_qhead = (g_qhead + 1) % g_qcap;
                    g_qlen--;
                    if (c->fd < 0) { free(c); continue; }
                    if (!send_next(c)) { c->streaming = 0; close_conn(ep, c); continue; }
                    if (c->next < g_events) push(c->start + g_gap_ns * (uint64_t)c->next, c);
                    else c->streaming = 0;
                }
            } else {
                struct conn *c = evs[i].data.ptr;
                if (c->fd < 0) continue;
                ssize_t r = read(c->fd, c->buf + c->have, sizeof c->buf - 1 - c->have);
                if (r <= 0) {
                    if (r < 0 && errno == EAGAIN) continue;
                    close_conn(ep, c);
                    continue;
                }
                if (c->streaming) continue;      /* nothing more is expected while streaming */
                c->have += (size_t)r;
                c->buf[c->have] = 0;
                char *end = strstr(c->buf, "\r\n\r\n");
                if (!end) continue;
                size_t body = 0;
                char *cl = strcasestr(c->buf, "\r\ncontent-length:");
                if (cl && cl < end) body = strtoul(cl + 17, NULL, 10);
                if (c->have < (size_t)(end + 4 - c->buf) + body) continue;
                c->have = 0;
                c->start = now_ns();
                c->next = 0;
                c->streaming = 1;
                if (!send_next(c)) { c->streaming = 0; close_conn(ep, c); continue; }
                push(c->start + g_gap_ns, c);
            }
        }
    }
}
