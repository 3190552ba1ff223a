-- Builds a deal's Redis state from the record (PostgreSQL), but only when there is none: live counters are
-- never overwritten from the database during a sale (that resets them and oversells).
-- KEYS: state, buyers (units held), committed (units that count)
-- ARGV: status, remaining, limit, threshold, countBy, joinedBuyers, joinedUnits, committedBuyers,
--       committedUnits, formed (1/0), N, then N (buyer, units) pairs held, then (buyer, units) pairs committed
local state, buyers, committed = KEYS[1], KEYS[2], KEYS[3]
if redis.call('EXISTS', state) == 1 then
  return 0
end
-- The version starts at Redis' clock in microseconds, not at 1: a state rebuilt after Redis lost it must still be
-- newer than every frame the room already sent (sockets keep the highest version per key and drop lower ones),
-- and a deal never takes a million joins a second. It stays below 2^53, so clients' numbers hold it exactly.
local now = redis.call('TIME')
local version = now[1] .. string.format('%06d', tonumber(now[2]))
redis.call('HSET', state, 'status', ARGV[1], 'remaining', ARGV[2], 'limit', ARGV[3], 'threshold', ARGV[4],
  'countBy', ARGV[5], 'joinedBuyers', ARGV[6], 'joinedUnits', ARGV[7], 'committedBuyers', ARGV[8],
  'committedUnits', ARGV[9], 'version', version)
if ARGV[10] == '1' then
  redis.call('HSET', state, 'formedBy', 'record')
end
redis.call('DEL', buyers, committed)
local held = tonumber(ARGV[11])
for i = 12, 11 + 2 * held, 2 do
  redis.call('HSET', buyers, ARGV[i], ARGV[i + 1])
end
for i = 12 + 2 * held, #ARGV, 2 do
  redis.call('HSET', committed, ARGV[i], ARGV[i + 1])
end
return 1
