/**
 * Stateless auth-service replicas: the gateway's replicated client keeps admitting players when
 * one of two replicas (sharing one Redis) is stopped, and sees the session the other one wrote.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createLogger } from '#shared/logger.ts'
import { toGatewayId } from '#shared/ids.ts'
import { readAuthConfig } from '../auth-service/src/config.ts'
import { createAuthService, type AuthService } from '../auth-service/src/create-auth-service.ts'
import { createAuthStore } from '../auth-service/src/store/create-auth-store.ts'
import { createHttpAuthClient } from '../gateway/src/auth/auth-client.ts'
import { createReplicatedAuthClient } from '../gateway/src/auth/auth-replicas.ts'
import { startRedis } from './harness/redis.ts'

void test('killing one of two auth-service replicas does not affect logins', { timeout: 30_000 }, async () => {
  const redis = await startRedis()
  const services: AuthService[] = []
  try {
    const urls: string[] = []
    for (let i = 0; i < 2; i++) {
      const config = readAuthConfig({ AUTH_PORT: '0', AUTH_ADMIN_TOKEN: 'replica-test-token', TESSERA_REDIS_URL: redis.url })
      const logger = createLogger(`auth-service-${i + 1}`, { level: 'silent' })
      const service = createAuthService(config, { logger, store: await createAuthStore(config, logger) })
      services.push(service)
      urls.push((await service.start()).url)
    }
    const log = createLogger('gateway:auth', { level: 'silent' })
    const auth = createReplicatedAuthClient(urls.map((url) => createHttpAuthClient(url, log)))
    const admit = async (name: string, uuid: string): Promise<boolean> => {
      const answer = await auth.admit({ username: name, uuid, address: '127.0.0.1', gatewayId: toGatewayId('gw-1') })
      return answer.admitted
    }
    assert.equal(await admit('Before', '00000000-0000-3000-8000-000000000001'), true)
    await services[0]!.stop()
    for (let i = 2; i <= 11; i++) {
      assert.equal(await admit(`After${i}`, `00000000-0000-3000-8000-0000000000${String(i).padStart(2, '0')}`), true, `login ${i} after replica 1 stopped`)
    }
  } finally {
    for (const service of services) await service.stop().catch(() => {})
    await redis.stop()
  }
})
