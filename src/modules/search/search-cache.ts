import type { Redis } from 'ioredis'

/**
 * Search answers share the queue's Redis, which runs `noeviction`: a full Redis fails job writes.
 * So the cache keeps its own budget. Every entry is listed in a sorted set by when it was written,
 * with its size in a hash and the total in a counter; a write first forgets entries whose TTL has
 * passed, then deletes the oldest until the new one fits under `maxBytes`. One script, so
 * concurrent writers cannot overshoot. Sizes count the key three times (entry, index, size) and a
 * fixed overhead per entry, close to what Redis itself spends.
 */
const STORE = `
local index, sizes, total = KEYS[1], KEYS[2], KEYS[3]
local key, value = ARGV[1], ARGV[2]
local ttlMs, now, maxBytes, overhead = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local bytes = tonumber(redis.call('GET', total) or '0')
local function forget(member)
  bytes = bytes - tonumber(redis.call('HGET', sizes, member) or '0')
  redis.call('HDEL', sizes, member)
  redis.call('ZREM', index, member)
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', index, '-inf', now - ttlMs, 'LIMIT', 0, 1000)) do forget(member) end
if redis.call('HEXISTS', sizes, key) == 1 then forget(key) end
local size = 3 * #key + #value + overhead
while bytes + size > maxBytes do
  local oldest = redis.call('ZRANGE', index, 0, 0)
  if #oldest == 0 then break end
  redis.call('DEL', oldest[1])
  forget(oldest[1])
end
if bytes < 0 then bytes = 0 end
redis.call('SET', key, value, 'PX', ttlMs)
redis.call('ZADD', index, now, key)
redis.call('HSET', sizes, key, size)
bytes = bytes + size
redis.call('SET', total, bytes, 'PX', ttlMs)
redis.call('PEXPIRE', index, ttlMs)
redis.call('PEXPIRE', sizes, ttlMs)
return bytes`

// What Redis spends per entry beyond its key and value (records, expiry, sorted-set and hash entries),
// rounded up: MEMORY USAGE puts a small entry with its index entries at well under this.
const ENTRY_OVERHEAD_BYTES = 1024

export interface SearchCacheLimits {
  prefix: string
  seconds: number
  maxEntryBytes: number
  maxBytes: number
}

/** Keeps `value` under `key` for the cache's TTL, within its budget; a value over `maxEntryBytes` is not kept. */
export async function storeBounded(redis: Redis, limits: SearchCacheLimits, key: string, value: string): Promise<void> {
  if (Buffer.byteLength(value) > limits.maxEntryBytes) return
  const meta = `${limits.prefix}:search-cache`
  await redis.eval(
    STORE,
    3,
    `${meta}:index`,
    `${meta}:sizes`,
    `${meta}:bytes`,
    key,
    value,
    limits.seconds * 1000,
    Date.now(),
    limits.maxBytes,
    ENTRY_OVERHEAD_BYTES,
  )
}
