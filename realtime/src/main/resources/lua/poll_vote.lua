-- One voter's vote (a viewer or a leader): a first vote, or a change of mind, while the poll is open.
-- KEYS: 1 poll, 2 votes, 3 tally, 4 tally version (as in poll_open.lua)
-- ARGV: 1 the voter (a viewer's id, or leader:<id>), 2 option index (0-based), 3 key TTL seconds
-- Returns {'ok', version, votes per option...}, {'closed'} (not open, or unknown here) or {'bad'} (no such
-- option). Voting the same option again changes nothing.
if redis.call('HGET', KEYS[1], 'status') ~= 'open' then
  return {'closed'}
end
local n = tonumber(redis.call('HGET', KEYS[1], 'options'))
local option = tonumber(ARGV[2])
if option == nil or option < 0 or option >= n then
  return {'bad'}
end
local previous = redis.call('HGET', KEYS[2], ARGV[1])
local version
if previous == ARGV[2] then
  version = tonumber(redis.call('GET', KEYS[4]) or '0')
else
  redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  if previous then
    redis.call('HINCRBY', KEYS[3], previous, -1)
  end
  redis.call('HINCRBY', KEYS[3], ARGV[2], 1)
  version = redis.call('INCR', KEYS[4])
  for i = 2, 4 do
    redis.call('EXPIRE', KEYS[i], ARGV[3])
  end
end
local result = {'ok', version}
for i = 0, n - 1 do
  result[#result + 1] = tonumber(redis.call('HGET', KEYS[3], tostring(i)) or '0')
end
return result
