-- Takes one message out of the room's recent chat (what snapshots show), wherever it is in the list.
-- KEYS: 1 recent chat list
-- ARGV: 1 the message's id as it appears in its frame: "id":"<id>" (message and person ids never collide,
--       and chat text is JSON-escaped, so a text cannot contain that sequence)
-- Returns 1 when the message was there.
local frames = redis.call('LRANGE', KEYS[1], 0, -1)
for i = 1, #frames do
  if string.find(frames[i], ARGV[1], 1, true) then
    redis.call('LREM', KEYS[1], 1, frames[i])
    return 1
  end
end
return 0
