-- Appends one frame to a room and publishes it, atomically, so seq order = history order = delivery order.
-- KEYS: 1 seq, 2 history, 3 epoch, 4 chat (all under the stream's hash tag)
-- ARGV: 1 frame JSON without seq (starts with '{'), 2 history size, 3 '1' for a chat message,
--       4 a fresh epoch id, 5 channel, 6 key TTL seconds, 7 chat messages kept
-- A missing seq key means a new lineage (first frame, or Redis lost the room): new epoch, old history gone.
local fresh = redis.call('EXISTS', KEYS[1]) == 0
local seq = redis.call('INCR', KEYS[1])
if fresh then
  redis.call('DEL', KEYS[2], KEYS[4])
  redis.call('SET', KEYS[3], ARGV[4])
else
  redis.call('SET', KEYS[3], ARGV[4], 'NX')
end
local frame = '{"seq":' .. string.format('%d', seq) .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], frame)
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
if ARGV[3] == '1' then
  redis.call('RPUSH', KEYS[4], frame)
  redis.call('LTRIM', KEYS[4], -tonumber(ARGV[7]), -1)
  redis.call('EXPIRE', KEYS[4], ARGV[6])
end
redis.call('EXPIRE', KEYS[1], ARGV[6])
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('EXPIRE', KEYS[3], ARGV[6])
-- The channel is not a key (channels are not stored): it shares the hash tag but travels in ARGV.
redis.call('PUBLISH', ARGV[5], frame)
return seq
