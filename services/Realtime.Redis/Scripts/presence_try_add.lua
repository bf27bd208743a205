-- Adds one presence entry unless the channel already holds ARGV[3] unexpired entries (an
-- atomic cap, used for the per-user connection limit across the cluster). Returns 1 when added
-- (or already present), 0 when the cap is reached.
-- ARGV[1] ttl ms, ARGV[2] connection id, ARGV[3] cap, ARGV[4] value
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
redis.call('ZADD', KEYS[2], nowms + tonumber(ARGV[1]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[1]) * 2)
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]) * 2)
return 1
