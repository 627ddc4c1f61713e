/**
 * The AuthStore contract against a real redis-server (standalone; the failover behaviour is
 * covered by auth-failover.test.ts).
 */
import { randomUUID } from 'node:crypto'
import { after, before } from 'node:test'
import { createLogger } from '#shared/logger.ts'
import { runAuthStoreContract } from '../auth-service/src/store/auth-store.contract.ts'
import { RedisAuthStore } from '../auth-service/src/store/redis-auth-store.ts'
import { startRedis } from './harness/redis.ts'

let redis: Awaited<ReturnType<typeof startRedis>> | undefined

before(async () => { redis = await startRedis() })
after(async () => { await redis?.stop() })

runAuthStoreContract('Redis', async () => {
  if (redis === undefined) throw new Error('redis not started')
  const store = new RedisAuthStore({
    connection: { kind: 'redis', url: redis.url, minReplicas: 0, waitMs: 100 },
    logger: createLogger('auth-service:store', { level: 'silent' }),
    prefix: `t-${randomUUID()}:`
  })
  await store.open()
  return { store, cleanup: async () => { await store.close() } }
})
