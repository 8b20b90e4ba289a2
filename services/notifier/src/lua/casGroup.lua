--[[
  Compare-and-set of one notification group's state (state/group-store.ts). Every writer (ingest, ticker,
  receiver acks) reads the state with its token, computes the next state in TypeScript (model/group.ts),
  and writes it here; a writer that lost a race gets 0 and recomputes. Tokens are random, so a group that
  was deleted and created again never matches an old token (no ABA).
  Input:
    KEYS[1] group hash: field `tok` (CAS token), field `state` (group state JSON)
    ARGV[1] expected token; "" when the group is expected not to exist
    ARGV[2] new token
    ARGV[3] new state JSON; "" deletes the group
    ARGV[4] time to live in ms, refreshed on every write
  Output: 1 written, 0 the token did not match
]]
local current = redis.call('HGET', KEYS[1], 'tok')
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
if ARGV[3] == '' then
  redis.call('DEL', KEYS[1])
else
  redis.call('HSET', KEYS[1], 'tok', ARGV[2], 'state', ARGV[3])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
end
return 1
