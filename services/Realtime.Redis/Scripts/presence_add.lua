-- Adds or refreshes presence entries of one channel, expiring by Redis server time, and drops
-- the channel's expired entries on the way (so a channel nobody reads does not keep them).
-- KEYS[1] hash (connection id -> "user\tserver"), KEYS[2] sorted set (connection id -> expiry ms)
-- ARGV[1] ttl ms, then pairs: connection id, value
local now = redis.call('TIME')
local nowms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowms, 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
local expires = nowms + tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], expires, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 2)
return 0
