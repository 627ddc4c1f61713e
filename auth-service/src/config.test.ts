import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError } from '#shared/env.ts'
import { readAuthConfig } from './config.ts'

void test('defaults: loopback, embedded store under ./data, kick-old, 30 s sessions, generated admin token', () => {
  const config = readAuthConfig({})
  assert.equal(config.port, 8081)
  assert.equal(config.host, '127.0.0.1')
  assert.deepEqual(config.store, { kind: 'embedded', path: './data/auth.sqlite' })
  assert.equal(config.duplicateLogin, 'kick-old')
  assert.equal(config.failoverAdmit, 'provisional')
  assert.equal(config.sessionTtlMs, 30_000)
  assert.equal(config.adminTokenGenerated, true)
  assert.ok(config.adminToken.length >= 16)
  assert.equal(config.rateLimits.lockoutAttempts, 5)
})

void test('Sentinel settings: list of host:port and a master name; writes confirmed by one replica', () => {
  const config = readAuthConfig({ TESSERA_REDIS_SENTINELS: '10.0.0.1:26379, sentinel-2:26380', TESSERA_REDIS_NAME: 'mymaster', TESSERA_DATA_DIR: '/var/tessera/' })
  assert.deepEqual(config.store, { kind: 'sentinel', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: 'sentinel-2', port: 26380 }], name: 'mymaster', minReplicas: 1, waitMs: 500 })
  assert.deepEqual(readAuthConfig({ TESSERA_REDIS_URL: 'redis://r:6379' }).store, { kind: 'redis', url: 'redis://r:6379', minReplicas: 0, waitMs: 500 })
})

void test('reports every problem at once', () => {
  assert.throws(() => readAuthConfig({
    AUTH_HOST: '0.0.0.0',
    AUTH_PORT: 'x',
    AUTH_DUPLICATE_LOGIN: 'both',
    AUTH_WHITELIST: 'maybe',
    TESSERA_REDIS_URL: 'redis://a:1',
    TESSERA_REDIS_SENTINELS: 'nope',
    AUTH_OPS: 'ok_name,bad name',
    AUTH_SCRYPT_COST: '3000'
  }), (err: unknown) => {
    assert.ok(err instanceof ConfigError)
    assert.equal(err.problems.length, 8, err.message)
    assert.match(err.message, /AUTH_ADMIN_TOKEN is required/)
    return true
  })
})

void test('a non-loopback host needs a token unless embedded', () => {
  assert.equal(readAuthConfig({ AUTH_HOST: '0.0.0.0', AUTH_ADMIN_TOKEN: 'a-long-enough-token' }).adminTokenGenerated, false)
  assert.equal(readAuthConfig({ AUTH_HOST: '0.0.0.0' }, { embedded: true }).adminTokenGenerated, true)
})
