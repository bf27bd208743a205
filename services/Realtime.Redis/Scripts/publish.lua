-- Assigns the channel's next offset, appends to its bounded history stream and publishes
-- the envelope, atomically. All keys share the channel's {hash tag}.
-- KEYS[1] meta hash (e = epoch, o = top offset)
-- KEYS[2] history stream (entry id "<offset>-0", fields t = server ms, d = envelope)
-- KEYS[3] idempotency key (only read/written when ARGV[6] > 0)
-- ARGV[1] pub/sub channel      ARGV[2] envelope bytes
-- ARGV[3] max messages (0 = no history, no offsets)
-- ARGV[4] history ttl seconds  ARGV[5] epoch to use if the channel has none
-- ARGV[6] idempotency window seconds (0 = none)
-- ARGV[7] message id           ARGV[8] meta ttl seconds
-- ARGV[9] 1 = Redis Cluster: SPUBLISH on the sharded channel (same slot as the keys), else PUBLISH
-- Returns { deduplicated (0/1), "<offset>:<epoch>:<message id>" }
local window = tonumber(ARGV[6])
if window > 0 then
  local seen = redis.call('GET', KEYS[3])
  if seen then
    return { 1, seen }
  end
end

local offset = 0
local epoch = ''
local maxlen = tonumber(ARGV[3])
if maxlen > 0 then
  epoch = redis.call('HGET', KEYS[1], 'e')
  if not epoch then
    epoch = ARGV[5]
    redis.call('DEL', KEYS[2])
    redis.call('HSET', KEYS[1], 'e', epoch, 'o', 0)
  end
  offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
  local now = redis.call('TIME')
  local nowms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', maxlen, offset .. '-0', 't', nowms, 'd', ARGV[2])
  local ttl = tonumber(ARGV[4])
  if ttl > 0 then
    -- Trim entries older than the window (bounded work per publish), then let the
    -- whole stream expire if nothing is published for a window. The oldest entry is looked at
    -- first: while it is inside the window (the common case) there is nothing to trim, and
    -- reading 32 entries with their payloads on every publish cost ~160 us of Redis CPU.
    local cutoff = nowms - ttl * 1000
    local first = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)
    local oldest = {}
    if #first > 0 and tonumber(first[1][2][2]) < cutoff then
      oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 32)
    end
    local keep = nil
    for _, entry in ipairs(oldest) do
      if tonumber(entry[2][2]) >= cutoff then
        keep = entry[1]
        break
      end
    end
    if keep == nil and #oldest > 0 then
      keep = offset .. '-0'
    end
    if keep ~= nil then
      redis.call('XTRIM', KEYS[2], 'MINID', keep)
    end
    redis.call('PEXPIRE', KEYS[2], ttl * 1000)
  end
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[8]))
end

redis.call(ARGV[9] == '1' and 'SPUBLISH' or 'PUBLISH', ARGV[1], offset .. ':' .. epoch .. ':' .. ARGV[2])
local result = offset .. ':' .. epoch .. ':' .. ARGV[7]
if window > 0 then
  redis.call('SET', KEYS[3], result, 'EX', window)
end
return { 0, result }
