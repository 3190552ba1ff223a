-- A household leaves an unformed deal (its order was cancelled in PostgreSQL first): its units go back.
-- If the leave takes the count below the threshold, the one-time crossing flag is taken back too, so the
-- next join that reaches it again can form the deal.
-- KEYS: state, buyers, committed
-- ARGV: buyer, quantity, committed (1 = the order counted as committed)
local state, buyers, committed = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', state) == 0 then
  return 0
end
local qty = tonumber(ARGV[2])
local held = redis.call('HINCRBY', buyers, ARGV[1], -qty)
local goneBuyer = 0
if held <= 0 then
  redis.call('HDEL', buyers, ARGV[1])
  goneBuyer = 1
end
redis.call('HINCRBY', state, 'remaining', qty)
redis.call('HINCRBY', state, 'joinedUnits', -qty)
redis.call('HINCRBY', state, 'joinedBuyers', -goneBuyer)
if ARGV[3] == '1' then
  local goneCommitted = 0
  if redis.call('HINCRBY', committed, ARGV[1], -qty) <= 0 then
    redis.call('HDEL', committed, ARGV[1])
    goneCommitted = 1
  end
  local cu = redis.call('HINCRBY', state, 'committedUnits', -qty)
  local cb = redis.call('HINCRBY', state, 'committedBuyers', -goneCommitted)
  local s = redis.call('HMGET', state, 'threshold', 'countBy', 'status')
  local count = cu
  if s[2] == 'BUYERS' then count = cb end
  if s[3] == 'OPEN' and count < tonumber(s[1]) then
    redis.call('HDEL', state, 'formedBy')
  end
end
redis.call('HINCRBY', state, 'version', 1)
return 1
