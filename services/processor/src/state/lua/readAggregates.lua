--[[
  Reads what ONE shop's evaluation needs of its aggregates (engine/incremental/measure.ts ShopAggregates),
  sending only the parts whose stamp differs from the one the caller holds (state/aggregate-cache.ts).
  A part is the "now" aggregates, the pending items, or one day's aggregates. commitEntities.lua gives
  every part it changes a new stamp in the shop's meta hash, "<epoch>:<token>", the token random per commit,
  so a stamp names one content of its part and never repeats. A stamp counts only under the meta's current
  epoch "se": when "sv" (the version at the last stamped write) differs from the version "v", a commit
  without stamps (an older commitEntities.lua) has moved the state since, so a new epoch makes every stamp
  void. A part without a valid stamp gets one here (the content read with it is of this same moment).
  Input:
    KEYS[1] shop bookkeeping, HASH: "v" version, "se" stamp epoch, "sv" version at the last stamped write,
            "s:c" / "s:p" / "s:<day>" stamps of the parts                          (keys.shopMeta)
    KEYS[2] shop "now" aggregates, HASH "<metric>|<field>" -> integer                (keys.current)
    KEYS[3] shop pending items, ZSET member -> deadline ms                           (keys.pending)
    KEYS[4] shop entity timers, ZSET entity key -> next change, ms                   (keys.timers)
    KEYS[5] shop entity records, HASH entity key -> stored record                    (keys.entities)
    KEYS[6..] day aggregates, HASH "<metric>|<field>" -> integer, one per day read   (keys.day)
    ARGV[1] a new random epoch, used only when the stamps must be voided
    ARGV[2] a new random token, for the parts found without a valid stamp
    ARGV[3] k: the number of entity keys whose records are read (the entities with a pending exclusion)
    ARGV[4..3+k] those entity keys
    ARGV[4+k] the stamp the caller holds for the "now" aggregates ("" none), ARGV[5+k] for the pending items,
    ARGV[6+k..] for each day of KEYS[6..], in order
  Output: { 0 } when the shop has no state (its version is unset); else
          { 1, the earliest timer's ms or "", { record or false per entity key }, part, part, ... } with one
          part per "now", pending, then each day: { stamp } when the caller's stamp is current and the key
          exists (unchanged), else { stamp, content } (HGETALL, or ZRANGE ... WITHSCORES for the pending items).
  Writes: only bookkeeping of the meta hash (epoch, stamps); never the state or its version.
]]
local meta = KEYS[1]
local v = redis.call('HGET', meta, 'v')
if not v then return { 0 } end
local se = redis.call('HGET', meta, 'se')
if not se or redis.call('HGET', meta, 'sv') ~= v then
  se = ARGV[1]
  redis.call('HSET', meta, 'se', se, 'sv', v)
end
local prefix = se .. ':'
local fresh = prefix .. ARGV[2]
-- The part's valid stamp, given one now when it has none.
local function stampOf(field)
  local s = redis.call('HGET', meta, field)
  if s and string.sub(s, 1, #prefix) == prefix then return s end
  redis.call('HSET', meta, field, fresh)
  return fresh
end
local k = tonumber(ARGV[3])
local records = {}
if k > 0 then
  local keys = {}
  for i = 1, k do keys[i] = ARGV[3 + i] end
  records = redis.call('HMGET', KEYS[5], unpack(keys))
end
local timer = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
local out = { 1, timer[2] or '', records }
-- One part: its key, stamp field, the caller's stamp, and how its content is read.
local function part(key, field, held, read)
  local s = stampOf(field)
  if held == s and redis.call('EXISTS', key) == 1 then return { s } end
  return { s, read(key) }
end
local function hash(key) return redis.call('HGETALL', key) end
out[#out + 1] = part(KEYS[2], 's:c', ARGV[4 + k], hash)
out[#out + 1] = part(KEYS[3], 's:p', ARGV[5 + k], function(key) return redis.call('ZRANGE', key, 0, -1, 'WITHSCORES') end)
for i = 6, #KEYS do
  local day = string.match(KEYS[i], ':day:(%d+)$')
  out[#out + 1] = part(KEYS[i], 's:' .. day, ARGV[i + k], hash)
end
return out
