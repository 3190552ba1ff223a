-- A payment arrived after its order's hold lapsed (the order was cancelled and its units went back on sale):
-- take the units again and count them as paid at once, if the deal still takes orders and the stock and the
-- household's limit allow. Checks as deal_join.lua; no idempotency key (the payment's row lock makes the
-- attempt once), but an in-flight entry like a join's, so the reconciler repairs nothing under it and
-- deal_release.lua gives it back if the record refuses it or its node dies before the commit.
-- KEYS: state, buyers, inflight, committed
-- ARGV: buyer, quantity, order id, now (ms), in-flight member (order:buyer:quantity:1:key)
local state, buyers, inflight, committed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local buyer, qty, orderId = ARGV[1], tonumber(ARGV[2]), ARGV[3]
if redis.call('EXISTS', state) == 0 then
  return {'NOSTATE'}
end

local s = redis.call('HMGET', state, 'status', 'remaining', 'limit', 'threshold', 'countBy')
if s[1] ~= 'OPEN' and s[1] ~= 'FORMED' then
  return {'CLOSED', s[1]}
end
local held = tonumber(redis.call('HGET', buyers, buyer) or '0')
if held + qty > tonumber(s[3]) then
  return {'LIMIT', tostring(held)}
end
if tonumber(s[2]) < qty then
  return {'SOLD_OUT', s[2]}
end

local newBuyer = 0
if held == 0 then newBuyer = 1 end
local remaining = redis.call('HINCRBY', state, 'remaining', -qty)
redis.call('HINCRBY', buyers, buyer, qty)
local jb = redis.call('HINCRBY', state, 'joinedBuyers', newBuyer)
local ju = redis.call('HINCRBY', state, 'joinedUnits', qty)
local newCommitted = 0
if redis.call('HINCRBY', committed, buyer, qty) == qty then newCommitted = 1 end
local cb = redis.call('HINCRBY', state, 'committedBuyers', newCommitted)
local cu = redis.call('HINCRBY', state, 'committedUnits', qty)
local version = redis.call('HINCRBY', state, 'version', 1)

local count = cu
if s[5] == 'BUYERS' then count = cb end
local crossed = 0
if count >= tonumber(s[4]) and redis.call('HSETNX', state, 'formedBy', orderId) == 1 then
  crossed = 1
end
redis.call('ZADD', inflight, ARGV[4], ARGV[5])
return {'OK', orderId, s[1], tostring(jb), tostring(ju), tostring(cb), tostring(cu), tostring(remaining),
  string.format('%.0f', version), tostring(crossed)}
