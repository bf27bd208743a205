-- Reads a channel's epoch, top offset, the server time and up to ARGV[2] entries after
-- offset ARGV[1], in one atomic step.
-- KEYS[1] meta hash, KEYS[2] history stream
-- Returns { epoch or '', top offset, server ms, { {id, {t, ms, d, bytes}}, ... } }
local meta = redis.call('HMGET', KEYS[1], 'e', 'o')
local now = redis.call('TIME')
local nowms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local epoch = meta[1] or ''
local top = tonumber(meta[2] or '0')
local limit = tonumber(ARGV[2])
local entries = {}
if limit > 0 and epoch ~= '' then
  entries = redis.call('XRANGE', KEYS[2], '(' .. ARGV[1] .. '-0', '+', 'COUNT', limit)
end
return { epoch, top, nowms, entries }
