--[[
  Writes ONE shop's snapshot projection (architecture.md "Reads come from a projection") and announces it.
  The forecasts (docs/forecast.md) change about once a minute but are most of a snapshot's bytes, so the caller
  sends them only when they changed: they are kept in KEYS[3] under a token, and the caller sends the snapshot
  JSON cut where each forecast goes, naming the piece that goes there. A piece that is not there under the
  expected token (the key expired, or another process sent other pieces since) is left out with its field (the
  forecast is optional), so the stored snapshot is always whole JSON of the contract; the reply says how many
  were left out, and the caller sends its pieces again. No pattern is searched: the cuts are the caller's.
  Input:
    KEYS[1] the shop's snapshot, STRING of StoredSnapshot JSON                       (snapshotKeys.snapshot)
    KEYS[2] the shop's snapshot version counter, STRING integer                       (ProjectionWriter.versionKey)
    KEYS[3] the shop's forecast pieces, HASH "t" -> token, <id> -> a forecast's JSON   (ProjectionWriter.forecastKey)
    ARGV[1] the snapshot JSON up to its first forecast (all of it when ARGV[5] is 0), the whole without its
            closing brace and without "version": the version is appended here, so the JSON text (and every
            number in it) is stored exactly as the processor wrote it
    ARGV[2] TTL of the keys, seconds
    ARGV[3] pub/sub channel to announce the change on                                 (snapshotKeys.channel)
    ARGV[4] the announced message: the shop's platform:shopId
    ARGV[5] n, how many forecasts go into the JSON (absent or 0: none, KEYS[3] is not read)
    ARGV[6] the token the pieces must be kept under
    ARGV[7] "1" when this call sends the pieces (kept under ARGV[6] in place of KEYS[3]'s, with its TTL), else ''
    ARGV[8..7+2n] per forecast: the id of its piece, then the JSON that follows it up to the next forecast
    ARGV[8+2n..] the pieces sent: id, forecast JSON, id, forecast JSON, ...
  Output: { the snapshot's version (1 for a shop's first snapshot), forecasts left out }
]]
local ttl = tonumber(ARGV[2])
local pieces = KEYS[3]
local n = tonumber(ARGV[5] or '0')
local body = ARGV[1]
local missing = 0
if n > 0 then
  -- The pieces: those sent with this call (kept for the next calls, with their TTL: a shop evaluated in a minute
  -- gets a new forecast, and sends its pieces again), else those kept under the expected token.
  local got = {}
  if ARGV[7] ~= '' then
    redis.call('DEL', pieces)
    local fields = { 't', ARGV[6] }
    for i = 8 + 2 * n, #ARGV, 2 do
      fields[#fields + 1] = ARGV[i]
      fields[#fields + 1] = ARGV[i + 1]
      got[ARGV[i]] = ARGV[i + 1]
    end
    redis.call('HSET', pieces, unpack(fields))
    redis.call('EXPIRE', pieces, ttl)
  else
    local ids = { 't' }
    for k = 1, n do ids[k + 1] = ARGV[6 + 2 * k] end
    local kept = redis.call('HMGET', pieces, unpack(ids))
    if kept[1] == ARGV[6] then
      for k = 1, n do
        if kept[k + 1] then got[ids[k + 1]] = kept[k + 1] end
      end
    end
  end
  local parts = { body }
  for k = 1, n do
    local piece = got[ARGV[6 + 2 * k]]
    if piece then
      parts[#parts + 1] = ',"forecast":'
      parts[#parts + 1] = piece
    else
      missing = missing + 1
    end
    parts[#parts + 1] = ARGV[7 + 2 * k]
  end
  body = table.concat(parts)
end
local version = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[1], body .. ',"version":' .. version .. '}', 'EX', ttl)
redis.call('PUBLISH', ARGV[3], ARGV[4])
return { version, missing }
