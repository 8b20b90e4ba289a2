--[[
  Reads what ONE shop's evaluation needs of its aggregates (engine/incremental/measure.ts ShopAggregates),
  sending only the parts whose stamp differs from the one the caller holds (state/aggregate-cache.ts).
  A part is the "now" aggregates, the pending items, or one day's aggregates. commitEntities.lua gives
  every part it changes a new stamp in the shop's meta hash, "<epoch>:<token>", the token random per commit,
  so a stamp names one content of its part and never repeats. A stamp counts only under the meta's current
  epoch "se": when "sv" (the version at the last stamped write) differs from the version "v", a commit
  without stamps (an older commitEntities.lua) has moved the state since, so a new epoch makes every stamp
  void. A part without a valid stamp gets one here (the content read with it is of this same moment).

  With a moment (ARGV[3]) the same call first does what an evaluation must do before it reads: it returns
  the entities whose timers are due (then no part: the caller recomputes them and reads again), and, at most
  once per ARGV[6] ms, a slice of the shop's records (HSCAN from the cursor kept in the meta hash), in which
  the caller looks for expired ones (architecture.md "retention by entity": a record that only waits for its
  expiry has no timer, so expiry costs no memory per entity). A small hash (listpack) is scanned whole in one
  step; a large one about COUNT entries a step. One round trip when nothing is due.
  Input:
    KEYS[1] shop bookkeeping, HASH: "v" version, "se" stamp epoch, "sv" version at the last stamped write,
            "s:c" / "s:p" / "s:<day>" stamps of the parts, "sc" the sweep's HSCAN cursor, "sw" when it
            last stepped (ms)                                                      (keys.shopMeta)
    KEYS[2] shop "now" aggregates, HASH "<metric>|<field>" -> integer                (keys.current)
    KEYS[3] shop pending items, ZSET member -> deadline ms                           (keys.pending)
    KEYS[4] shop entity timers, ZSET entity key -> next change, ms                   (keys.timers)
    KEYS[5] shop entity records, HASH entity key -> stored record                    (keys.entities)
    KEYS[6..] day aggregates, HASH "<metric>|<field>" -> integer, one per day read   (keys.day)
    ARGV[1] a new random epoch, used only when the stamps must be voided
    ARGV[2] a new random token, for the parts found without a valid stamp
    ARGV[3] now, ms: timers at or before it are due; "" no due timers nor sweep are looked for
    ARGV[4] at most this many due entity keys
    ARGV[5] HSCAN COUNT of the sweep (0: no sweep)
    ARGV[6] the sweep steps at most once per this many ms
    ARGV[7] k: the number of entity keys whose records are read (the entities with a pending exclusion)
    ARGV[8..7+k] those entity keys
    ARGV[8+k] the stamps the caller holds, joined by ",": for the "now" aggregates, the pending items, then each
            day of KEYS[6..], in order ("" for a part it holds none of; stamps never contain "," nor "!"); a
            stamp ending in "!" is of a part the caller holds empty
  Output: { 0 } when the shop has no state (its version is unset);
          { 2, { due entity keys }, { key1, record1, ... } (the sweep's slice) } when timers are due; else
          { 1, the earliest timer's ms or "", { record or false per entity key }, { the sweep's slice },
            part, part, ... } with one part per "now", pending, then each day: 0 when the caller's stamp is
          current and the key exists, or the caller holds it empty (unchanged: the caller keeps what it holds;
          a key can lose its content by expiring without a new stamp, never gain one), else { stamp, content }
          (HGETALL, or ZRANGE ... WITHSCORES for the pending items).
  Writes: only bookkeeping of the meta hash (epoch, stamps, the sweep's cursor and time); never the state or
  its version.
]]
local meta = KEYS[1]
local v = redis.call('HGET', meta, 'v')
if not v then return { 0 } end
local scanned = {}
if ARGV[3] ~= '' then
  local now = tonumber(ARGV[3])
  local last = tonumber(redis.call('HGET', meta, 'sw') or '-1')
  if tonumber(ARGV[5]) > 0 and (last < 0 or now - last >= tonumber(ARGV[6]) or now < last) and redis.call('EXISTS', KEYS[5]) == 1 then
    local r = redis.call('HSCAN', KEYS[5], redis.call('HGET', meta, 'sc') or '0', 'COUNT', tonumber(ARGV[5]))
    scanned = r[2]
    -- Bookkeeping, not state: neither moves the state version.
    redis.call('HSET', meta, 'sc', r[1], 'sw', ARGV[3])
  end
  local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
  if #due > 0 then return { 2, due, scanned } end
end
local se = redis.call('HGET', meta, 'se')
if not se or redis.call('HGET', meta, 'sv') ~= v then
  se = ARGV[1]
  redis.call('HSET', meta, 'se', se, 'sv', v)
end
local prefix = se .. ':'
local fresh = prefix .. ARGV[2]
local k = tonumber(ARGV[7])
local records = {}
if k > 0 then
  local keys = {}
  for i = 1, k do keys[i] = ARGV[7 + i] end
  records = redis.call('HMGET', KEYS[5], unpack(keys))
end
local timer = redis.call('ZRANGE', KEYS[4], 0, 0, 'WITHSCORES')
local out = { 1, timer[2] or '', records, scanned }
-- The stamps the caller holds, in part order ("" where it holds none).
local held, heldEmpty = {}, {}
for s in string.gmatch(ARGV[8 + k] .. ',', '([^,]*),') do
  local empty = string.sub(s, -1) == '!'
  held[#held + 1] = empty and string.sub(s, 1, -2) or s
  heldEmpty[#held] = empty
end
-- The parts in order: the "now" aggregates, the pending items, then each day: key and stamp field.
local keys, fields = { KEYS[2], KEYS[3] }, { 's:c', 's:p' }
for i = 6, #KEYS do
  keys[#keys + 1] = KEYS[i]
  fields[#fields + 1] = 's:' .. string.match(KEYS[i], ':day:(%d+)$')
end
-- Each part's valid stamp, read in one call; the parts without one are given `fresh` in one call.
local stamps = redis.call('HMGET', meta, unpack(fields))
local unstamped = {}
for i = 1, #fields do
  local s = stamps[i]
  if not (s and string.sub(s, 1, #prefix) == prefix) then
    stamps[i] = fresh
    unstamped[#unstamped + 1] = fields[i]
    unstamped[#unstamped + 1] = fresh
  end
end
if #unstamped > 0 then redis.call('HSET', meta, unpack(unstamped)) end
-- A part whose stamp the caller holds is unchanged if the caller holds it empty, or else if its key exists: those
-- keys are counted in one call, and looked at one by one only when some are missing.
local candidates = {}
for i = 1, #fields do
  if held[i] == stamps[i] and not heldEmpty[i] then candidates[#candidates + 1] = keys[i] end
end
local allExist = #candidates == 0 or redis.call('EXISTS', unpack(candidates)) == #candidates
for i = 1, #fields do
  local unchanged = held[i] == stamps[i] and (heldEmpty[i] or allExist or redis.call('EXISTS', keys[i]) == 1)
  if unchanged then
    out[#out + 1] = 0
  elseif i == 2 then
    out[#out + 1] = { stamps[i], redis.call('ZRANGE', keys[i], 0, -1, 'WITHSCORES') }
  else
    out[#out + 1] = { stamps[i], redis.call('HGETALL', keys[i]) }
  end
end
return out
