-- Adds one presence entry unless the channel already holds ARGV[3] unexpired entries (an
-- atomic cap, used for the per-user connection limit across the cluster). Expired entries are
-- dropped first. Returns 1 when added (or already present), 0 when the cap is reached.
-- KEYS[1] hash, KEYS[2] sorted set of expiries; ARGV[1] ttl ms, ARGV[2] connection id,
-- ARGV[3] cap, ARGV[4] value
local now = redis.call('TIME')
local nowms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowms, 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[2], nowms + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 2)
return 1
