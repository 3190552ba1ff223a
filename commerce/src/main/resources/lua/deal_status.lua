-- Mirrors a status the record decided (formed, closed, failed, paused, opened) so the join script obeys it,
-- and moves the deal's version with it: a count frame made before the change still carries the old status,
-- and now has a lower version than the frame that tells the change, so the room never lets it set a phone back.
-- KEYS: state. ARGV: status.
-- Returns {joinedBuyers, joinedUnits, committedBuyers, committedUnits, remaining, version, status} after the
-- change, or an empty list when Redis has no state for the deal (a rebuild takes the status from the record).
local state = KEYS[1]
if redis.call('EXISTS', state) == 0 then
  return {}
end
redis.call('HSET', state, 'status', ARGV[1])
redis.call('HINCRBY', state, 'version', 1)
return redis.call('HMGET', state, 'joinedBuyers', 'joinedUnits', 'committedBuyers', 'committedUnits', 'remaining',
  'version', 'status')
