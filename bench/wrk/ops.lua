-- One wrk script for every benchmarked operation; the Python driver (bench/run.py)
-- picks the operation and its inputs through environment variables:
--   BENCH_OP    create | retrieve | rates | update | confirm
--   BENCH_KEY   the authorization header
--   BENCH_BODY  file holding the JSON body (create, update)
--   BENCH_IDS   file with one draft id per line (every operation but create)
-- wrk runs one Lua state per thread; thread k takes ids k, k+T, k+2T, ... so that
-- confirm never confirms the same draft twice while the ids last.
-- done() prints one line "BENCH {json}" that the driver parses.

local op = os.getenv("BENCH_OP")
local key = os.getenv("BENCH_KEY")
local next_index = 0
local thread_count = 0

function setup(thread)
  thread:set("tindex", next_index)
  next_index = next_index + 1
  thread_count = thread_count + 1
end

local function read_file(path)
  local f = assert(io.open(path, "rb"))
  local data = f:read("*a")
  f:close()
  return data
end

function init(args)
  ids = {}
  local ids_path = os.getenv("BENCH_IDS")
  if ids_path and ids_path ~= "" then
    for line in io.lines(ids_path) do
      if line ~= "" then ids[#ids + 1] = line end
    end
  end
  local body_path = os.getenv("BENCH_BODY")
  body = (body_path and body_path ~= "") and read_file(body_path) or nil
  step = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
  cursor = tindex or 0
  json_headers = { ["authorization"] = key, ["content-type"] = "application/json" }
  plain_headers = { ["authorization"] = key }
end

local function next_id()
  local id = ids[(cursor % #ids) + 1]
  cursor = cursor + step
  return id
end

function request()
  if op == "create" then
    return wrk.format("POST", "/v1/draft_orders", json_headers, body)
  elseif op == "retrieve" then
    return wrk.format("GET", "/v1/draft_orders/" .. next_id(), plain_headers)
  elseif op == "rates" then
    return wrk.format("GET", "/v1/draft_orders/" .. next_id() .. "/rates", plain_headers)
  elseif op == "update" then
    return wrk.format("POST", "/v1/draft_orders/" .. next_id(), json_headers, body)
  elseif op == "confirm" then
    return wrk.format("POST", "/v1/draft_orders/" .. next_id() .. "/confirm", plain_headers)
  end
  error("unknown BENCH_OP " .. tostring(op))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"mean_us":%.1f,' ..
    '"non2xx":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.mean,
    e.status, e.connect, e.read, e.write, e.timeout))
end
