/**
 * Events cross replicas: a ban issued through the admin API at one auth-service replica reaches
 * a gateway's event stream on another replica through Redis pub/sub within one second.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { AuthPaths } from '#shared/auth-api.ts'
import { createLogger } from '#shared/logger.ts'
import { readAuthConfig } from '../auth-service/src/config.ts'
import { createAuthService, type AuthService } from '../auth-service/src/create-auth-service.ts'
import { createAuthStore } from '../auth-service/src/store/create-auth-store.ts'
import { openEventStream } from '../auth-service/src/testing/event-stream-client.ts'
import { startRedis } from './harness/redis.ts'

const TOKEN = 'events-test-admin-token'

void test('a ban issued at replica 1 reaches an event stream on replica 2 within one second', { timeout: 30_000 }, async () => {
  const redis = await startRedis()
  const services: AuthService[] = []
  try {
    const urls: string[] = []
    for (let i = 0; i < 2; i++) {
      const config = readAuthConfig({ AUTH_PORT: '0', AUTH_ADMIN_TOKEN: TOKEN, TESSERA_REDIS_URL: redis.url })
      const logger = createLogger(`auth-service-${i + 1}`, { level: 'warn' })
      const store = await createAuthStore(config, logger)
      const service = createAuthService(config, { logger, store })
      services.push(service)
      urls.push((await service.start()).url)
    }
    const stream = await openEventStream(urls[1]!)
    try {
      const started = performance.now()
      const response = await fetch(`${urls[0]!}${AuthPaths.bans}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'name', value: 'Griefer', reason: 'tnt in spawn' })
      })
      assert.equal(response.status, 201)
      const event = await stream.next((e) => e.type === 'PlayerBanned', 1000)
      const latencyMs = performance.now() - started
      console.log(`ban → event stream on the other replica: ${latencyMs.toFixed(1)} ms`)
      assert.deepEqual(event, { type: 'PlayerBanned', username: 'Griefer', reason: 'tnt in spawn' })
      assert.ok(latencyMs < 1000, `${latencyMs} ms`)
    } finally {
      stream.close()
    }
  } finally {
    for (const service of services) await service.stop()
    await redis.stop()
  }
})
