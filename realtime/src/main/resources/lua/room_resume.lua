-- The frames after a client's last seq, or 'gap' when the history no longer reaches back that far.
-- KEYS: 1 seq, 2 history, 3 epoch
-- ARGV: 1 afterSeq
-- Returns {epoch or '', current seq, 'ok' | 'gap', frames...}. Every seq is in the history (one INCR, one
-- RPUSH), so the history holds the contiguous range (seq - length, seq].
local seq = tonumber(redis.call('GET', KEYS[1]) or '0')
local epoch = redis.call('GET', KEYS[3]) or ''
local after = tonumber(ARGV[1])
if after > seq then
  return {epoch, seq, 'gap'}
end
if after == seq then
  return {epoch, seq, 'ok'}
end
local first = seq - redis.call('LLEN', KEYS[2]) + 1
if after + 1 < first then
  return {epoch, seq, 'gap'}
end
local result = {epoch, seq, 'ok'}
local frames = redis.call('LRANGE', KEYS[2], after + 1 - first, -1)
for i = 1, #frames do
  result[#result + 1] = frames[i]
end
return result
