-- wrk script for the benchmarks (bench/loadgen.py sets the environment).
--   BENCH_MODE=sign: POST the sign form, a unique email per request:
--     <BENCH_PREFIX>-t<thread>-<n>@example.org, n = 1, 2, 3... per thread;
--   BENCH_MODE=get: GET BENCH_PATH.
-- Each thread counts the requests it built and the status codes it got;
-- done() prints one line "BENCH_JSON {...}" that the driver parses.
-- BENCH_MAX_REQUESTS (per thread) bounds the run besides wrk's -d.
-- BENCH_POW_FILE: solved proofs of work, one URL-encoded payload a line; thread t
-- of BENCH_THREADS uses lines t, t+T, t+2T... once each (then signs without one).
-- Each sign request comes "through a proxy" (the server trusts 127.0.0.1 as one)
-- from its own address in 198.18.0.0/15, the range set aside for benchmarks;
-- BENCH_FROM_IP: all from that one address instead (a flood, bench/flood.py).

local mode = os.getenv("BENCH_MODE") or "get"
local path = os.getenv("BENCH_PATH") or "/"
local prefix = os.getenv("BENCH_PREFIX") or "bench"
local max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")
local pow_file = os.getenv("BENCH_POW_FILE")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local from_ip = os.getenv("BENCH_FROM_IP") or ""
local zips = { "60614", "10001", "94110", "30303", "77002", "98101", "02139", "48201", "19103", "85004", "55401", "80202" }

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  sent = 0
  responses = 0
  statuses = {}
  with_pow = 0
  proofs = {}
  if mode == "sign" and pow_file and pow_file ~= "" then
    local i = 0
    for line in io.lines(pow_file) do
      if i % nthreads == tid - 1 then
        proofs[#proofs + 1] = line
      end
      i = i + 1
    end
  end
end

function request()
  sent = sent + 1
  if mode == "sign" then
    local body = "signer=individual&name=Bench+Signer+" .. tid .. "&email=" .. prefix .. "-t" .. tid .. "-" .. sent
      .. "%40example.org&zip_code=" .. zips[(sent % #zips) + 1] .. "&show_name=on"
    local proof = proofs[sent]
    if proof then
      body = body .. "&pow=" .. proof
      with_pow = with_pow + 1
    end
    local ip = string.format("198.%d.%d.%d", 18 + (tid % 2), math.floor(sent / 250) % 250, sent % 250 + 1)
    if from_ip ~= "" then
      ip = from_ip
    end
    return wrk.format("POST", path, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["X-Forwarded-For"] = ip,
    }, body)
  end
  return wrk.format("GET", path)
end

function response(status, headers, body)
  responses = responses + 1
  statuses[status] = (statuses[status] or 0) + 1
  if max_requests > 0 and responses >= max_requests then
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local parts = {}
  local total_sent, total_responses, total_pow = 0, 0, 0
  local all_status = {}
  local per_thread = {}
  for _, t in ipairs(threads) do
    local s = t:get("sent") or 0
    total_sent = total_sent + s
    total_responses = total_responses + (t:get("responses") or 0)
    total_pow = total_pow + (t:get("with_pow") or 0)
    table.insert(per_thread, string.format('"%d": %d', t:get("tid"), s))
    for code, n in pairs(t:get("statuses") or {}) do
      all_status[code] = (all_status[code] or 0) + n
    end
  end
  local status_parts = {}
  for code, n in pairs(all_status) do
    table.insert(status_parts, string.format('"%d": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"duration_us": %d, "requests": %d, "bytes": %d, "sent": %d, "responses": %d, "with_pow": %d, '
      .. '"statuses": {%s}, "sent_per_thread": {%s}, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p95": %d, "p99": %d, "max": %d, "mean": %.1f}}\n',
    summary.duration, summary.requests, summary.bytes, total_sent, total_responses, total_pow,
    table.concat(status_parts, ", "), table.concat(per_thread, ", "),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
