-- Opens a poll for votes (again after Redis lost it: its votes so far are then gone). A closed poll stays closed.
-- KEYS: 1 poll (hash: status, options), 2 votes (hash: viewer -> option), 3 tally (hash: option -> votes),
--       4 tally version; all under the stream's hash tag
-- ARGV: 1 number of options, 2 key TTL seconds
-- Returns 1 when the poll is open, 0 when it was already closed.
local status = redis.call('HGET', KEYS[1], 'status')
if status == 'closed' then
  return 0
end
if status ~= 'open' then
  redis.call('DEL', KEYS[2], KEYS[3])
  redis.call('HSET', KEYS[1], 'status', 'open', 'options', ARGV[1])
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
