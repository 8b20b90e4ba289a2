--[[
  What ONE shop's evaluation must recompute before it reads the aggregates (engine/incremental/delta.ts):
  the entities whose timers are due, and a slice of the shop's records, scanned a little at every
  evaluation at most once per interval, in which the caller looks for expired ones (architecture.md
  "retention by entity": a record that only waits for its expiry has no timer, so expiry costs no memory
  per entity). A small hash (listpack) is scanned whole in one step; a large one COUNT entries a step.
  Input:
    KEYS[1] shop entity timers, ZSET entity key -> next change, ms                  (keys.timers)
    KEYS[2] shop entity records, HASH entity key -> stored record                   (keys.entities)
    KEYS[3] shop bookkeeping, HASH: "sc" the sweep's HSCAN cursor, "sw" when it last stepped (ms) (keys.shopMeta)
    ARGV[1] now, ms: timers at or before it are due
    ARGV[2] at most this many due timers
    ARGV[3] HSCAN COUNT of the sweep (0: no sweep)
    ARGV[4] the sweep steps at most once per this many ms
  Output: { {due entity keys}, {key1, record1, key2, record2, ...} (the slice scanned) }
]]
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local scanned = {}
local now = tonumber(ARGV[1])
local last = tonumber(redis.call('HGET', KEYS[3], 'sw') or '-1')
if tonumber(ARGV[3]) > 0 and (last < 0 or now - last >= tonumber(ARGV[4]) or now < last) and redis.call('EXISTS', KEYS[2]) == 1 then
  local cursor = redis.call('HGET', KEYS[3], 'sc') or '0'
  local r = redis.call('HSCAN', KEYS[2], cursor, 'COUNT', tonumber(ARGV[3]))
  scanned = r[2]
  -- Bookkeeping, not state: neither moves the state version.
  redis.call('HSET', KEYS[3], 'sc', r[1], 'sw', ARGV[1])
end
return { due, scanned }
