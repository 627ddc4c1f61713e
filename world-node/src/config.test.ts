import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError } from '#shared/env.ts'
import { readWorldNodeConfig } from './config.ts'

void describe('world-node config', () => {
  void it('uses the documented defaults for an empty environment', () => {
    const config = readWorldNodeConfig({})
    assert.deepEqual(config, {
      seed: 'tessera',
      viewDistance: 8,
      version: '1.21.4',
      dataDir: './data',
      nodeId: 'world-1',
      regionSize: 16,
      spawnX: 0,
      spawnZ: 0,
      pauseWhenEmptyS: 60,
      logLevel: 'info',
      metricsPort: 9464,
      cluster: null
    })
  })

  void it('reads every setting', () => {
    const config = readWorldNodeConfig({
      WORLD_SEED: 'abc',
      WORLD_VIEW_DISTANCE: '12',
      WORLD_VERSION: '1.20.4',
      TESSERA_DATA_DIR: '/tmp/x',
      WORLD_NODE_ID: 'node-7',
      WORLD_REGION_SIZE: '32',
      WORLD_SPAWN_X: '-100',
      WORLD_SPAWN_Z: '250',
      WORLD_PAUSE_WHEN_EMPTY_S: '0',
      TESSERA_LOG_LEVEL: 'debug'
    })
    assert.equal(config.seed, 'abc')
    assert.equal(config.viewDistance, 12)
    assert.equal(config.version, '1.20.4')
    assert.equal(config.nodeId, 'node-7')
    assert.equal(config.regionSize, 32)
    assert.equal(config.spawnX, -100)
    assert.equal(config.spawnZ, 250)
    assert.equal(config.pauseWhenEmptyS, 0)
    assert.equal(config.logLevel, 'debug')
  })

  void it('reports every problem at once', () => {
    assert.throws(() => readWorldNodeConfig({
      WORLD_VIEW_DISTANCE: '1',
      WORLD_VERSION: '9.9.9',
      WORLD_NODE_ID: 'bad id!',
      WORLD_REGION_SIZE: '65',
      WORLD_SPAWN_X: 'x',
      WORLD_PAUSE_WHEN_EMPTY_S: '-1',
      TESSERA_LOG_LEVEL: 'loud'
    }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.problems.length, 7)
      return true
    })
  })
  void it('selects distributed mode when Redis is configured, with the link and lease settings', () => {
    const config = readWorldNodeConfig({
      TESSERA_REDIS_URL: 'redis://10.0.0.5:6379',
      TESSERA_CLUSTER_SECRET: 'x'.repeat(32),
      WORLD_LINK_PORT: '0',
      WORLD_ADVERTISE_HOST: 'world-1.tessera',
      WORLD_LEASE_TTL_MS: '3000'
    })
    assert.deepEqual(config.cluster, {
      redis: { url: 'redis://10.0.0.5:6379' },
      redisPassword: undefined,
      secret: 'x'.repeat(32),
      linkHost: '0.0.0.0',
      linkPort: 0,
      advertiseHost: 'world-1.tessera',
      leaseTtlMs: 3000
    })
    const sentinel = readWorldNodeConfig({ TESSERA_REDIS_SENTINELS: 's1:26379,s2:26379', TESSERA_REDIS_NAME: 'main', TESSERA_CLUSTER_SECRET: 'y'.repeat(16) })
    assert.deepEqual(sentinel.cluster?.redis, { sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'main' })
    assert.equal(sentinel.cluster?.linkPort, 25_600)
    // The all-in-one launcher ignores the Redis settings.
    assert.equal(readWorldNodeConfig({ TESSERA_REDIS_URL: 'redis://x:1' }, { embedded: true }).cluster, null)
  })

  void it('reports every distributed-mode problem at once', () => {
    assert.throws(() => readWorldNodeConfig({
      TESSERA_REDIS_URL: 'http://nope',
      TESSERA_REDIS_SENTINELS: 'bad',
      TESSERA_CLUSTER_SECRET: 'short',
      WORLD_LINK_PORT: '70000',
      WORLD_LEASE_TTL_MS: '10'
    }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.problems.length, 6)
      return true
    })
  })
})
