--[[
  Writes ONE shop-day of end-of-day values (DayEnd of @sg/events day-end.ts) and drops the shop's days past
  retention, in one step, so the history never holds more than its retention.
  Input:
    KEYS[1] the shop's day-end history, HASH day (YYYY-MM-DD) -> DayEnd JSON   (dayEndKeys.history)
    ARGV[1] the day written, YYYY-MM-DD
    ARGV[2] its DayEnd JSON
    ARGV[3] the oldest day kept, YYYY-MM-DD: every field before it is removed (the format sorts as text)
    ARGV[4] TTL of the key, seconds (retention plus a day, renewed at each write)
    ARGV[5] 1: overwrite a day already written; 0: write only when the day is absent or its take is "close"
  Output: 1 written, 0 kept the existing (a settled take is never replaced by a close take)
]]
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing and ARGV[5] == '0' and string.find(existing, '"take":"settled"', 1, true) then
  return 0
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
local days = redis.call('HKEYS', KEYS[1])
for _, d in ipairs(days) do
  if d < ARGV[3] then redis.call('HDEL', KEYS[1], d) end
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
