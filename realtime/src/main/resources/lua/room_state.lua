-- What a snapshot needs from Redis, read at one instant: epoch, current seq, viewers (and the version of that
-- count), likes, pinned message, slow mode, recent chat.
-- KEYS: 1 seq, 2 history, 3 epoch, 4 chat, 5 viewer total, 6 unique viewers, 7 peak viewers, 8 likes,
--       9 pinned message, 10 slow-mode seconds, 11 viewer count version
-- ARGV: 1 a fresh epoch id, 2 key TTL seconds
-- Same lineage rule as room_publish.lua: no seq key means a new lineage, so the epoch changes with it.
-- Returns {epoch, seq, viewers, unique, peak, likes, pinned JSON or '', slow seconds, viewers version,
-- chat frames...}.
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('SET', KEYS[1], 0)
  redis.call('SET', KEYS[3], ARGV[1])
  redis.call('DEL', KEYS[2], KEYS[4])
else
  redis.call('SET', KEYS[3], ARGV[1], 'NX')
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[2])
local result = {
  redis.call('GET', KEYS[3]),
  tonumber(redis.call('GET', KEYS[1])),
  tonumber(redis.call('GET', KEYS[5]) or '0'),
  redis.call('PFCOUNT', KEYS[6]),
  tonumber(redis.call('GET', KEYS[7]) or '0'),
  tonumber(redis.call('GET', KEYS[8]) or '0'),
  redis.call('GET', KEYS[9]) or '',
  tonumber(redis.call('GET', KEYS[10]) or '0'),
  tonumber(redis.call('GET', KEYS[11]) or '0')
}
local chat = redis.call('LRANGE', KEYS[4], 0, -1)
for i = 1, #chat do
  result[#result + 1] = chat[i]
end
return result
