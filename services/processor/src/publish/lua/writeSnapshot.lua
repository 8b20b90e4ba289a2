--[[
  Writes ONE shop's snapshot projection (architecture.md "Reads come from a projection") and announces it.
  Input:
    KEYS[1] the shop's snapshot, STRING of StoredSnapshot JSON                       (snapshotKeys.snapshot)
    KEYS[2] the shop's snapshot version counter, STRING integer                       (projectionKeys.version)
    ARGV[1] the snapshot JSON without its closing brace and without "version": the version is appended
            here, so the JSON text (and every number in it) is stored exactly as the processor wrote it
    ARGV[2] TTL of the keys, seconds
    ARGV[3] pub/sub channel to announce the change on                                 (snapshotKeys.channel)
    ARGV[4] the announced message: the shop's platform:shopId
  Output: the snapshot's version (1 for a shop's first snapshot)
]]
local version = redis.call('INCR', KEYS[2])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[2]))
redis.call('SET', KEYS[1], ARGV[1] .. ',"version":' .. version .. '}', 'EX', tonumber(ARGV[2]))
redis.call('PUBLISH', ARGV[3], ARGV[4])
return version
