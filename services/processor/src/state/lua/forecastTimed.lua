--[[
  What ONE shop's forecast reads besides its aggregates (engine/forecast/source.ts): the entities whose
  contribution changes by itself before the forecast's last point (a pending item's deadline, a stall), with
  their stored records, so the forecast recomputes them at each coming day's end as a timer pass would.
  Read only.
  Input:
    KEYS[1] shop entity timers, ZSET entity key -> next change, ms                  (keys.timers)
    KEYS[2] shop entity records, HASH entity key -> stored record                   (keys.entities)
    ARGV[1] the last point, ms: timers at or before it are read
    ARGV[2] at most this many entities
  Output: { total, key1, timer1, record1 or "", key2, ... }: total is how many timers are at or before
          ARGV[1] (more than ARGV[2]: the caller knows the list is cut), then at most ARGV[2] entries.
  Bounds: at most ARGV[2] entries; HMGET CHUNK fields at a time.
]]
local CHUNK = 500
local limit = tonumber(ARGV[2])
local total = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1])
local timed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit)
local out = { total }
for i = 1, #timed, 2 * CHUNK do
  local keys = {}
  for j = i, math.min(i + 2 * CHUNK - 1, #timed), 2 do keys[#keys + 1] = timed[j] end
  local values = redis.call('HMGET', KEYS[2], unpack(keys))
  for j = 1, #keys do
    out[#out + 1] = keys[j]
    out[#out + 1] = timed[i + 2 * (j - 1) + 1]
    out[#out + 1] = values[j] or ''
  end
end
return out
