--[[
  Schedules ONE shop's next evaluation in its partition's due index, after an evaluation, without losing a
  mark that an apply made while the evaluation ran (architecture.md "No evaluation is lost").
  Input:
    KEYS[1] the due index of the shop's partition, ZSET platform:shopId -> ms           (keys.due)
    ARGV[1] the shop, platform:shopId
    ARGV[2] when the evaluation started (processor clock, ms)
    ARGV[3] the shop's next wake-up (ms)
    ARGV[4] TTL of the index, seconds
  Output: 1 when the wake-up was set; 0 when a mark newer than the evaluation's start was kept
]]
local current = redis.call('ZSCORE', KEYS[1], ARGV[1])
if current and tonumber(current) > tonumber(ARGV[2]) and tonumber(current) < tonumber(ARGV[3]) then
  return 0
end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
