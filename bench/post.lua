-- wrk script: POST the benchmark's request body (file named by BENCH_BODY_FILE) with the headers a
-- DashScope client sends. No per-response Lua callback (it would slow wrk, which shares the cores
-- with the server); wrk itself prints "Non-2xx or 3xx responses: N" when answers are errors, and
-- bench/run rejects such a figure.
local f = assert(io.open(os.getenv("BENCH_BODY_FILE"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer bench-key"
