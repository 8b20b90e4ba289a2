--[[
  Applies ONE shop's delta (engine/incremental/delta.ts ShopDelta) atomically, if the shop's state is still
  the version it was computed from; otherwise changes nothing (the caller reloads and recomputes).
  Input:
    KEYS[1] shop entity records, HASH entity key -> stored record (engine/incremental/codec.ts) (keys.entities)
    KEYS[2] shop after-sale links of records stored before codec.ts, HASH afterSaleId -> orderId (keys.links)
    KEYS[3] shop bookkeeping, HASH: "v" state version                               (keys.shopMeta)
    KEYS[4] shop entity timers, ZSET entity key -> next change, ms                  (keys.timers)
    KEYS[5] shop pending items, ZSET "<metric>|<day>|<extra>|<entity key>" -> deadline ms (keys.pending)
    KEYS[6] shop "now" aggregates, HASH "<metric>|<field>" -> integer               (keys.current)
    KEYS[7..] shop day aggregates, HASH "<metric>|<field>" -> integer, one per day (keys.day)
    ARGV[1] expected state version (from loadEntities.lua)
    ARGV[2] TTL of the shop's state keys, seconds
    ARGV[3] TTL of the day aggregates, seconds
    ARGV[4..10] section sizes: records, unlinks, timers, pending removals, pending additions, now deltas, day deltas
    then the sections, in that order:
      records: entity key, stored record (an empty string deletes the record)
      unlinks: afterSaleId whose link can go (its record now names its order, or is gone)
      timers: entity key, ms (an empty string removes the timer)
      pending removals: member
      pending additions: member, deadline ms
      now deltas: field, integer delta
      day deltas: index of the day's key in KEYS (7 = KEYS[7]), field, integer delta
  Output: the new state version, or -1 when the state changed since it was loaded (nothing applied)
]]
local current = redis.call('HGET', KEYS[3], 'v') or '0'
if current ~= ARGV[1] then
  return -1
end
local n = {}
for i = 1, 7 do n[i] = tonumber(ARGV[3 + i]) end
local p = 11
for _ = 1, n[1] do
  if ARGV[p + 1] == '' then
    redis.call('HDEL', KEYS[1], ARGV[p])
  else
    redis.call('HSET', KEYS[1], ARGV[p], ARGV[p + 1])
  end
  p = p + 2
end
for _ = 1, n[2] do
  redis.call('HDEL', KEYS[2], ARGV[p])
  p = p + 1
end
for _ = 1, n[3] do
  if ARGV[p + 1] == '' then
    redis.call('ZREM', KEYS[4], ARGV[p])
  else
    redis.call('ZADD', KEYS[4], ARGV[p + 1], ARGV[p])
  end
  p = p + 2
end
for _ = 1, n[4] do
  redis.call('ZREM', KEYS[5], ARGV[p])
  p = p + 1
end
for _ = 1, n[5] do
  redis.call('ZADD', KEYS[5], ARGV[p + 1], ARGV[p])
  p = p + 2
end
for _ = 1, n[6] do
  if redis.call('HINCRBY', KEYS[6], ARGV[p], ARGV[p + 1]) == 0 then redis.call('HDEL', KEYS[6], ARGV[p]) end
  p = p + 2
end
local touched = {}
for _ = 1, n[7] do
  local k = KEYS[tonumber(ARGV[p])]
  if redis.call('HINCRBY', k, ARGV[p + 1], ARGV[p + 2]) == 0 then redis.call('HDEL', k, ARGV[p + 1]) end
  touched[k] = true
  p = p + 3
end
local ttl = tonumber(ARGV[2])
for i = 1, 6 do redis.call('EXPIRE', KEYS[i], ttl) end
for k in pairs(touched) do redis.call('EXPIRE', k, tonumber(ARGV[3])) end
return redis.call('HINCRBY', KEYS[3], 'v', 1)
