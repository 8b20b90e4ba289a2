--[[
  Extends a receiver's delivery lease if this instance still holds it; a delivery loop calls it before
  every send, so a slow robot never lets a second instance deliver the same notifications.
  Input:
    KEYS[1] lease key
    ARGV[1] this instance's lease token
    ARGV[2] new time to live in ms
  Output: 1 extended, 0 not held by this token (the caller stops delivering)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
