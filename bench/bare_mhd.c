/*
 * bare_mhd: the limit of the stack MockScope is built on. A plain C libmicrohttpd server that
 * answers every request with the same bytes, configured as MockScope configures its daemon
 * (epoll, internal thread pool of 2, connection limit, memory limit, listen backlog).
 *
 *   bare_mhd json PORT BODY_FILE        every request gets BODY_FILE (application/json) from one
 *                                       persistent response object, queued on the second call of
 *                                       the access handler (queuing on the first answers
 *                                       "Connection: close").
 *   bare_mhd sse  PORT EVENTS_FILE GAP_MS
 *                                       every request gets the SSE events of EVENTS_FILE (split
 *                                       after each blank line), event i due GAP_MS*i after the
 *                                       request was received. A connection with nothing due is
 *                                       suspended; one timer thread with a min-heap resumes the
 *                                       connections that are due, in batches (the same design as
 *                                       MockScope's StreamScheduler).
 *
 * The environment variable BARE_MHD_MEMORY_LIMIT overrides the per-connection memory pool
 * (default 8192, MockScope's setting), to show what it costs in RSS; BARE_MHD_BLOCK_SIZE the
 * block each streamed response allocates (default 512, MockScope's streamBlockSize; chunked
 * bodies are written in the connection's pool and never use it).
 * PORT 0 picks a free port. Prints "listening PORT" on stdout, runs until SIGTERM/SIGINT.
 * Build: gcc -O2 -o bare_mhd bare_mhd.c $(pkg-config --cflags --libs libmicrohttpd) -lpthread
 */
#define _GNU_SOURCE
#include <microhttpd.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static struct MHD_Response *g_json;      /* persistent response (json mode) */
static char *g_events[1024];              /* sse mode: event bytes */
static size_t g_event_len[1024];
static int g_event_count;
static uint64_t g_gap_ns;
static int g_marker;                      /* *con_cls for the first call */

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- timer thread: a min-heap of (due, connection) ---------------------------------------- */

struct wake { uint64_t due; struct MHD_Connection *conn; };
static struct wake *g_heap;
static size_t g_heap_len, g_heap_cap;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;
static const uint64_t SLACK_NS = 200000; /* wake-ups due within 0.2 ms go in one batch */

static void heap_push(struct wake w) {
    if (g_heap_len == g_heap_cap) {
        g_heap_cap = g_heap_cap ? g_heap_cap * 2 : 1024;
        g_heap = realloc(g_heap, g_heap_cap * sizeof *g_heap);
    }
    size_t i = g_heap_len++;
    g_heap[i] = w;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (g_heap[p].due <= g_heap[i].due) break;
        struct wake t = g_heap[p]; g_heap[p] = g_heap[i]; g_heap[i] = t;
        i = p;
    }
}

static struct wake heap_pop(void) {
    struct wake top = g_heap[0];
    g_heap[0] = g_heap[--g_heap_len];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, b = i;
        if (l < g_heap_len && g_heap[l].due < g_heap[b].due) b = l;
        if (r < g_heap_len && g_heap[r].due < g_heap[b].due) b = r;
        if (b == i) break;
        struct wake t = g_heap[b]; g_heap[b] = g_heap[i]; g_heap[i] = t;
        i = b;
    }
    return top;
}

static void *timer_main(void *arg) {
    (void)arg;
    struct MHD_Connection **batch = NULL;
    size_t batch_cap = 0;
    pthread_mutex_lock(&g_lock);
    for (;;) {
        if (g_heap_len == 0) { pthread_cond_wait(&g_cond, &g_lock); continue; }
        uint64_t now = now_ns();
        if (g_heap[0].due > now + SLACK_NS) {
            uint64_t due = g_heap[0].due;
            struct timespec ts = { (time_t)(due / 1000000000ull), (long)(due % 1000000000ull) };
            pthread_cond_timedwait(&g_cond, &g_lock, &ts);
            continue;
        }
        size_t n = 0;
        while (g_heap_len > 0 && g_heap[0].due <= now + SLACK_NS) {
            if (n == batch_cap) { batch_cap = batch_cap ? batch_cap * 2 : 1024; batch = realloc(batch, batch_cap * sizeof *batch); }
            batch[n++] = heap_pop().conn;
        }
        pthread_mutex_unlock(&g_lock);
        for (size_t i = 0; i < n; i++) MHD_resume_connection(batch[i]);
        pthread_mutex_lock(&g_lock);
    }
    return NULL;
}

/* ---- sse stream -------------------------------------------------------------------------- */

struct stream { struct MHD_Connection *conn; uint64_t start; int next; };

