-- Adds a node's likes gathered over a moment to the stream's total.
-- KEYS: 1 likes total
-- ARGV: 1 likes to add, 2 key TTL seconds
-- Returns the new total (it only grows, so it is also the version of the room.likes state).
local total = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return total
