--[[
  Stores a validated silence unless its token already holds its most active and future silences; the
  count and the write are one step, so concurrent creations cannot pass the limit together.
  Input:
    KEYS[1] silence data hash: id -> stored silence JSON
    KEYS[2] ends zset: id scored by its end (epoch ms)
    KEYS[3] the token's owner zset: id scored by its end
    KEYS[4..] the index sets the silence belongs to (its shop or platform, or the unpinned set)
    ARGV[1] id
    ARGV[2] stored silence JSON
    ARGV[3] end, epoch ms
    ARGV[4] now, epoch ms: the token's ids that ended by now no longer count
    ARGV[5] the token's limit of active and future silences
  Output: {1, count after} when stored; {0, count} when the token is at its limit (nothing written)
]]
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[4])
local n = redis.call('ZCARD', KEYS[3])
if n >= tonumber(ARGV[5]) then return {0, n} end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
for i = 4, #KEYS do redis.call('SADD', KEYS[i], ARGV[1]) end
return {1, n + 1}
