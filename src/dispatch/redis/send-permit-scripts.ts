/**
 * The Lua scripts behind the Redis send permits: each decision is one script, so it is atomic across every gateway
 * process and costs one round trip. Time is the Redis server's (TIME), so processes with skewed clocks agree; the
 * pace maths is domain/gcra.ts's `takePermit`, and the call cap domain/call-window.ts's `decideCall`.
 */

/**
 * Permits for the jobs at the head of one number's queue.
 * KEYS: [1] the number's pace (its tat), [2] the number's slow-down flag, [3..] one pair pace per job, in order.
 * ARGV: the number's interval and burst, its slowed interval and burst, the pair interval and burst.
 * Returns, per job decided: refusedBy (0 granted, 1 pair, 2 number) and the wait in ms; it stops after a number
 * refusal. A job its pair refuses leaves the number's pace alone; one the number refuses leaves its pair alone.
 * Each pace key expires when its tat has passed, where it holds nothing an absent key would not.
 */
export const TAKE_SEND_PERMITS = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local slowed = redis.call('EXISTS', KEYS[2]) == 1
local interval = tonumber(slowed and ARGV[3] or ARGV[1])
local burst = tonumber(slowed and ARGV[4] or ARGV[2])
local pairInterval = tonumber(ARGV[5])
local pairBurst = tonumber(ARGV[6])
local numberTat = tonumber(redis.call('GET', KEYS[1]) or '0')
local granted = false
local answers = {}
for k = 3, #KEYS do
  local pairTat = tonumber(redis.call('GET', KEYS[k]) or '0')
  local pairAt = pairTat - (pairBurst - 1) * pairInterval
  local numberAt = numberTat - (burst - 1) * interval
  if now < pairAt then
    answers[#answers + 1] = 1
    answers[#answers + 1] = math.ceil(pairAt - now)
  elseif now < numberAt then
    answers[#answers + 1] = 2
    answers[#answers + 1] = math.ceil(numberAt - now)
    break
  else
    granted = true
    numberTat = math.max(now, numberTat) + interval
    local nextPairTat = math.max(now, pairTat) + pairInterval
    redis.call('SET', KEYS[k], string.format('%.3f', nextPairTat), 'PX', math.ceil(nextPairTat - now))
    answers[#answers + 1] = 0
    answers[#answers + 1] = 0
  end
end
if granted then
  redis.call('SET', KEYS[1], string.format('%.3f', numberTat), 'PX', math.ceil(numberTat - now))
end
return answers
`;

/**
 * The hard cap on one number's calls: a sorted set of its call times within the last window.
 * KEYS: [1] the number's calls. ARGV: [1] cap, [2] window in ms, [3] a member naming this call (unique).
 * Returns 0 when the call may go (and records it), else the ms until the cap-th latest call leaves the window.
 */
export const CLAIM_CALL_SLOT = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + tonumber(clock[2]) / 1000
local cap = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
if count >= cap then
  local capth = redis.call('ZRANGE', KEYS[1], count - cap, count - cap, 'WITHSCORES')
  return math.max(1, math.ceil(tonumber(capth[2]) + window - now))
end
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;
