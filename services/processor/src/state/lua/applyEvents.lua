--[[
  Applies a batch of canonical events to ONE shop's retained state, idempotently.
  Input:
    KEYS[1] shop dedup index, ZSET event id -> event time ms                      (keys.shopIds)
    KEYS[2] shop event log, ZSET canonical event JSON -> event time ms              (keys.shopLog)
    KEYS[3] shop latest tracking update per order, HASH orderId -> event JSON        (keys.shopTrack)
    KEYS[4] index of KEYS[3] for trimming, ZSET orderId -> event time ms             (keys.shopTrackIndex)
    ARGV[1] retention cutoff, epoch ms: entries older than this are trimmed
    ARGV[2] TTL of the keys, seconds (refreshed on every call)
    ARGV[3..] quadruples: event id, event time ms, canonical event JSON, lane:
              "" (kept as is in the log) or an orderId (a logistics.updated: only the order's latest is
              kept, since the metrics read only the time of an order's last tracking update)
  Output: the number of events that were new (a duplicate id changes nothing)
]]
local added = 0
for i = 3, #ARGV, 4 do
  local at = tonumber(ARGV[i + 1])
  -- ZADD NX returns 1 only for an id never seen within retention.
  if redis.call('ZADD', KEYS[1], 'NX', at, ARGV[i]) == 1 then
    local lane = ARGV[i + 3]
    if lane == '' then
      redis.call('ZADD', KEYS[2], at, ARGV[i + 2])
    else
      local prev = redis.call('ZSCORE', KEYS[4], lane)
      if (not prev) or tonumber(prev) < at then
        redis.call('HSET', KEYS[3], lane, ARGV[i + 2])
        redis.call('ZADD', KEYS[4], at, lane)
      end
    end
    added = added + 1
  end
end
local cutoff = '(' .. ARGV[1]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
local expired = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', cutoff, 'LIMIT', 0, 1000)
if #expired > 0 then
  redis.call('HDEL', KEYS[3], unpack(expired))
  redis.call('ZREM', KEYS[4], unpack(expired))
end
for k = 1, 4 do
  redis.call('EXPIRE', KEYS[k], ARGV[2])
end
return added
