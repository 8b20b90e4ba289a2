--[[
  Loads entity records of ONE shop for an apply or timer pass (engine v2, engine/incremental/delta.ts).
  Input:
    KEYS[1] shop entity records, HASH entity key -> JSON [calcAt, record]           (keys.entities)
    KEYS[2] shop after-sale links, HASH afterSaleId -> orderId                      (keys.links)
    KEYS[3] shop bookkeeping, HASH with field "v": the state version               (keys.shopMeta)
    ARGV[1..] entity keys ("o:<orderId>", "a:<afterSaleId>", "c:<consumerId>")
  Output: { version, key1, record1 or "", key2, record2 or "", ... }: every requested key, then the order of
          every requested after-sale that names one (an order's metrics read its after-sales' summaries).
          The version is passed back to commitEntities.lua, which refuses to apply over a newer state.
]]
local version = redis.call('HGET', KEYS[3], 'v') or '0'
local wanted = {}
local keys = {}
for i = 1, #ARGV do
  if not wanted[ARGV[i]] then
    wanted[ARGV[i]] = true
    keys[#keys + 1] = ARGV[i]
  end
end
for i = 1, #ARGV do
  local k = ARGV[i]
  if string.sub(k, 1, 2) == 'a:' then
    local order = redis.call('HGET', KEYS[2], string.sub(k, 3))
    if order then
      local ok = 'o:' .. order
      if not wanted[ok] then
        wanted[ok] = true
        keys[#keys + 1] = ok
      end
    end
  end
end
local out = { version }
local values = redis.call('HMGET', KEYS[1], unpack(keys))
for i = 1, #keys do
  out[#out + 1] = keys[i]
  out[#out + 1] = values[i] or ''
end
return out
