--[[
  Writes ONE shop's snapshot projection (architecture.md "Reads come from a projection") and announces it.
  The forecasts (docs/forecast.md) change about once a minute but are most of a snapshot's bytes, so the caller
  sends them only when they changed: they are kept in KEYS[3], and the snapshot JSON the caller sends holds a
  placeholder where each goes, `,"forecast":"@@sgf:<token>:<id>"`, replaced here by the piece kept under <id>
  when KEYS[3] holds pieces under <token>. A placeholder whose piece is not there (the key expired, or another
  process sent other pieces since) is removed with its comma, so the stored snapshot is always whole JSON of
  the contract (the forecast is optional), and the caller learns it from the reply and sends its pieces again.
  A placeholder cannot come from a tenant's text: inside a JSON string every '"' is escaped.
  Input:
    KEYS[1] the shop's snapshot, STRING of StoredSnapshot JSON                       (snapshotKeys.snapshot)
    KEYS[2] the shop's snapshot version counter, STRING integer                       (ProjectionWriter.versionKey)
    KEYS[3] the shop's forecast pieces, HASH "t" -> token, <id> -> a forecast's JSON   (ProjectionWriter.forecastKey)
    ARGV[1] the snapshot JSON without its closing brace and without "version": the version is appended
            here, so the JSON text (and every number in it) is stored exactly as the processor wrote it
    ARGV[2] TTL of the keys, seconds
    ARGV[3] pub/sub channel to announce the change on                                 (snapshotKeys.channel)
    ARGV[4] the announced message: the shop's platform:shopId
    ARGV[5] how many placeholders ARGV[1] holds (absent or 0: none, KEYS[3] is not read)
    ARGV[6] the token of the pieces that follow, which replace KEYS[3]'s; absent or '': none follow
    ARGV[7..] the pieces: id, forecast JSON, id, forecast JSON, ...
  Output: { the snapshot's version (1 for a shop's first snapshot), placeholders left without their piece }
]]
local ttl = tonumber(ARGV[2])
local pieces = KEYS[3]
if ARGV[6] and ARGV[6] ~= '' then
  redis.call('DEL', pieces)
  local fields = { 't', ARGV[6] }
  for i = 7, #ARGV do fields[#fields + 1] = ARGV[i] end
  redis.call('HSET', pieces, unpack(fields))
end
local body = ARGV[1]
local missing = 0
if ARGV[5] and tonumber(ARGV[5]) > 0 then
  local flat = redis.call('HGETALL', pieces)
  local kept = {}
  for i = 1, #flat, 2 do kept[flat[i]] = flat[i + 1] end
  body = string.gsub(body, ',"forecast":"@@sgf:(%w+):(%w+)"', function(token, id)
    local piece = kept[id]
    if token ~= kept['t'] or piece == nil then
      missing = missing + 1
      return ''
    end
    return ',"forecast":' .. piece
  end)
  redis.call('EXPIRE', pieces, ttl)
end
local version = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('SET', KEYS[1], body .. ',"version":' .. version .. '}', 'EX', ttl)
redis.call('PUBLISH', ARGV[3], ARGV[4])
return { version, missing }
