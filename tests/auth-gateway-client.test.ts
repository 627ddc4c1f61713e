/**
 * The gateway's auth client against a real auth-service (embedded store, manual clock): the
 * password operations' answers as the limbo reads them — success, each refusal's code, the
 * lockout's Retry-After — and an unreachable service.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createLogger } from '#shared/logger.ts'
import { ManualClock } from '../auth-service/src/clock.ts'
import { readAuthConfig } from '../auth-service/src/config.ts'
import { createAuthService, type AuthService } from '../auth-service/src/create-auth-service.ts'
import { EmbeddedAuthStore } from '../auth-service/src/store/embedded-auth-store.ts'
import { createHttpAuthClient, type AuthClient } from '../gateway/src/auth/auth-client.ts'
import { freePort } from './harness/free-port.ts'

const ALICE = { username: 'Alice', uuid: '00000000-0000-4000-8000-00000000a11c', address: '10.0.0.1' }
const log = createLogger('test', { level: 'silent' })
const clock = new ManualClock()
let service: AuthService
let store: EmbeddedAuthStore
let client: AuthClient

before(async () => {
  const config = readAuthConfig({ AUTH_PORT: '0', AUTH_ADMIN_TOKEN: 'test-admin-token-0123456789', AUTH_SCRYPT_COST: '1024', AUTH_OFFLINE_ACCOUNTS: 'true', AUTH_LOCKOUT_ATTEMPTS: '3', AUTH_LOCKOUT_S: '90' })
  store = new EmbeddedAuthStore({ path: ':memory:', clock })
  service = createAuthService(config, { logger: log, store, clock })
  const { url } = await service.start()
  client = createHttpAuthClient(url, log)
})

after(async () => {
  await service?.stop()
})

test('register, login and change password answer ok; refusals carry the service\'s code', async () => {
  assert.deepEqual(await client.login({ ...ALICE, password: 'secret-1' }), { ok: false, code: 'AUTH_NOT_REGISTERED' })
  assert.deepEqual(await client.register({ ...ALICE, password: 'short' }), { ok: false, code: 'AUTH_BAD_REQUEST' })
  assert.deepEqual(await client.register({ ...ALICE, password: 'secret-1' }), { ok: true })
  assert.deepEqual(await client.register({ ...ALICE, password: 'secret-1' }), { ok: true }, 'a retried registration succeeds')
  assert.deepEqual(await client.register({ ...ALICE, password: 'another-1' }), { ok: false, code: 'AUTH_ALREADY_REGISTERED' })
  assert.deepEqual(await client.login({ ...ALICE, password: 'secret-1' }), { ok: true })
  assert.deepEqual(await client.changePassword({ ...ALICE, password: 'secret-1', newPassword: 'secret-2' }), { ok: true })
  assert.deepEqual(await client.login({ ...ALICE, password: 'secret-1' }), { ok: false, code: 'AUTH_WRONG_PASSWORD' })
  assert.deepEqual(await client.login({ ...ALICE, password: 'secret-2' }), { ok: true })
})

test('a lockout says how long it lasts (Retry-After), in seconds, and ends', async () => {
  assert.deepEqual(await client.login({ ...ALICE, password: 'wrong-1' }), { ok: false, code: 'AUTH_WRONG_PASSWORD' })
  assert.deepEqual(await client.login({ ...ALICE, password: 'wrong-2' }), { ok: false, code: 'AUTH_WRONG_PASSWORD' })
  assert.deepEqual(await client.login({ ...ALICE, password: 'wrong-3' }), { ok: false, code: 'AUTH_LOCKED_OUT', retryAfterS: 90 })
  clock.advance(30_000)
  assert.deepEqual(await client.login({ ...ALICE, password: 'secret-2' }), { ok: false, code: 'AUTH_LOCKED_OUT', retryAfterS: 60 })
  clock.advance(60_000)
  assert.deepEqual(await client.login({ ...ALICE, password: 'secret-2' }), { ok: true })
})

test('an unreachable service is GW_AUTH_UNAVAILABLE, never an exception', async () => {
  const nowhere = createHttpAuthClient(`http://127.0.0.1:${await freePort()}`, log)
  assert.deepEqual(await nowhere.login({ ...ALICE, password: 'secret-2' }), { ok: false, code: 'GW_AUTH_UNAVAILABLE' })
  assert.deepEqual(await nowhere.register({ ...ALICE, password: 'secret-2' }), { ok: false, code: 'GW_AUTH_UNAVAILABLE' })
})
