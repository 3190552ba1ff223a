-- An online order was paid: it now counts towards the group. The crossing of the threshold is decided
-- here as in deal_join.lua (a one-time flag that remembers which order crossed it).
-- KEYS: state, committed-by-buyer hash
-- ARGV: buyer, quantity, order id
local state, committed = KEYS[1], KEYS[2]
if redis.call('EXISTS', state) == 0 then
  return {'NOSTATE'}
end
local qty = tonumber(ARGV[2])
local before = tonumber(redis.call('HGET', committed, ARGV[1]) or '0')
redis.call('HINCRBY', committed, ARGV[1], qty)
local newBuyer = 0
if before == 0 then newBuyer = 1 end
local cb = redis.call('HINCRBY', state, 'committedBuyers', newBuyer)
local cu = redis.call('HINCRBY', state, 'committedUnits', qty)
local version = redis.call('HINCRBY', state, 'version', 1)
local s = redis.call('HMGET', state, 'threshold', 'countBy', 'status', 'joinedBuyers', 'joinedUnits', 'remaining')
local count = cu
if s[2] == 'BUYERS' then count = cb end
local crossed = 0
if count >= tonumber(s[1]) and redis.call('HSETNX', state, 'formedBy', ARGV[3]) == 1 then
  crossed = 1
end
return {'OK', ARGV[3], s[3], s[4], s[5], tostring(cb), tostring(cu), s[6], string.format('%.0f', version), tostring(crossed)}
