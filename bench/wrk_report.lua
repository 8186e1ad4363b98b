-- wrk script for bench/bench_web.py: print one JSON line with the latency percentiles
-- (microseconds) and the counts.
--
-- With the arguments `-- conditional TAG` every request sends `If-None-Match` with the ETag of the
-- last answer this thread got (TAG before the first), as the job page's polling does
-- (static/zflar.js), and the JSON also counts the answers by status (304, 200, other).
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local conditional, tag = false, nil
  for i = 0, #args do
    if args[i] == "conditional" then
      conditional, tag = true, args[i + 1]
    end
  end
  if not conditional then
    return
  end
  n304, n200, nother = 0, 0, 0
  request = function()
    local headers = {}
    for name, value in pairs(wrk.headers) do
      headers[name] = value
    end
    if tag and tag ~= "" then
      headers["If-None-Match"] = tag
    end
    return wrk.format(nil, nil, headers)
  end
  response = function(status, headers, body)
    if status == 304 then
      n304 = n304 + 1
    elseif status == 200 then
      n200 = n200 + 1
    else
      nother = nother + 1
    end
    local answer = headers["ETag"] or headers["etag"]
    if answer then
      tag = answer
    end
  end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local n304, n200, nother = 0, 0, 0
  for _, thread in ipairs(threads) do
    n304 = n304 + (thread:get("n304") or 0)
    n200 = n200 + (thread:get("n200") or 0)
    nother = nother + (thread:get("nother") or 0)
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "errors": %d, "status_errors": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, '
      .. '"status_304": %d, "status_200": %d, "status_other": %d}\n',
    summary.requests, summary.duration, summary.bytes, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean, n304, n200, nother))
end
