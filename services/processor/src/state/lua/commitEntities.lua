--[[
  Applies ONE shop's delta (engine/incremental/delta.ts ShopDelta) and adds its events' ids to the shop's
  seen-id index (engine/incremental/seen-ids.ts), atomically, if the shop's state is still the version it
  was computed from; otherwise changes nothing (the caller reloads and recomputes).
  Input:
    KEYS[1] shop entity records, HASH entity key -> stored record (engine/incremental/codec.ts) (keys.entities)
    KEYS[2] shop bookkeeping, HASH: "v" state version                               (keys.shopMeta)
    KEYS[3] shop entity timers, ZSET entity key -> next change, ms                  (keys.timers)
    KEYS[4] shop pending items, ZSET "<metric>|<day>|<extra>|<entity key>" -> deadline ms (keys.pending)
    KEYS[5] shop "now" aggregates, HASH "<metric>|<field>" -> integer               (keys.current)
    KEYS[6] shop seen-id index, HASH, layout below                                  (keys.seen)
    KEYS[7..] shop day aggregates, HASH "<metric>|<field>" -> integer, one per day (keys.day)
    ARGV[1] expected state version (from loadEntities.lua)
    ARGV[2] TTL of the shop's state keys, seconds
    ARGV[3] TTL of the day aggregates, seconds
    ARGV[4] TTL of the seen-id index, seconds
    ARGV[5] the oldest day number whose seen-id entries count (older ones are dropped when met)
    ARGV[6] seen-id entries to add, 14 bytes each, concatenated: fingerprint (12), day (2, big-endian)
    ARGV[7..12] section sizes: records, timers, pending removals, pending additions, now deltas, day deltas
    ARGV[13] the sections packed into one argument, in this order, each field as "<byte length>:<bytes>"
      (one argument instead of one per field: the client encodes, and Redis parses, one bulk string):
      records: entity key, stored record (an empty string deletes the record)
      timers: entity key, ms (an empty string removes the timer)
      pending removals: member
      pending additions: member, deadline ms
      now deltas: field, integer delta
      day deltas: index of the day's key in KEYS (7 = KEYS[7]), field, integer delta
    ARGV[14] a new random token (optional: a caller without it writes no stamps, as this script's older form)
    ARGV[15] a new random epoch, used only when the stamps must be voided
  Stamps (readAggregates.lua, state/aggregate-cache.ts): every part this call changes, the "now" aggregates
    ("s:c"), the pending items ("s:p") and each day ("s:<day>"), gets the stamp "<epoch>:<token>" in KEYS[2].
    The epoch "se" holds while "sv", the version after the last stamped write, is the version: a commit that
    wrote no stamps moved the version past "sv", so the next stamped call starts a new epoch, voiding every
    stamp. When KEYS[2] has more than STAMPS_PRUNE fields, stamps of days 100 before the newest stamped day
    are dropped (a part without a stamp is read whole and stamped again).
  Seen-id index layout: linear hashing over buckets "0".."n-1", n = 2^level + split. A bucket's value is a
    2-byte header, the oldest day among its entries (big-endian; no entry is older), then its entries,
    concatenated (so its length is 2 modulo 14; a value of a multiple of 14 bytes is the layout before the
    header, read as entries alone and written back with it); field "p" is "level,split,count,cursor". A fingerprint's bucket is its first 3
    bytes modulo 2^level, or modulo 2^(level+1) when that bucket was already split. When count passes
    LOAD × n, bucket `split` is split in two, and so on (at most 2 + 2 × entries added / LOAD splits per
    call, so a call's work stays proportional to what it adds). Every bucket this call touches,
    and one more in turn (`cursor`), loses its expired entries, so expiry needs no separate pass; a bucket
    whose header says no entry is past the retention is not scanned (the scan was most of a commit's cost:
    6 of 11 µs of Redis CPU per event before the header).
  Last commit's token: with ARGV[14], the token is also kept as "lt" in KEYS[2], so a reader can tell the
    state a known commit made from one that merely reached the same version (state/commit-log.ts).
  Output: the new state version, or -1 when the state changed since it was loaded (nothing applied); with
    ARGV[14], { new version, the "lt" before this call ("" when none) } instead of the version alone
]]
local LOAD = 40
local FP = 12
local ENTRY = 14
local HEAD = 2
local STAMPS_PRUNE = 160

local current = redis.call('HGET', KEYS[2], 'v') or '0'
if current ~= ARGV[1] then
  return -1
end
local stamp = nil
local previousToken = nil
if ARGV[14] then
  previousToken = redis.call('HGET', KEYS[2], 'lt') or ''
  redis.call('HSET', KEYS[2], 'lt', ARGV[14])
  local se = redis.call('HGET', KEYS[2], 'se')
  if not se or redis.call('HGET', KEYS[2], 'sv') ~= current then
    se = ARGV[15]
    redis.call('HSET', KEYS[2], 'se', se)
  end
  stamp = se .. ':' .. ARGV[14]
end
local n = {}
for i = 1, 6 do n[i] = tonumber(ARGV[6 + i]) end
local packed = ARGV[13]
local pos = 1
-- The next field of the packed sections.
local function field()
  local colon = string.find(packed, ':', pos, true)
  local len = tonumber(string.sub(packed, pos, colon - 1))
  pos = colon + len + 1
  return string.sub(packed, colon + 1, colon + len)
end
for _ = 1, n[1] do
  local k, v = field(), field()
  if v == '' then
    redis.call('HDEL', KEYS[1], k)
  else
    redis.call('HSET', KEYS[1], k, v)
  end
end
for _ = 1, n[2] do
  local k, t = field(), field()
  if t == '' then
    redis.call('ZREM', KEYS[3], k)
  else
    redis.call('ZADD', KEYS[3], t, k)
  end
end
for _ = 1, n[3] do
  redis.call('ZREM', KEYS[4], field())
end
for _ = 1, n[4] do
  local m, t = field(), field()
  redis.call('ZADD', KEYS[4], t, m)
end
for _ = 1, n[5] do
  local f, d = field(), field()
  if redis.call('HINCRBY', KEYS[5], f, d) == 0 then redis.call('HDEL', KEYS[5], f) end
end
local touched = {}
for _ = 1, n[6] do
  local k = KEYS[tonumber(field())]
  local f, d = field(), field()
  if redis.call('HINCRBY', k, f, d) == 0 then redis.call('HDEL', k, f) end
  touched[k] = true
end
if stamp then
  if n[3] + n[4] > 0 then redis.call('HSET', KEYS[2], 's:p', stamp) end
  if n[5] > 0 then redis.call('HSET', KEYS[2], 's:c', stamp) end
  for k in pairs(touched) do redis.call('HSET', KEYS[2], 's:' .. string.match(k, ':day:(%d+)$'), stamp) end
end
local ttl = tonumber(ARGV[2])
for i = 1, 5 do redis.call('EXPIRE', KEYS[i], ttl) end
for k in pairs(touched) do redis.call('EXPIRE', k, tonumber(ARGV[3])) end

-- The seen-id index.
local adds = ARGV[6]
if #adds > 0 then
  local seen = KEYS[6]
  local floor = tonumber(ARGV[5])
  local byte, sub = string.byte, string.sub
  local level, split, count, cursor = 0, 0, 0, 0
  local meta = redis.call('HGET', seen, 'p')
  if meta then
    local a, b, c, d = string.match(meta, '^(%d+),(%d+),(%d+),(%d+)$')
    level, split, count, cursor = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
  end
  local function hashOf(fp)
    local x, y, z = byte(fp, 1, 3)
    return x * 65536 + y * 256 + z
  end
  local function bucketOf(h)
    local b = h % (2 ^ level)
    if b < split then b = h % (2 ^ (level + 1)) end
    return b
  end
  -- `body`'s entries with a day before `floor` dropped: the entries kept, the oldest day among them (nil when
  -- none) and how many were dropped.
  local function unexpired(body)
    local kept, oldest = {}, nil
    for i = 1, #body, ENTRY do
      local hi, lo = byte(body, i + FP, i + FP + 1)
      local day = hi * 256 + lo
      if day >= floor then
        kept[#kept + 1] = sub(body, i, i + ENTRY - 1)
        if oldest == nil or day < oldest then oldest = day end
      end
    end
    local nv = table.concat(kept)
    return nv, oldest, (#body - #nv) / ENTRY
  end
  -- Bucket number -> { body = its entries as read (expired ones dropped), oldest = the oldest day held (nil when
  -- empty), adds = entries added by this call, changed = whether it must be written }.
  local buckets = {}
  local function bucket(b)
    local s = buckets[b]
    if s == nil then
      local v = redis.call('HGET', seen, tostring(b)) or ''
      local body, oldest, changed = v, nil, false
      if #v % ENTRY == HEAD then
        local hi, lo = byte(v, 1, 2)
        oldest = hi * 256 + lo
        body = sub(v, HEAD + 1)
      elseif #v > 0 then
        changed = true -- the layout without the header: written again with it
      end
      -- Only a bucket whose oldest entry may be past the retention is scanned (an older bucket always is).
      if #body > 0 and (oldest == nil or oldest < floor) then
        local dropped
        body, oldest, dropped = unexpired(body)
        if dropped > 0 then
          count = count - dropped
          changed = true
        end
      end
      s = { body = body, oldest = oldest, adds = {}, changed = changed }
      buckets[b] = s
    end
    return s
  end
  for i = 1, #adds, ENTRY do
    local e = sub(adds, i, i + ENTRY - 1)
    local s = bucket(bucketOf(hashOf(e)))
    s.adds[#s.adds + 1] = e
    local hi, lo = byte(e, FP + 1, FP + 2)
    local day = hi * 256 + lo
    if s.oldest == nil or day < s.oldest then s.oldest = day end
    s.changed = true
    count = count + 1
  end
  local size = 2 ^ level + split
  bucket(cursor % size)
  cursor = (cursor + 1) % size
  for _ = 1, 2 + math.floor(2 * #adds / ENTRY / LOAD) do
    if count <= LOAD * size or level >= 23 then break end
    local s = bucket(split)
    local v = s.body .. table.concat(s.adds)
    local low, high = {}, {}
    local lowOldest, highOldest = nil, nil
    local m = 2 ^ (level + 1)
    for i = 1, #v, ENTRY do
      local e = sub(v, i, i + ENTRY - 1)
      local hi, lo = byte(e, FP + 1, FP + 2)
      local day = hi * 256 + lo
      if hashOf(e) % m == split then
        low[#low + 1] = e
        if lowOldest == nil or day < lowOldest then lowOldest = day end
      else
        high[#high + 1] = e
        if highOldest == nil or day < highOldest then highOldest = day end
      end
    end
    buckets[split] = { body = table.concat(low), oldest = lowOldest, adds = {}, changed = true }
    buckets[split + 2 ^ level] = { body = table.concat(high), oldest = highOldest, adds = {}, changed = true }
    split = split + 1
    if split == 2 ^ level then
      level = level + 1
      split = 0
    end
    size = size + 1
  end
  for b, s in pairs(buckets) do
    if s.changed then
      if #s.body + #s.adds == 0 then
        redis.call('HDEL', seen, tostring(b))
      else
        local oldest = math.max(0, math.min(65535, s.oldest))
        local head = string.char(math.floor(oldest / 256), oldest % 256)
        redis.call('HSET', seen, tostring(b), head .. s.body .. table.concat(s.adds))
      end
    end
  end
  redis.call('HSET', seen, 'p', string.format('%d,%d,%d,%d', level, split, count, cursor))
  redis.call('EXPIRE', seen, tonumber(ARGV[4]))
end
local version = redis.call('HINCRBY', KEYS[2], 'v', 1)
if stamp then
  redis.call('HSET', KEYS[2], 'sv', version)
  if redis.call('HLEN', KEYS[2]) > STAMPS_PRUNE then
    local all = redis.call('HGETALL', KEYS[2])
    local newest = 0
    for i = 1, #all, 2 do
      local d = tonumber(string.match(all[i], '^s:(%d+)$') or '0')
      if d > newest then newest = d end
    end
    for i = 1, #all, 2 do
      local d = tonumber(string.match(all[i], '^s:(%d+)$') or '-1')
      if d >= 0 and d < newest - 100 then redis.call('HDEL', KEYS[2], all[i]) end
    end
  end
end
if previousToken then
  return { version, previousToken }
end
return version
