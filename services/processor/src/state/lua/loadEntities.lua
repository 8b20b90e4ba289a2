--[[
  Loads entity records of ONE shop for an apply or timer pass (engine v2, engine/incremental/delta.ts), and
  which of the pass's event ids the shop's seen-id index holds (engine/incremental/seen-ids.ts).
  Input:
    KEYS[1] shop entity records, HASH entity key -> stored record (engine/incremental/codec.ts)  (keys.entities)
    KEYS[2] shop bookkeeping, HASH with field "v": the state version               (keys.shopMeta)
    KEYS[3] shop seen-id index, HASH (layout in commitEntities.lua)                 (keys.seen)
    KEYS[4] shop entity timers, ZSET entity key -> next change, ms (read with ARGV[3])  (keys.timers)
    ARGV[1] the oldest day number whose entries count (older ones are past the retention)
    ARGV[2] fingerprints to look up, 12 bytes each, concatenated (may be empty)
    ARGV[3] a moment, ms: the entities whose timers are due at it (at most ARGV[4], soonest first) are
            loaded too, before the keys of ARGV[5..] (an evaluation's timer pass, entity-store.ts, sends
            this call beside readAggregates.lua so that a pass needs no round trip of its own to load);
            "" none
    ARGV[4] at most this many due entity keys
    ARGV[5..] entity keys ("o:<orderId>", "a:<afterSaleId>", "c:<consumerId>")
  Output: { version, live, seen, due, key1, record1 or "", key2, record2 or "", ... }: the state version,
          the number of records the shop holds now (its live entities, for the quota), one character per
          fingerprint ("1" held, "0" not), how many of the keys that follow are the due entities (they lead),
          every requested key, then the order of every requested after-sale that names one (an order's
          metrics read its after-sales' summaries; a record "~<orderId>;..." names its order, %XX escaped).
          The version is passed back to commitEntities.lua, which refuses to apply over a newer state, so
          what this load saw of the index and the timers is what the commit extends.
  Bounds: HMGET is called with at most CHUNK fields at a time (Lua's unpack refuses about 8,000 values, and
          one large call blocks Redis); the caller sends at most about 1,000 keys and ids per call
          (entity-store.ts); a fingerprint's look-up reads one bucket of the index (about 40 entries).
]]
local CHUNK = 500
local FP = 12
local ENTRY = 14
-- HMGET of `fields`, CHUNK at a time; returns the values in order (false for a missing field).
local function hmget(key, fields)
  local values = {}
  for i = 1, #fields, CHUNK do
    local part = redis.call('HMGET', key, unpack(fields, i, math.min(i + CHUNK - 1, #fields)))
    for j = 1, #part do values[#values + 1] = part[j] end
  end
  return values
end
local version = redis.call('HGET', KEYS[2], 'v') or '0'

-- The seen-id index: linear hashing over buckets "0".."n-1" (n = 2^level + split); field "p" holds
-- "level,split,count,cursor"; a bucket is a 2-byte header, then its entries. A fingerprint's bucket is its first 3 bytes modulo 2^level, or modulo
-- 2^(level+1) when that bucket was already split.
local floor = tonumber(ARGV[1])
local fps = ARGV[2]
local seen = {}
if #fps > 0 then
  local p = redis.call('HGET', KEYS[3], 'p')
  local level, split = 0, 0
  if p then
    local a, b = string.match(p, '^(%d+),(%d+),')
    level, split = tonumber(a), tonumber(b)
  end
  local buckets = {}
  for i = 1, #fps, FP do
    local fp = string.sub(fps, i, i + FP - 1)
    local h = string.byte(fp, 1) * 65536 + string.byte(fp, 2) * 256 + string.byte(fp, 3)
    local b = h % (2 ^ level)
    if b < split then b = h % (2 ^ (level + 1)) end
    local v = buckets[b]
    if v == nil then
      v = redis.call('HGET', KEYS[3], tostring(b)) or ''
      buckets[b] = v
    end
    local held = '0'
    -- The entries follow the bucket's 2-byte header (a bucket of a multiple of ENTRY bytes has none: the layout
    -- before it, commitEntities.lua).
    local head = #v % ENTRY
    local from = head + 1
    while true do
      local at = string.find(v, fp, from, true)
      if not at then break end
      -- An entry starts every ENTRY bytes; a match elsewhere spans two entries. An expired entry is not held.
      if (at - 1 - head) % ENTRY == 0 and string.byte(v, at + FP) * 256 + string.byte(v, at + FP + 1) >= floor then
        held = '1'
        break
      end
      from = at + 1
    end
    seen[#seen + 1] = held
  end
end

local wanted = {}
local keys = {}
local due = 0
if ARGV[3] ~= '' then
  local timed = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', tonumber(ARGV[3]), 'LIMIT', 0, tonumber(ARGV[4]))
  for i = 1, #timed do
    wanted[timed[i]] = true
    keys[#keys + 1] = timed[i]
  end
  due = #timed
end
for i = 5, #ARGV do
  if not wanted[ARGV[i]] then
    wanted[ARGV[i]] = true
    keys[#keys + 1] = ARGV[i]
  end
end
local values = hmget(KEYS[1], keys)
local out = { version, redis.call('HLEN', KEYS[1]), table.concat(seen), due }
for i = 1, #keys do
  out[#out + 1] = keys[i]
  out[#out + 1] = values[i] or ''
end
local more = {}
for i = 1, #keys do
  local k = keys[i]
  local v = values[i]
  if v and string.sub(k, 1, 2) == 'a:' then
    local order = string.match(v, '^~([^;]*);')
    if order and order ~= '' then
      order = string.gsub(order, '%%(%x%x)', function(h) return string.char(tonumber(h, 16)) end)
      local ok = 'o:' .. order
      if not wanted[ok] then
        wanted[ok] = true
        more[#more + 1] = ok
      end
    end
  end
end
if #more > 0 then
  local extra = hmget(KEYS[1], more)
  for i = 1, #more do
    out[#out + 1] = more[i]
    out[#out + 1] = extra[i] or ''
  end
end
return out
