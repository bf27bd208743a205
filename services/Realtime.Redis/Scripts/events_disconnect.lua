-- ARGV: maxlen, server, conn, reason, code. The tracking entry is the once-only marker: the
-- first caller (the edge itself, or any reaper after the edge died) removes it and appends the
-- channel events of every channel still held, then disconnected; later callers append nothing.
local server, conn, reason, code = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5])
local edge = base .. ':edge:' .. server
local user = redis.call('HGET', edge, conn)
if not user then
  return 0
end
local channels = redis.call('SMEMBERS', base .. ':conn:' .. conn)
table.sort(channels)
for _, channel in ipairs(channels) do
  leave(server, conn, user, channel, 'disconnect')
end
redis.call('DEL', base .. ':conn:' .. conn)
redis.call('HDEL', edge, conn)
redis.call('HDEL', base .. ':user:' .. user, conn)
emit('disconnected', server, user, conn, '', reason, code)
if redis.call('HLEN', edge) == 0 then
  redis.call('SREM', base .. ':edges', server)
end
return 1
