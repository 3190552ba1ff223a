-- An open poll's live tally, read at one instant.
-- KEYS: 1 tally, 2 tally version
-- ARGV: 1 number of options
-- Returns {version, votes per option...}.
local result = {tonumber(redis.call('GET', KEYS[2]) or '0')}
for i = 0, tonumber(ARGV[1]) - 1 do
  result[#result + 1] = tonumber(redis.call('HGET', KEYS[1], tostring(i)) or '0')
end
return result
