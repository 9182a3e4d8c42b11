-- bench/run's wrk script: requests from a file, a client address per request, statuses counted.
--
-- BENCH_REQUESTS  a file of requests, one a line: method, path, cookie, content type, body (tab-separated);
--                 the threads take the lines in turn, each line once before any is taken again
-- BENCH_ADDRESS   "pool" (a fresh address from 10.0.0.0/8 per request, as many clients behind the
--                 proxy look) or one address, as a single client (the flood)
-- BENCH_ORIGIN    sent as Origin on POSTs, for Django's CSRF check over HTTPS
-- BENCH_THREADS   wrk's -t
-- Every request says it came through the TLS proxy (X-Forwarded-Proto), as production is deployed.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("id", #threads)
end

function init(args)
   requests = {}
   for line in io.lines(os.getenv("BENCH_REQUESTS")) do
      local method, path, cookie, ctype, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      table.insert(requests, { method = method, path = path, cookie = cookie, ctype = ctype, body = body })
   end
   address = os.getenv("BENCH_ADDRESS") or "pool"
   origin = os.getenv("BENCH_ORIGIN") or ""
   step = tonumber(os.getenv("BENCH_THREADS") or "1")
   position = id - 1
   statuses = {}
   math.randomseed(id * 7919 + os.time())
end

local function client_address()
   if address ~= "pool" then
      return address
   end
   return string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
end

function request()
   local r = requests[(position % #requests) + 1]
   position = position + step
   local headers = { ["X-Forwarded-Proto"] = "https", ["X-Forwarded-For"] = client_address() }
   if r.cookie ~= "" then
      headers["Cookie"] = r.cookie
   end
   if r.ctype ~= "" then
      headers["Content-Type"] = r.ctype
   end
   local body = nil
   if r.method == "POST" then
      headers["Origin"] = origin
      body = r.body
   end
   return wrk.format(r.method, r.path, headers, body)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests_)
   local counts = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("statuses")) do
         counts[status] = (counts[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(counts) do
      table.insert(parts, string.format('"%d": %d', status, count))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCHJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, '
         .. '"socket_errors": %d, "statuses": {%s}}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout, table.concat(parts, ", ")
   ))
end
