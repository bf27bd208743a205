-- Shared head of the event scripts (prepended when loaded). KEYS[1] is the event stream; every
-- key these scripts touch is derived from it and carries its hash tag, so all live in one Redis
-- Cluster slot. ARGV[1] is the stream's approximate maximum length.
local base = KEYS[1]
local maxlen = ARGV[1]
local clock = redis.call('TIME')
local nowms = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)

-- Appends one event with the next sequence number of its scope (the channel for channel events,
-- else the user), in the same step, so the sequence and the stream order agree.
local function emit(kind, server, user, conn, channel, reason, code)
  local scope
  if kind == 'channel_occupied' or kind == 'channel_vacated' then
    scope = 'c:' .. channel
  else
    scope = 'u:' .. user
  end
  local seq = redis.call('HINCRBY', base .. ':seq', scope, 1)
  return redis.call('XADD', base, 'MAXLEN', '~', maxlen, '*',
    'type', kind, 'server', server, 'user', user, 'conn', conn, 'channel', channel,
    'reason', reason, 'code', code, 'time', nowms, 'seq', seq)
end

-- A connection leaves a channel it is tracked in: unsubscribed, then presence_leave when it was
-- the user's last connection there, then channel_vacated when it was the last connection.
local function leave(server, conn, user, channel, reason)
  if redis.call('SREM', base .. ':conn:' .. conn, channel) == 0 then
    return 0
  end
  emit('unsubscribed', server, user, conn, channel, reason, 0)
  local users = base .. ':users:' .. channel
  if redis.call('HINCRBY', users, user, -1) <= 0 then
    redis.call('HDEL', users, user)
    emit('presence_leave', server, user, conn, channel, reason, 0)
  end
  if redis.call('HINCRBY', base .. ':clients', channel, -1) <= 0 then
    redis.call('HDEL', base .. ':clients', channel)
    emit('channel_vacated', server, user, conn, channel, '', 0)
  end
  return 1
end
