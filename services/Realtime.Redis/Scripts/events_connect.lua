-- ARGV: maxlen, server, conn, user. Tracks the connection on its edge; appends connected once.
local server, conn, user = ARGV[2], ARGV[3], ARGV[4]
if redis.call('HSETNX', base .. ':edge:' .. server, conn, user) == 0 then
  return 0
end
redis.call('SADD', base .. ':edges', server)
redis.call('HSET', base .. ':user:' .. user, conn, server)
emit('connected', server, user, conn, '', '', 0)
return 1
