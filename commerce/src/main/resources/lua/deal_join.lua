-- One join, atomically, in one round trip. All keys share the deal's hash tag.
-- KEYS[1] state hash   KEYS[2] buyers hash (buyer -> units held)
-- KEYS[3] idempotency hash (buyer:key -> order id)   KEYS[4] in-flight zset (order -> time)
-- KEYS[5] committed hash (buyer -> units that count towards the group)
-- ARGV: buyer, idempotency key, quantity, order id, now (ms), committed now (1 = pay on pickup)
local state, buyers, idem, inflight, committed = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local buyer, key, qty, orderId = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local committedNow = ARGV[6] == '1'

local prior = redis.call('HGET', idem, buyer .. ':' .. key)
if prior then
  return {'DUP', prior}
end
if redis.call('EXISTS', state) == 0 then
  return {'NOSTATE'}
end

local s = redis.call('HMGET', state, 'status', 'remaining', 'limit', 'threshold', 'countBy')
local status = s[1]
if status ~= 'OPEN' and status ~= 'FORMED' then
  return {'CLOSED', status}
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
local cb = tonumber(redis.call('HGET', state, 'committedBuyers') or '0')
local cu = tonumber(redis.call('HGET', state, 'committedUnits') or '0')
if committedNow then
  local newCommitted = 0
  if redis.call('HINCRBY', committed, buyer, qty) == qty then newCommitted = 1 end
  cb = redis.call('HINCRBY', state, 'committedBuyers', newCommitted)
  cu = redis.call('HINCRBY', state, 'committedUnits', qty)
end
local version = redis.call('HINCRBY', state, 'version', 1)

-- The threshold is crossed once: the flag remembers which order crossed it, so releasing that
-- order (its commit failed) can take the flag back.
local count = cu
if s[5] == 'BUYERS' then count = cb end
local crossed = 0
if count >= tonumber(s[4]) and redis.call('HSETNX', state, 'formedBy', orderId) == 1 then
  crossed = 1
end

redis.call('HSET', idem, buyer .. ':' .. key, orderId)
-- The in-flight member carries what a release needs: order:buyer:quantity:counted-at-once:key.
redis.call('ZADD', inflight, ARGV[5], orderId .. ':' .. buyer .. ':' .. qty .. ':' .. ARGV[6] .. ':' .. key)
return {'OK', orderId, status, tostring(jb), tostring(ju), tostring(cb), tostring(cu), tostring(remaining),
  string.format('%.0f', version), tostring(crossed)}
