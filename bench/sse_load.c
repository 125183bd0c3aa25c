/*
 * sse_load: a load client for slow SSE streams that outruns the server it measures.
 * One thread, epoll, non-blocking sockets; no thread or task per stream.
 *
 * Opens N connections (in batches, at most C at once), sends one POST on each, parses the
 * HTTP/1.1 response (chunked, Content-Length or until close), splits the body into SSE events at
 * blank lines and timestamps each event with CLOCK_MONOTONIC when the read that completed it
 * returned. Reports:
 *   held       peak number of streams open at once with a 200 status received and not yet ended
 *   completed  streams that ended cleanly with status 200 (and --events K events, when given)
 *   gap error  |(t_i - t_{i-1}) - GAP| for every event after the first (--gap-ms; 0 = not measured)
 *   lateness   t_i - t_sent - (FIRST + i*GAP): how late event i came against its schedule
 *   ttfb       first response byte - request fully written
 * Connections are closed with SO_LINGER 0 (RST), so runs leave no TIME_WAIT ports behind.
 *
 * Build: gcc -O2 -o sse_load sse_load.c -lm
 * Usage: sse_load --port P --path PATH [--body-file F] [--header 'K: V']... -n N [-c C]
 *                 [--batch B] [--batch-interval-ms I] [--gap-ms G] [--first-ms F] [--events K]
 *                 [--timeout-s T] [--label L] [--per-event]
 * --per-event also prints the gap error by event index on stderr.
 * Prints one JSON object on stdout and a one-line summary on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <time.h>
#include <unistd.h>

#define MAXEV 64
#define HEADMAX 8192

enum { S_CONNECTING, S_SENDING, S_HEAD, S_BODY, S_DONE };
enum { B_CHUNKED, B_LENGTH, B_CLOSE };
enum { C_SIZE, C_EXT, C_DATA, C_DATA_END, C_TRAILER };

struct conn {
    int fd, state, status, body_mode, cstate;
    size_t sent, head_len;
    uint64_t remaining;         /* chunk bytes left, or Content-Length left */
    int trailer_line, nl;
    uint64_t t_start, t_sent, t_first;
    int events;
    uint64_t ev[MAXEV];
    char *head;
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static char *g_req;
static size_t g_req_len;
static struct conn *g_conns;
static int g_epfd;
static long g_active, g_held, g_peak_held, g_completed, g_failed;
static long f_connect, f_reset, f_status, f_timeout, f_events;
static double *g_gap, *g_late, *g_ttfb;
static size_t g_ngap, g_nlate, g_nttfb;
static uint64_t g_gap_ns, g_first_ns;
static int g_expect_events, g_per_event;
static double *g_gap_by_index[MAXEV];   /* --per-event: gap errors by event index */
static size_t g_gap_by_index_n[MAXEV];
static long g_total_events;

static void finish(struct conn *c, int ok, long *reason) {
    if (c->state == S_DONE) return;
    if (c->state == S_BODY && c->status == 200) g_held--;
    int good = ok && c->status == 200 && (g_expect_events <= 0 || c->events == g_expect_events);
    if (good) {
        g_completed++;
    } else {
        g_failed++;
        if (ok && c->status != 200) f_status++;
        else if (ok) f_events++;
        else if (reason) (*reason)++;
    }
    if (c->status == 200) {
        g_total_events += c->events;
        int n = c->events < MAXEV ? c->events : MAXEV;
        for (int i = 0; i < n; i++) {
            if (g_gap_ns) {
                double sched = (double)(g_first_ns + g_gap_ns * (uint64_t)i);
                g_late[g_nlate++] = ((double)(c->ev[i] - c->t_sent) - sched) / 1e6;
            }
            if (i > 0 && g_gap_ns) {
                double gap = (double)(c->ev[i] - c->ev[i - 1]);
                double err = gap - (double)g_gap_ns;
                g_gap[g_ngap++] = (err < 0 ? -err : err) / 1e6;
                if (g_per_event) g_gap_by_index[i][g_gap_by_index_n[i]++] = (err < 0 ? -err : err) / 1e6;
            }
        }
    }
    if (c->t_first) g_ttfb[g_nttfb++] = (double)(c->t_first - c->t_sent) / 1e6;
    struct linger lg = { 1, 0 };
    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(c->fd);
    c->state = S_DONE;
    free(c->head);
    c->head = NULL;
    g_active--;
}

static void sse_scan(struct conn *c, const char *p, size_t n, uint64_t t) {
    for (size_t i = 0; i < n; i++) {
        char b = p[i];
        if (b == '\n') {
            if (++c->nl == 2) {
                if (c->events < MAXEV) c->ev[c->events] = t;
                c->events++;
                c->nl = 0;
            }
        } else if (b != '\r') {
            c->nl = 0;
        }
    }
}

