-- The sandbox provider takes a refund request, as a real provider's refund API does: the same refund id answers
-- the same refund (never a second one); a refund of an unknown or failed payment, or of more than is left of
-- it, is refused. The outcome is decided now, from the switch the sandbox pay page sets for the payment's next
-- refund (default SUCCESS, notified), and only a successful refund uses up the payment.
-- KEYS: the payment's sandbox record
-- ARGV: refund id, amount (fen), provider refund id, accepted at (epoch ms)
-- Answers {'ACCEPTED', provider refund id, 1 when new else 0} or {'REFUSED', why}
local payment = KEYS[1]
local field = 'refund:' .. ARGV[1]
local known = redis.call('HGET', payment, field)
if known then
  return {'ACCEPTED', cjson.decode(known).providerRefundId, 0}
end
local total = tonumber(redis.call('HGET', payment, 'amountFen') or '0')
if total == 0 then
  return {'REFUSED', 'the sandbox knows no such payment'}
end
if redis.call('HGET', payment, 'status') == 'FAILED' then
  return {'REFUSED', 'the payment failed; nothing was paid to refund'}
end
local amount = tonumber(ARGV[2])
local refunded = tonumber(redis.call('HGET', payment, 'refundedFen') or '0')
if refunded + amount > total then
  return {'REFUSED', 'more than is left of the payment'}
end
local outcome = redis.call('HGET', payment, 'nextRefundOutcome') or 'SUCCESS'
local notify = redis.call('HGET', payment, 'nextRefundNotify') or '1'
redis.call('HDEL', payment, 'nextRefundOutcome', 'nextRefundNotify')
if outcome == 'SUCCESS' then
  redis.call('HINCRBY', payment, 'refundedFen', amount)
end
redis.call('HSET', payment, field, cjson.encode({providerRefundId = ARGV[3], amountFen = ARGV[2],
  outcome = outcome, notify = notify, acceptedAt = ARGV[4]}))
return {'ACCEPTED', ARGV[3], 1}
