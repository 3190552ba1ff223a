-- May this person chat now? Mute, slow mode and a token bucket, all in Redis so every node agrees.
-- KEYS: 1 mute mark (this person), 2 slow-mode seconds (the room), 3 slow-mode mark (this person),
--       4 token bucket (this person); all under the stream's hash tag
-- ARGV: 1 bucket size, 2 ms to refill a whole bucket, 3 '1' when slow mode applies (viewers), 4 bucket TTL ms
-- Returns {'ok', 0} or {'muted' | 'slow' | 'rate', ms until trying again makes sense}. A refusal takes nothing:
-- a muted or slowed message does not use up a token.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local muted = redis.call('PTTL', KEYS[1])
if muted > 0 then
  return {'muted', muted}
end
local slow = 0
if ARGV[3] == '1' then
  slow = tonumber(redis.call('GET', KEYS[2]) or '0')
  if slow > 0 then
    local wait = redis.call('PTTL', KEYS[3])
    if wait > 0 then
      return {'slow', wait}
    end
  end
end
local size = tonumber(ARGV[1])
local refill = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[4], 'tokens', 'at')
local tokens = tonumber(bucket[1]) or size
local at = tonumber(bucket[2]) or now
tokens = math.min(size, tokens + math.max(0, now - at) * size / refill)
if tokens < 1 then
  return {'rate', math.ceil((1 - tokens) * refill / size)}
end
redis.call('HSET', KEYS[4], 'tokens', tostring(tokens - 1), 'at', string.format('%d', now))
redis.call('PEXPIRE', KEYS[4], ARGV[4])
if slow > 0 then
  redis.call('SET', KEYS[3], '1', 'PX', slow * 1000)
end
return {'ok', 0}
