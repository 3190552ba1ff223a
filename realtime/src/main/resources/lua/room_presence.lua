-- One node's viewer count for a stream, and the total across live nodes, unique viewers and the peak.
-- KEYS: 1 per-node counts (hash), 2 viewer total, 3 viewer version, 4 unique viewers (HyperLogLog), 5 peak
-- ARGV: 1 node instance, 2 its count, 3 its write number, 4 entry TTL ms, 5 key TTL seconds,
--       6 the id of a viewer who just joined ('' for none)
-- Entries are "count:write:expiresAtMs". A node writes its absolute count, so a lost or repeated write heals
-- itself; the write number keeps a late, older write from overwriting a newer one; the expiry removes the
-- count of a node that died without saying goodbye. Returns {total, version, unique, peak}.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local write = tonumber(ARGV[3])
local current = redis.call('HGET', KEYS[1], ARGV[1])
local newer = true
if current then
  local stored = tonumber(string.match(current, '^[^:]*:([^:]*):'))
  newer = stored == nil or write >= stored
end
if newer then
  redis.call('HSET', KEYS[1], ARGV[1],
    ARGV[2] .. ':' .. ARGV[3] .. ':' .. string.format('%d', now + tonumber(ARGV[4])))
end
local total = 0
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local count, expires = string.match(entries[i + 1], '^(%-?%d+):%d+:(%d+)$')
  if count == nil or tonumber(expires) < now then
    redis.call('HDEL', KEYS[1], entries[i])
  elseif tonumber(count) > 0 then
    total = total + tonumber(count)
  end
end
redis.call('SET', KEYS[2], total)
local version = redis.call('INCR', KEYS[3])
if ARGV[6] ~= '' then
  redis.call('PFADD', KEYS[4], ARGV[6])
end
local unique = redis.call('PFCOUNT', KEYS[4])
local peak = tonumber(redis.call('GET', KEYS[5]) or '0')
if total > peak then
  peak = total
  redis.call('SET', KEYS[5], peak)
end
for i = 1, 5 do
  redis.call('EXPIRE', KEYS[i], ARGV[5])
end
return {total, version, unique, peak}
