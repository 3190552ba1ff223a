-- Rewrites a deal's counts from the record, but only when nothing moved since the record was read:
-- no join in flight and the same version as then. Otherwise it does nothing and the next sweep retries.
-- KEYS: state, buyers, inflight, committed
-- ARGV: expected version, joinedBuyers, joinedUnits, committedBuyers, committedUnits, remaining,
--       N, then N (buyer, units) pairs held, then (buyer, units) pairs committed
local state, buyers, inflight, committed = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
if redis.call('ZCARD', inflight) > 0 then
  return 0
end
if (redis.call('HGET', state, 'version') or '0') ~= ARGV[1] then
  return 0
end
redis.call('HSET', state, 'joinedBuyers', ARGV[2], 'joinedUnits', ARGV[3], 'committedBuyers', ARGV[4],
  'committedUnits', ARGV[5], 'remaining', ARGV[6])
redis.call('HINCRBY', state, 'version', 1)
redis.call('DEL', buyers, committed)
local held = tonumber(ARGV[7])
for i = 8, 7 + 2 * held, 2 do
  redis.call('HSET', buyers, ARGV[i], ARGV[i + 1])
end
for i = 8 + 2 * held, #ARGV, 2 do
  redis.call('HSET', committed, ARGV[i], ARGV[i + 1])
end
return 1