static ssize_t sse_reader(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    struct stream *s = cls;
    if (s->next >= g_event_count) return MHD_CONTENT_READER_END_OF_STREAM;
    uint64_t due = s->start + g_gap_ns * (uint64_t)s->next;
    if (now_ns() < due) {
        pthread_mutex_lock(&g_lock);
        MHD_suspend_connection(s->conn);
        heap_push((struct wake){ due, s->conn });
        if (g_heap[0].conn == s->conn) pthread_cond_signal(&g_cond);
        pthread_mutex_unlock(&g_lock);
        return 0;
    }
    size_t len = g_event_len[s->next];
    if (len > max) len = max; /* events are far smaller than max: the chunked write buffer (the pool) */
    memcpy(buf, g_events[s->next], len);
    s->next++;
    return (ssize_t)len;
}

static void sse_free(void *cls) { free(cls); }

static size_t g_block_size = 512;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    if (*con_cls == NULL) { *con_cls = &g_marker; return MHD_YES; }   /* queue on the second call */
    if (*upload_size) { *upload_size = 0; return MHD_YES; }           /* body ignored */
    if (g_json) return MHD_queue_response(conn, MHD_HTTP_OK, g_json);
    struct stream *s = calloc(1, sizeof *s);
    s->conn = conn;
    s->start = now_ns();
    struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, g_block_size, sse_reader, s, sse_free);
    MHD_add_response_header(r, "content-type", "text/event-stream;charset=UTF-8");
    MHD_add_response_header(r, "x-dashscope-call-gateway", "true");
    enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) { perror(path); exit(2); }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static volatile sig_atomic_t g_stop;
static void on_signal(int sig) { (void)sig; g_stop = 1; }

int main(int argc, char **argv) {
    if (argc < 4 || (strcmp(argv[1], "json") && strcmp(argv[1], "sse")) || (!strcmp(argv[1], "sse") && argc < 5)) {
        fprintf(stderr, "usage: %s json PORT BODY_FILE | sse PORT EVENTS_FILE GAP_MS\n", argv[0]);
        return 2;
    }
    int sse = !strcmp(argv[1], "sse");
    unsigned port = (unsigned)atoi(argv[2]);
    size_t len;
    char *bytes = read_file(argv[3], &len);

    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    unsigned limit = rl.rlim_cur > 16064 ? 16000 : (unsigned)rl.rlim_cur - 64;

    size_t memory_limit = getenv("BARE_MHD_MEMORY_LIMIT") ? (size_t)atol(getenv("BARE_MHD_MEMORY_LIMIT")) : 8192;
    if (getenv("BARE_MHD_BLOCK_SIZE") && atol(getenv("BARE_MHD_BLOCK_SIZE")) > 0) g_block_size = (size_t)atol(getenv("BARE_MHD_BLOCK_SIZE"));
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
    if (sse) {
        flags |= MHD_ALLOW_SUSPEND_RESUME;
        g_gap_ns = (uint64_t)atoi(argv[4]) * 1000000ull;
        size_t start = 0;
        for (size_t i = 0; i + 1 < len && g_event_count < 1024; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                g_events[g_event_count] = bytes + start;
                g_event_len[g_event_count++] = i + 2 - start;
                start = i + 2;
                i++;
            }
        }
        pthread_condattr_t ca;
        pthread_condattr_init(&ca);
        pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
        pthread_cond_init(&g_cond, &ca);
        pthread_t timer;
        pthread_create(&timer, NULL, timer_main, NULL);
    } else {
        g_json = MHD_create_response_from_buffer(len, bytes, MHD_RESPMEM_PERSISTENT);
        MHD_add_response_header(g_json, "x-request-id", "7889bab6-9ae0-9d87-9fbf-fa151fa2db14");
        MHD_add_response_header(g_json, "x-dashscope-call-gateway", "true");
        MHD_add_response_header(g_json, "content-type", "application/json");
    }

    struct MHD_Daemon *d = MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                                            MHD_OPTION_THREAD_POOL_SIZE, (unsigned)2,
                                            MHD_OPTION_CONNECTION_LIMIT, limit,
                                            MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory_limit,
                                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)300,
                                            MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)4096,
                                            MHD_OPTION_END);
    if (!d) { fprintf(stderr, "bare_mhd: could not start on port %u\n", port); return 1; }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    printf("listening %u\n", info ? info->port : port);
    fflush(stdout);

    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    while (!g_stop) pause();
    /* A benchmark server: with streams suspended, stopping the daemon would break MHD's contract
       (resume all first) while the timer thread races to suspend them again; just leave. */
    if (sse) _exit(0);
    MHD_stop_daemon(d);
    return 0;
}
