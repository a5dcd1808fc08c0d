-- wrk script of scripts/bench/memory.sh: cycles through the representations in the file
-- named by URLS ("<path>\t<Accept-Encoding>" per line), each thread from its own offset, and
-- counts answers by status class.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  paths, codings = {}, {}
  for line in io.lines(os.getenv("URLS")) do
    local p, c = line:match("^(.-)\t(.*)$")
    paths[#paths + 1] = p
    codings[#codings + 1] = c
  end
  local nthreads = tonumber(os.getenv("THREADS") or "") or 1
  i = math.floor(#paths * id / nthreads)
  s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], { ["Accept-Encoding"] = codings[i] })
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  else s2xx = s2xx + 1 end
end

function done(summary, latency, requests)
  local t = { 0, 0, 0, 0 }
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("s2xx")
    t[2] = t[2] + thread:get("s3xx")
    t[3] = t[3] + thread:get("s4xx")
    t[4] = t[4] + thread:get("s5xx")
  end
  io.write(string.format("STATUS 2xx=%d 3xx=%d 4xx=%d 5xx=%d\n", t[1], t[2], t[3], t[4]))
  io.write(string.format("TOTAL requests=%d bytes=%d errors=%d\n", summary.requests, summary.bytes,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
