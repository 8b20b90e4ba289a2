--[[
  Takes one token from every token bucket of a receiver, or none (alerts.md "Rate limits"). Buckets
  refill continuously; a bucket of capacity C refilled at R/s lets at most C + R×W messages through in
  any window of W seconds (channels/*: DingTalk 5 + 15/min = 20 per minute).
  Input:
    KEYS[1] receiver bucket hash: `t<i>` tokens left in bucket i, `ts` time of the last refill (ms)
    ARGV[1] now, epoch ms
    ARGV[2] number of buckets n
    ARGV[3] capacity of bucket 1; ARGV[4] its refill per second; then the same pair for buckets 2..n
  Output: 0 when a token was taken from every bucket; otherwise ms until all buckets hold one
]]
local now = tonumber(ARGV[1])
local n = tonumber(ARGV[2])
local last = tonumber(redis.call('HGET', KEYS[1], 'ts') or now)
local elapsed = math.max(0, now - last)
local tokens = {}
local wait = 0
for i = 1, n do
  local capacity = tonumber(ARGV[1 + 2 * i])
  local perMs = tonumber(ARGV[2 + 2 * i]) / 1000
  local t = tonumber(redis.call('HGET', KEYS[1], 't' .. i) or capacity)
  t = math.min(capacity, t + elapsed * perMs)
  tokens[i] = t
  if t < 1 then wait = math.max(wait, math.ceil((1 - t) / perMs)) end
end
if wait == 0 then
  for i = 1, n do tokens[i] = tokens[i] - 1 end
end
for i = 1, n do redis.call('HSET', KEYS[1], 't' .. i, tostring(tokens[i])) end
redis.call('HSET', KEYS[1], 'ts', tostring(math.max(now, last)))
redis.call('PEXPIRE', KEYS[1], 3600000)
return wait
