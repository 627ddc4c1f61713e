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
      TESSERA_LOG_LEVEL: 'debug'
    })
    assert.equal(config.seed, 'abc')
    assert.equal(config.viewDistance, 12)
    assert.equal(config.version, '1.20.4')
    assert.equal(config.nodeId, 'node-7')
    assert.equal(config.regionSize, 32)
    assert.equal(config.spawnX, -100)
    assert.equal(config.spawnZ, 250)
    assert.equal(config.logLevel, 'debug')
  })

  void it('reports every problem at once', () => {
    assert.throws(() => readWorldNodeConfig({
      WORLD_VIEW_DISTANCE: '1',
      WORLD_VERSION: '9.9.9',
      WORLD_NODE_ID: 'bad id!',
      WORLD_REGION_SIZE: '65',
      WORLD_SPAWN_X: 'x',
      TESSERA_LOG_LEVEL: 'loud'
    }), (err: unknown) => {
      assert.ok(err instanceof ConfigError)
      assert.equal(err.problems.length, 6)
      return true
    })
  })
})
