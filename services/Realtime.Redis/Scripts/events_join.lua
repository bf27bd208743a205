-- ARGV: maxlen, server, conn, user, channel. channel_occupied when first, subscribed,
-- presence_join when the user's first connection there. Untracked connections are ignored.
local server, conn, user, channel = ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HEXISTS', base .. ':edge:' .. server, conn) == 0 then
  return 0
end
if redis.call('SADD', base .. ':conn:' .. conn, channel) == 0 then
  return 0
end
if redis.call('HINCRBY', base .. ':clients', channel, 1) == 1 then
  emit('channel_occupied', server, user, conn, channel, '', 0)
end
emit('subscribed', server, user, conn, channel, '', 0)
if redis.call('HINCRBY', base .. ':users:' .. channel, user, 1) == 1 then
  emit('presence_join', server, user, conn, channel, '', 0)
end
return 1
