-- wrk script: POST one fixed body (read from $BENCH_BODY_FILE); headers come
-- from wrk -H. done() prints one machine-readable line for bench/loadgen.py.
-- No response() callback: defining one makes wrk hand every body to Lua,
-- which would slow the load generator; answers are checked before and after
-- the run instead.

local path = os.getenv("BENCH_BODY_FILE")
local f = assert(io.open(path, "rb"), "cannot open BENCH_BODY_FILE " .. tostring(path))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us":%.0f,"requests":%.0f,"bytes":%.0f,' ..
    '"errors":{"connect":%.0f,"read":%.0f,"write":%.0f,"status":%.0f,"timeout":%.0f},' ..
    '"latency_us":{"min":%.0f,"mean":%.1f,"stdev":%.1f,"max":%.0f,' ..
    '"p50":%.0f,"p90":%.0f,"p99":%.0f,"p99_9":%.0f}}\n',
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9)))
end