/* Feeds body bytes; returns 1 when the body is complete. */
static int feed_body(struct conn *c, const char *p, size_t n, uint64_t t) {
    if (c->body_mode == B_CLOSE) { sse_scan(c, p, n, t); return 0; }
    if (c->body_mode == B_LENGTH) {
        size_t take = n < c->remaining ? n : (size_t)c->remaining;
        sse_scan(c, p, take, t);
        c->remaining -= take;
        return c->remaining == 0;
    }
    size_t i = 0;
    while (i < n) {
        char b = p[i];
        switch (c->cstate) {
        case C_SIZE:
            i++;
            if (b >= '0' && b <= '9') c->remaining = c->remaining * 16 + (uint64_t)(b - '0');
            else if (b >= 'a' && b <= 'f') c->remaining = c->remaining * 16 + (uint64_t)(b - 'a' + 10);
            else if (b >= 'A' && b <= 'F') c->remaining = c->remaining * 16 + (uint64_t)(b - 'A' + 10);
            else if (b == ';') c->cstate = C_EXT;
            else if (b == '\n') {
                if (c->remaining == 0) { c->cstate = C_TRAILER; c->trailer_line = 0; }
                else c->cstate = C_DATA;
            }
            break;
        case C_EXT:
            i++;
            if (b == '\n') {
                if (c->remaining == 0) { c->cstate = C_TRAILER; c->trailer_line = 0; }
                else c->cstate = C_DATA;
            }
            break;
        case C_DATA: {
            size_t take = n - i < c->remaining ? n - i : (size_t)c->remaining;
            sse_scan(c, p + i, take, t);
            c->remaining -= take;
            i += take;
            if (c->remaining == 0) c->cstate = C_DATA_END;
            break;
        }
        case C_DATA_END:
            i++;
            if (b == '\n') { c->cstate = C_SIZE; c->remaining = 0; }
            break;
        case C_TRAILER:
            i++;
            if (b == '\n') { if (c->trailer_line == 0) return 1; c->trailer_line = 0; }
            else if (b != '\r') c->trailer_line++;
            break;
        }
    }
    return 0;
}

/* Parses the head once it is complete; returns bytes of the buffer that belong to the body, or -1. */
static long parse_head(struct conn *c) {
    char *end = memmem(c->head, c->head_len, "\r\n\r\n", 4);
    if (!end) return -1;
    *end = 0;
    c->status = 0;
    if (c->head_len > 12 && !strncmp(c->head, "HTTP/1.", 7)) c->status = atoi(c->head + 9);
    c->body_mode = B_CLOSE;
    for (char *line = strstr(c->head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        char *h = line + 2;
        if (!strncasecmp(h, "transfer-encoding:", 18) && strcasestr(h, "chunked")) c->body_mode = B_CHUNKED;
        else if (!strncasecmp(h, "content-length:", 15) && c->body_mode != B_CHUNKED) {
            c->body_mode = B_LENGTH;
            c->remaining = strtoull(h + 15, NULL, 10);
        }
    }
    if (c->body_mode == B_CHUNKED) { c->cstate = C_SIZE; c->remaining = 0; }
    return (long)((end + 4) - c->head);
}

static void on_readable(struct conn *c) {
    char buf[65536];
    for (;;) {
        ssize_t n = read(c->fd, buf, sizeof buf);
        uint64_t t = now_ns();
        if (n == 0) {
            /* closed by the server */
            if (c->state == S_BODY && c->body_mode == B_CLOSE) finish(c, 1, NULL);
            else finish(c, 0, &f_reset);
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EINTR) continue;
            finish(c, 0, &f_reset);
            return;
        }
        if (!c->t_first) c->t_first = t;
        const char *p = buf;
        size_t len = (size_t)n;
        if (c->state == S_HEAD) {
            size_t take = len < HEADMAX - c->head_len ? len : HEADMAX - c->head_len;
            memcpy(c->head + c->head_len, p, take);
            size_t before = c->head_len;
            c->head_len += take;
            long body_at = parse_head(c);
            if (body_at < 0) {
                if (c->head_len >= HEADMAX) { finish(c, 0, &f_reset); return; }
                continue;
            }
            size_t consumed = (size_t)body_at - before;
            p += consumed;
            len -= consumed;
            c->state = S_BODY;
            if (c->status == 200) {
                g_held++;
                if (g_held > g_peak_held) g_peak_held = g_held;
            }
            if (c->body_mode == B_LENGTH && c->remaining == 0) { finish(c, 1, NULL); return; }
        }
        if (c->state == S_BODY && len > 0 && feed_body(c, p, len, t)) { finish(c, 1, NULL); return; }
    }
}

