-- Adds or refreshes presence entries of one channel, expiring by Redis server time; expired
-- entries were dropped by the shared head (so a channel nobody reads does not keep them).
-- ARGV[1] ttl ms, then pairs: connection id, value
local expires = nowms + tonumber(ARGV[1])
for i = 2, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[2], expires, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 2)
return 0
