--[[
  Admits the new shops of one request to a token's daily quota of new shops, all or none. A shop already
  admitted today counts once however often it is sent. The set never holds more than the limit, and it
  expires with its day, so the key is bounded in size and in time.
  Input:
    KEYS[1] the token's set of shops admitted as new today (`<prefix>:gateway:quota:{<token fingerprint>}:new-shops:<day>`)
    ARGV[1] the limit: most shops in the set
    ARGV[2] the set's time to live, seconds
    ARGV[3..] the request's shops the gateway does not know yet, `platform:shopId` (at most one request's worth)
  Output: { 1, count after } when all were admitted; { 0, count before } when they would exceed the limit
]]
local limit = tonumber(ARGV[1])
local count = redis.call('SCARD', KEYS[1])
local fresh = {}
for i = 3, #ARGV do
  if redis.call('SISMEMBER', KEYS[1], ARGV[i]) == 0 then fresh[#fresh + 1] = ARGV[i] end
end
if count + #fresh > limit then return { 0, count } end
for i = 1, #fresh do redis.call('SADD', KEYS[1], fresh[i]) end
if #fresh > 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2])) end
return { 1, count + #fresh }
