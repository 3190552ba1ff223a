-- Rewrites a deal's counts from the record, but only when nothing moved since the record was read:
-- no join in flight and the same version as then. Otherwise it does nothing and the next sweep retries.
-- KEYS: state, buyers, inflight
-- ARGV: expected version, joinedBuyers, joinedUnits, committedBuyers, committedUnits, remaining,
--       then buyer, units pairs
local state, buyers, inflight = KEYS[1], KEYS[2], KEYS[3]
if redis.call('ZCARD', inflight) > 0 then
  return 0
end
if (redis.call('HGET', state, 'version') or '0') ~= ARGV[1] then
  return 0
end
redis.call('HSET', state, 'joinedBuyers', ARGV[2], 'joinedUnits', ARGV[3], 'committedBuyers', ARGV[4],
  'committedUnits', ARGV[5], 'remaining', ARGV[6])
redis.call('HINCRBY', state, 'version', 1)
redis.call('DEL', buyers)
for i = 7, #ARGV, 2 do
  redis.call('HSET', buyers, ARGV[i], ARGV[i + 1])
end
return 1
