--[[
  What ONE shop's forecast reads besides its aggregates (engine/forecast/source.ts): the entities whose
  contribution changes by itself before the forecast's last point (a pending item's deadline, a stall), with
  their stored records, so the forecast recomputes them at each coming day's end as a timer pass would.
  Either all of them, or, when the caller's kept projections hold the state of an earlier version and it knows
  every entity written since (state/commit-log.ts), only those entities, if the state is still at the version
  the caller expects (checked here, atomically with the read; else all of them). Read only.
  Input:
    KEYS[1] shop entity timers, ZSET entity key -> next change, ms                  (keys.timers)
    KEYS[2] shop entity records, HASH entity key -> stored record                   (keys.entities)
    KEYS[3] shop bookkeeping, HASH: "v" the state version, "lt" the last commit's token (keys.shopMeta)
    ARGV[1] the last point, ms: timers at or before it are read
    ARGV[2] at most this many entities
    ARGV[3] the state mark the caller expects ("<version>|<last commit's token>", state/commit-log.ts), or
            "": read all; "=" then the mark: only those keys, or nothing (the read that rides in an
            evaluation's round trip, forecast-reader.ts ForecastPrefetch: the caller reads again itself)
    ARGV[4..] with ARGV[3]: the entity keys written since the caller's projections were read
  Output: { total, mark, "k", key1, timer1 or "", record1 or "", ... } when the state's mark is ARGV[3]: each
          key of ARGV[4..], its timer (whatever its value) and its record;
          { total, mark, "a", key1, timer1, record1 or "", ... } otherwise: the entities with a timer at
          or before ARGV[1], at most ARGV[2] of them.
          { total, mark, "x" } when ARGV[3] is "=" and a mark that is not the state's;
          total is how many timers are at or before ARGV[1] (more than ARGV[2]: the caller knows it is cut);
          mark is the state's mark read ("0|": none yet).
  Bounds: at most ARGV[2] entries, or the keys given; HMGET CHUNK fields at a time.
]]
local CHUNK = 500
local limit = tonumber(ARGV[2])
local total = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1])
local mark = (redis.call('HGET', KEYS[3], 'v') or '0') .. '|' .. (redis.call('HGET', KEYS[3], 'lt') or '')
local expected = ARGV[3]
local strict = string.sub(expected, 1, 1) == '='
if strict then expected = string.sub(expected, 2) end
if strict and expected ~= mark then return { total, mark, 'x' } end
if expected ~= '' and expected == mark then
  local out = { total, mark, 'k' }
  for i = 4, #ARGV, CHUNK do
    local keys = {}
    for j = i, math.min(i + CHUNK - 1, #ARGV) do keys[#keys + 1] = ARGV[j] end
    local values = redis.call('HMGET', KEYS[2], unpack(keys))
    for j = 1, #keys do
      out[#out + 1] = keys[j]
      out[#out + 1] = redis.call('ZSCORE', KEYS[1], keys[j]) or ''
      out[#out + 1] = values[j] or ''
    end
  end
  return out
end
local timed = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'WITHSCORES', 'LIMIT', 0, limit)
local out = { total, mark, 'a' }
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
