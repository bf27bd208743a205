-- ARGV: maxlen, server, conn, user, channel, reason.
local server, conn, user, channel, reason = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
if redis.call('HEXISTS', base .. ':edge:' .. server, conn) == 0 then
  return 0
end
return leave(server, conn, user, channel, reason)
