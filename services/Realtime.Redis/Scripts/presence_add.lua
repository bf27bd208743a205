-- Adds or refreshes presence entries of one channel, expiring by Redis server time.
-- KEYS[1] hash (connection id -> "user\tserver"), KEYS[2] sorted set (connection id -> expiry ms)
-- ARGV[1] ttl ms, then pairs: connection id, value
local now = redis.call('TIME')
local expires = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) + tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], expires, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 2)
return 0
