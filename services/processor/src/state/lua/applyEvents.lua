--[[
  Applies a batch of canonical events to ONE shop's retained log, idempotently.
  Input:
    KEYS[1] shop dedup index, ZSET event id -> event time ms         (keys.shopIds)
    KEYS[2] shop event log, ZSET canonical event JSON -> event time ms (keys.shopLog)
    ARGV[1] retention cutoff, epoch ms: entries older than this are trimmed
    ARGV[2] TTL of both keys, seconds (refreshed on every call)
    ARGV[3..] triples: event id, event time ms, canonical event JSON
  Output: the number of events that were new (a duplicate id changes nothing)
]]
local added = 0
for i = 3, #ARGV, 3 do
  local id = ARGV[i]
  local at = ARGV[i + 1]
  -- ZADD NX returns 1 only for an id never seen (within retention).
  if redis.call('ZADD', KEYS[1], 'NX', at, id) == 1 then
    redis.call('ZADD', KEYS[2], at, ARGV[i + 2])
    added = added + 1
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[2])
return added
