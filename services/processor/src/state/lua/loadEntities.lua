--[[
  Loads entity records of ONE shop for an apply or timer pass (engine v2, engine/incremental/delta.ts).
  Input:
    KEYS[1] shop entity records, HASH entity key -> stored record (engine/incremental/codec.ts)  (keys.entities)
    KEYS[2] shop after-sale links of records stored before codec.ts, HASH afterSaleId -> orderId (keys.links)
    KEYS[3] shop bookkeeping, HASH with field "v": the state version               (keys.shopMeta)
    ARGV[1..] entity keys ("o:<orderId>", "a:<afterSaleId>", "c:<consumerId>")
  Output: { version, live, key1, record1 or "", key2, record2 or "", ... }: the state version, the number of
          records the shop holds now (its live entities, for the quota), every requested key, then the order of
          every requested after-sale that names one (an order's metrics read its after-sales' summaries).
          A compact record "~<orderId>;..." names its order itself (%XX escapes); an older JSON one has it in
          the links hash. The version is passed back to commitEntities.lua, which refuses to apply over a
          newer state.
  Bounds: HMGET is called with at most CHUNK fields at a time (Lua's unpack refuses about 8,000 values, and
          one large call blocks Redis); the caller sends at most about 1,000 keys per call (entity-store.ts).
]]
local CHUNK = 500
-- HMGET of `fields`, CHUNK at a time; returns the values in order (false for a missing field).
local function hmget(key, fields)
  local values = {}
  for i = 1, #fields, CHUNK do
    local part = redis.call('HMGET', key, unpack(fields, i, math.min(i + CHUNK - 1, #fields)))
    for j = 1, #part do values[#values + 1] = part[j] end
  end
  return values
end
local version = redis.call('HGET', KEYS[3], 'v') or '0'
local wanted = {}
local keys = {}
for i = 1, #ARGV do
  if not wanted[ARGV[i]] then
    wanted[ARGV[i]] = true
    keys[#keys + 1] = ARGV[i]
  end
end
local values = hmget(KEYS[1], keys)
local out = { version, redis.call('HLEN', KEYS[1]) }
for i = 1, #keys do
  out[#out + 1] = keys[i]
  out[#out + 1] = values[i] or ''
end
local more = {}
for i = 1, #keys do
  local k = keys[i]
  if string.sub(k, 1, 2) == 'a:' then
    local v = values[i]
    local order = nil
    if v and string.sub(v, 1, 1) == '~' then
      order = string.match(v, '^~([^;]*);')
      if order == '' then
        order = nil
      elseif order then
        order = string.gsub(order, '%%(%x%x)', function(h) return string.char(tonumber(h, 16)) end)
      end
    elseif v then
      order = redis.call('HGET', KEYS[2], string.sub(k, 3))
    end
    if order then
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
