-- Returns the unexpired presence entries of one channel as a flat HGETALL list (expired ones
-- were dropped by the shared head).
return redis.call('HGETALL', KEYS[1])
