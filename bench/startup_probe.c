/*
 * startup_probe: time from process start to the first answered request.
 *
 *   startup_probe --port P --path PATH --body-file F [--repeat R] [--timeout-s T] -- CMD [ARGS...]
 *
 * Each round: takes CLOCK_MONOTONIC, fork+exec CMD (its output to /dev/null), then in a tight loop
 * (100 us apart) connects to 127.0.0.1:P and POSTs the body until an answer with status 200 comes
 * back; the time is taken when the status line arrives. Then SIGTERM (SIGKILL after 5 s) and wait.
 * Prints one JSON object: every round in ms, the median, min and max.
 * Build: gcc -O2 -o startup_probe startup_probe.c
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One attempt: 200 when answered OK, another status, or -1 when nothing listens yet. */
static int attempt(int port, const char *req, size_t req_len, uint64_t *t_status) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval tv = { 5, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int status = -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, req, req_len) == (ssize_t)req_len) {
        char buf[4096];
        size_t have = 0;
        while (have < sizeof buf - 1) {
            ssize_t n = read(fd, buf + have, sizeof buf - 1 - have);
            if (n <= 0) break;
            have += (size_t)n;
            buf[have] = 0;
            if (strstr(buf, "\r\n")) { *t_status = now_ns(); status = atoi(buf + 9); break; }
        }
        if (status < 0) status = 0;
    }
    struct linger lg = { 1, 0 };
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
    return status;
}

int main(int argc, char **argv) {
    int port = 0, repeat = 5, cmd = 0;
    const char *path = "/", *body_file = NULL;
    double timeout_s = 60;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) { cmd = i + 1; break; }
        const char *v = i + 1 < argc ? argv[i + 1] : "";
        if (!strcmp(argv[i], "--port")) port = atoi(v), i++;
        else if (!strcmp(argv[i], "--path")) path = v, i++;
        else if (!strcmp(argv[i], "--body-file")) body_file = v, i++;
        else if (!strcmp(argv[i], "--repeat")) repeat = atoi(v), i++;
        else if (!strcmp(argv[i], "--timeout-s")) timeout_s = atof(v), i++;
        else { fprintf(stderr, "startup_probe: unknown argument %s\n", argv[i]); return 2; }
    }
    if (!port || !cmd || cmd >= argc || !body_file) { fprintf(stderr, "usage: see the comment at the top of startup_probe.c\n"); return 2; }
    FILE *f = fopen(body_file, "rb");
    if (!f) { perror(body_file); return 2; }
    char body[65536];
    size_t body_len = fread(body, 1, sizeof body, f);
    fclose(f);
    char req[70000];
    int len = snprintf(req, sizeof req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
                                        "Authorization: Bearer bench-key\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", path, port, body_len);
    memcpy(req + len, body, body_len);
    size_t req_len = (size_t)len + body_len;

    double *ms = calloc((size_t)repeat, sizeof *ms);
    int ok = 0, last_status = -1;
    for (int r = 0; r < repeat; r++) {
        uint64_t t0 = now_ns(), t1 = 0;
        pid_t pid = fork();
        if (pid == 0) {
            int null = open("/dev/null", O_WRONLY);
            dup2(null, 1);
            dup2(null, 2);
            execvp(argv[cmd], argv + cmd);
            _exit(127);
        }
        int status = -1;
        while (now_ns() - t0 < (uint64_t)(timeout_s * 1e9)) {
            status = attempt(port, req, req_len, &t1);
            if (status == 200) break;
            if (status > 0) break; /* answered, but not with the fixture: report it */
            int st;
            if (waitpid(pid, &st, WNOHANG) == pid) { status = -2; pid = 0; break; }
            struct timespec pause = { 0, 100000 };
            nanosleep(&pause, NULL);
        }
        last_status = status;
        if (status == 200) ms[ok++] = (double)(t1 - t0) / 1e6;
        if (pid > 0) {
            kill(pid, SIGTERM);
            uint64_t k0 = now_ns();
            int st;
            while (waitpid(pid, &st, WNOHANG) == 0) {
                if (now_ns() - k0 > 5000000000ull) { kill(pid, SIGKILL); waitpid(pid, &st, 0); break; }
                usleep(1000);
            }
        }
        if (status != 200) break;
    }
    printf("{\"rounds\":[");
    for (int i = 0; i < ok; i++) printf("%s%.2f", i ? "," : "", ms[i]);
    printf("]");
    if (ok > 0) {
        double sorted[ok];
        memcpy(sorted, ms, sizeof(double) * (size_t)ok);
        qsort(sorted, (size_t)ok, sizeof(double), cmpd);
        printf(",\"median_ms\":%.2f,\"min_ms\":%.2f,\"max_ms\":%.2f", sorted[ok / 2], sorted[0], sorted[ok - 1]);
    }
    printf(",\"status\":%d}\n", last_status);
    return ok == repeat ? 0 : 1;
}
