-- Closes a poll to votes and reads its final state. Safe to run twice (two nodes closing at once read the
-- same final state: no vote can land after the first close).
-- KEYS: 1 poll, 2 votes, 3 tally, 4 tally version (as in poll_open.lua)
-- ARGV: 1 number of options, 2 key TTL seconds
-- Returns {version, votes per option..., voter, option, voter, option, ...} (voters as poll_vote.lua keys them).
redis.call('HSET', KEYS[1], 'status', 'closed')
redis.call('EXPIRE', KEYS[1], ARGV[2])
local n = tonumber(ARGV[1])
local result = {tonumber(redis.call('GET', KEYS[4]) or '0')}
for i = 0, n - 1 do
  result[#result + 1] = tonumber(redis.call('HGET', KEYS[3], tostring(i)) or '0')
end
local votes = redis.call('HGETALL', KEYS[2])
for i = 1, #votes do
  result[#result + 1] = votes[i]
end
return result
