-- wrk script for scripts/flood.sh: every request is a URL (and often a Host header) the
-- server has not seen, shaped to look valid: long and random filter values, real filter
-- combinations, forged agenda codes and private tokens, unknown ids and session ids.
-- Counts answers by status class; the shell script reads the summary from stdout.
local threads = {}
local counter = 0

local formats = { "ics", "xcs", "rss", "atom", "json" }
local tracks = { "time", "web", "data", "ops", "community", "design" }
local rooms = { "hall-a", "hall-b", "room-101", "room-102", "room-201", "lab-u1", "werkstatt", "salon" }
local alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

local function rand(n)
  local t = {}
  for i = 1, n do
    local k = math.random(1, #alphabet)
    t[i] = alphabet:sub(k, k)
  end
  return table.concat(t)
end

local function subset(list)
  local picked = {}
  for _, v in ipairs(list) do
    if math.random() < 0.4 then picked[#picked + 1] = v end
  end
  if #picked == 0 then picked[1] = list[math.random(1, #list)] end
  return table.concat(picked, ",")
end

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  s2xx, s3xx, s4xx, s5xx, other = 0, 0, 0, 0, 0
  n = 0
  -- REQUESTS (total, split over the threads) makes runs comparable on a loaded machine:
  -- each thread stops after its share instead of after a time.
  local total = tonumber(os.getenv("REQUESTS") or "")
  limit = total and math.ceil(total / (tonumber(os.getenv("THREADS") or "") or 1)) or nil
  answered = 0
end

function request()
  n = n + 1
  local fmt = formats[math.random(1, #formats)]
  local kind = n % 10
  local headers = { ["Accept-Encoding"] = (math.random() < 0.5) and "gzip, br" or "identity" }
  local path
  if kind == 0 then
    path = "/events/demo." .. fmt .. "?lang=" .. rand(200) .. "," .. rand(8)
  elseif kind == 1 then
    path = "/events/demo." .. fmt
    headers["Host"] = rand(12) .. ".example:" .. math.random(1, 65535)
  elseif kind == 2 then
    path = "/events/demo/agenda/" .. rand(60) .. "." .. fmt .. "?lang=" .. rand(6)
  elseif kind == 3 then
    -- real filter combinations: valid representations, bounded only by the cache
    path = "/events/demo." .. fmt .. "?track=" .. subset(tracks) .. "&room=" .. subset(rooms)
      .. ((math.random() < 0.5) and "&tz=utc" or "")
  elseif kind == 4 then
    path = "/events/demo." .. fmt .. "?day=20" .. math.random(10, 99) .. "-0" .. math.random(1, 9) .. "-1" .. math.random(0, 9)
  elseif kind == 5 then
    path = "/events/" .. rand(20) .. "." .. fmt
  elseif kind == 6 then
    path = "/private/" .. rand(43) .. "/events/demo." .. fmt
  elseif kind == 7 then
    path = "/events/demo/sessions/" .. rand(16) .. "." .. fmt
  elseif kind == 8 then
    path = "/events/demo?speaker=" .. rand(30)
    headers["Accept"] = "text/html"
  else
    path = "/events/demo." .. fmt .. "?utm_source=" .. rand(40) .. "&type=" .. rand(10)
  end
  return wrk.format("GET", path, headers)
end

function response(status, headers, body)
  answered = answered + 1
  if limit and answered >= limit then wrk.thread:stop() end
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  elseif status >= 200 then s2xx = s2xx + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = { 0, 0, 0, 0, 0 }
  for _, thread in ipairs(threads) do
    t[1] = t[1] + thread:get("s2xx")
    t[2] = t[2] + thread:get("s3xx")
    t[3] = t[3] + thread:get("s4xx")
    t[4] = t[4] + thread:get("s5xx")
    t[5] = t[5] + thread:get("other")
  end
  io.write(string.format("STATUS 2xx=%d 3xx=%d 4xx=%d 5xx=%d other=%d\n", t[1], t[2], t[3], t[4], t[5]))
  io.write(string.format("TOTAL requests=%d errors(connect/read/write/timeout)=%d/%d/%d/%d\n", summary.requests,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
