--[[
  Records the latest state of an alert identity in its shop's registry, gated by `seq` (alerts.md
  "Identity and dedup": a stale record is ignored, re-sending the same state changes nothing). The
  registry feeds inhibition and lets the ticker repair a group that missed an update.
  Input:
    KEYS[1] shop alert registry hash: field `metric:kind` → AlertRecord JSON
    ARGV[1] field, `metric:kind`
    ARGV[2] the record's seq
    ARGV[3] the record, JSON
    ARGV[4] time to live of the registry in ms, refreshed on every write
  Output: 1 stored (newer than what was there), 0 same seq as stored (a redelivery), -1 older (stale)
]]
local old = redis.call('HGET', KEYS[1], ARGV[1])
local seq = tonumber(ARGV[2])
if old then
  local oldSeq = tonumber(cjson.decode(old)['seq'])
  if oldSeq > seq then return -1 end
  if oldSeq == seq then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
