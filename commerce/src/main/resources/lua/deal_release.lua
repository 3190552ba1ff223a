-- Undoes a join whose order never reached PostgreSQL (its commit failed, or the sweeper found it abandoned).
-- Idempotent: only an order still in the in-flight set is released.
-- KEYS: state, buyers, idem, inflight, committed (as in deal_join.lua)
-- ARGV: in-flight member (order:buyer:qty:committed:key; committed is 1 when the join counted at once)
local state, buyers, idem, inflight, committed = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local member = ARGV[1]
if redis.call('ZREM', inflight, member) == 0 then
  return 0
end
local orderId, buyer, qty, committedToo, key = string.match(member, '^([^:]+):([^:]+):([^:]+):([01]):(.*)$')
qty = tonumber(qty)
local held = redis.call('HINCRBY', buyers, buyer, -qty)
local goneBuyer = 0
if held <= 0 then
  redis.call('HDEL', buyers, buyer)
  goneBuyer = 1
end
redis.call('HINCRBY', state, 'remaining', qty)
redis.call('HINCRBY', state, 'joinedUnits', -qty)
redis.call('HINCRBY', state, 'joinedBuyers', -goneBuyer)
if committedToo == '1' then
  local goneCommitted = 0
  if redis.call('HINCRBY', committed, buyer, -qty) <= 0 then
    redis.call('HDEL', committed, buyer)
    goneCommitted = 1
  end
  redis.call('HINCRBY', state, 'committedUnits', -qty)
  redis.call('HINCRBY', state, 'committedBuyers', -goneCommitted)
end
redis.call('HINCRBY', state, 'version', 1)
redis.call('HDEL', idem, buyer .. ':' .. key)
if redis.call('HGET', state, 'formedBy') == orderId then
  redis.call('HDEL', state, 'formedBy')
end
return 1
