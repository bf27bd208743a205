-- Shared head of the presence scripts (prepended to each when loaded): reads the server time
-- into nowms and drops up to 1,000 expired entries of the channel.
-- KEYS[1] hash (connection id -> "user\tserver"), KEYS[2] sorted set (connection id -> expiry ms)
local now = redis.call('TIME')
local nowms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', nowms, 'LIMIT', 0, 1000)
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