static void on_writable(struct conn *c) {
    if (c->state == S_CONNECTING) {
        int err = 0;
        socklen_t el = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err) { finish(c, 0, &f_connect); return; }
        c->state = S_SENDING;
    }
    while (c->sent < g_req_len) {
        ssize_t n = write(c->fd, g_req + c->sent, g_req_len - c->sent);
        if (n < 0) {
            if (errno == EAGAIN) return;
            if (errno == EINTR) continue;
            finish(c, 0, &f_reset);
            return;
        }
        c->sent += (size_t)n;
    }
    c->t_sent = now_ns();
    c->state = S_HEAD;
    c->head = malloc(HEADMAX);
    struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP, .data.ptr = c };
    epoll_ctl(g_epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static struct sockaddr_in g_addr;

static void open_conn(struct conn *c) {
    memset(c, 0, sizeof *c);
    c->t_start = now_ns();
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    g_active++;
    if (c->fd < 0) { c->state = S_CONNECTING; c->fd = -1; g_active--; g_failed++; f_connect++; c->state = S_DONE; return; }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = S_CONNECTING;
    int r = connect(c->fd, (struct sockaddr *)&g_addr, sizeof g_addr);
    if (r < 0 && errno != EINPROGRESS) { finish(c, 0, &f_connect); return; }
    struct epoll_event ev = { .events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.ptr = c };
    epoll_ctl(g_epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void pct_json(const char *name, double *v, size_t n, int comma) {
    if (n == 0) { printf("\"%s\":null%s", name, comma ? "," : ""); return; }
    qsort(v, n, sizeof *v, cmpd);
    double p50 = v[(size_t)(0.50 * (double)(n - 1))], p99 = v[(size_t)(0.99 * (double)(n - 1))];
    printf("\"%s\":{\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"n\":%zu}%s", name, p50, p99, v[n - 1], n, comma ? "," : "");
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *path = "/", *body_file = NULL, *label = "";
    char *headers[32];
    int nheaders = 0;
    long n = 1, conc = 0, batch = 500, batch_ms = 20;
    double gap_ms = 0, first_ms = 0, timeout_s = 60;
    int port = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(a, "--host")) host = v, i++;
        else if (!strcmp(a, "--port")) port = atoi(v), i++;
        else if (!strcmp(a, "--path")) path = v, i++;
        else if (!strcmp(a, "--body-file")) body_file = v, i++;
        else if (!strcmp(a, "--header") && nheaders < 32) headers[nheaders++] = argv[++i];
        else if (!strcmp(a, "-n")) n = atol(v), i++;
        else if (!strcmp(a, "-c")) conc = atol(v), i++;
        else if (!strcmp(a, "--batch")) batch = atol(v), i++;
        else if (!strcmp(a, "--batch-interval-ms")) batch_ms = atol(v), i++;
        else if (!strcmp(a, "--gap-ms")) gap_ms = atof(v), i++;
        else if (!strcmp(a, "--first-ms")) first_ms = atof(v), i++;
        else if (!strcmp(a, "--events")) g_expect_events = atoi(v), i++;
        else if (!strcmp(a, "--timeout-s")) timeout_s = atof(v), i++;
        else if (!strcmp(a, "--label")) label = v, i++;
        else if (!strcmp(a, "--per-event")) g_per_event = 1;
        else { fprintf(stderr, "sse_load: unknown argument %s (see the comment at the top of sse_load.c)\n", a); return 2; }
    }
    if (!port || n < 1) { fprintf(stderr, "sse_load: --port and -n are required\n"); return 2; }
    if (conc <= 0 || conc > n) conc = n;
    g_gap_ns = (uint64_t)(gap_ms * 1e6);
    g_first_ns = (uint64_t)(first_ms * 1e6);

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    if ((rlim_t)conc + 16 > rl.rlim_cur) {
        fprintf(stderr, "sse_load: open-file limit %lu is below %ld connections; raise ulimit -n\n", (unsigned long)rl.rlim_cur, conc);
        return 2;
    }

    char *body = "";
    size_t body_len = 0;
    if (body_file) {
        FILE *f = fopen(body_file, "rb");
        if (!f) { perror(body_file); return 2; }
        fseek(f, 0, SEEK_END);
        body_len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        body = malloc(body_len + 1);
        if (fread(body, 1, body_len, f) != body_len) { perror(body_file); return 2; }
        fclose(f);
    }
    size_t cap = 4096 + body_len;
    for (int i = 0; i < nheaders; i++) cap += strlen(headers[i]) + 2;
    g_req = malloc(cap);
    int len = snprintf(g_req, cap, "POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                                   "Authorization: Bearer bench-key\r\nAccept: text/event-stream\r\nContent-Length: %zu\r\n",
                       path, host, port, body_len);
    for (int i = 0; i < nheaders; i++) len += snprintf(g_req + len, cap - (size_t)len, "%s\r\n", headers[i]);
    len += snprintf(g_req + len, cap - (size_t)len, "\r\n");
    memcpy(g_req + len, body, body_len);
    g_req_len = (size_t)len + body_len;

    memset(&g_addr, 0, sizeof g_addr);
    g_addr.sin_family = AF_INET;
    g_addr.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &g_addr.sin_addr);

    g_conns = calloc((size_t)n, sizeof *g_conns);
    g_gap = malloc(sizeof(double) * (size_t)n * MAXEV);
    g_late = malloc(sizeof(double) * (size_t)n * MAXEV);
    g_ttfb = malloc(sizeof(double) * (size_t)n);
    if (g_per_event)
        for (int i = 0; i < MAXEV; i++) g_gap_by_index[i] = malloc(sizeof(double) * (size_t)n);
    g_epfd = epoll_create1(0);
    struct epoll_event *evs = malloc(sizeof *evs * 4096);

    uint64_t t0 = now_ns(), deadline = t0 + (uint64_t)(timeout_s * 1e9), next_batch = t0;
    long opened = 0;
    while (opened < n || g_active > 0) {
        uint64_t now = now_ns();
        if (now >= deadline) break;
        if (opened < n && now >= next_batch) {
            for (long k = 0; k < batch && opened < n && g_active < conc; k++) open_conn(&g_conns[opened++]);
            next_batch = now + (uint64_t)batch_ms * 1000000ull;
        }
        int wait_ms = 10;
        if (opened < n) {
            uint64_t until = next_batch > now ? (next_batch - now) / 1000000ull : 0;
            if ((int)until < wait_ms) wait_ms = (int)until;
        }
        int k = epoll_wait(g_epfd, evs, 4096, wait_ms);
        for (int i = 0; i < k; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->state == S_DONE) continue;
            if (c->state == S_CONNECTING || c->state == S_SENDING) {
                if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
                    int err = 0; socklen_t el = sizeof err;
                    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el);
                    finish(c, 0, c->state == S_CONNECTING ? &f_connect : &f_reset);
                    continue;
                }
                if (evs[i].events & EPOLLOUT) on_writable(c);
            } else {
                on_readable(c);
            }
        }
    }
    for (long i = 0; i < opened; i++)
        if (g_conns[i].state != S_DONE) finish(&g_conns[i], 0, &f_timeout);
    double wall = (double)(now_ns() - t0) / 1e9;

    printf("{\"label\":\"%s\",\"n\":%ld,\"opened\":%ld,\"held\":%ld,\"completed\":%ld,\"failed\":%ld,"
           "\"fail_connect\":%ld,\"fail_reset\":%ld,\"fail_status\":%ld,\"fail_events\":%ld,\"fail_timeout\":%ld,"
           "\"events_per_stream\":%.2f,\"wall_s\":%.3f,",
           label, n, opened, g_peak_held, g_completed, g_failed, f_connect, f_reset, f_status, f_events, f_timeout,
           opened ? (double)g_total_events / (double)opened : 0.0, wall);
    pct_json("gap_err_ms", g_gap, g_ngap, 1);
    pct_json("late_ms", g_late, g_nlate, 1);
    pct_json("ttfb_ms", g_ttfb, g_nttfb, 0);
    printf("}\n");
    if (g_per_event) {
        for (int i = 1; i < MAXEV; i++) {
            size_t m = g_gap_by_index_n[i];
            if (!m) continue;
            qsort(g_gap_by_index[i], m, sizeof(double), cmpd);
            fprintf(stderr, "event %2d: gap error p50 %.3f p99 %.3f max %.3f ms\n", i, g_gap_by_index[i][m / 2],
                    g_gap_by_index[i][(size_t)(0.99 * (double)(m - 1))], g_gap_by_index[i][m - 1]);
        }
    }
    fprintf(stderr, "sse_load %s: n=%ld held=%ld completed=%ld failed=%ld (connect %ld, reset %ld, status %ld, events %ld, timeout %ld) in %.2fs\n",
            label, n, g_peak_held, g_completed, g_failed, f_connect, f_reset, f_status, f_events, f_timeout, wall);
    return 0;
}
