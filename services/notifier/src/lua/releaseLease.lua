--[[
  Releases a receiver's delivery lease if this instance still holds it (a lease that expired and was
  taken by another instance is left alone).
  Input:
    KEYS[1] lease key
    ARGV[1] this instance's lease token
  Output: 1 released, 0 not held by this token
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
