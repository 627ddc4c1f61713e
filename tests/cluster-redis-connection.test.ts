import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createRedis, defineScript, parseSentinels, reconnectDelay } from '../shared/src/cluster/redis-connection.ts'
import { startRedis, startReplicaSet, waitForFailover } from './harness/redis.ts'

void describe('redis connection factory', () => {
  void test('parses Sentinel lists and reports every bad entry at once', () => {
    assert.deepEqual(parseSentinels('127.0.0.1:26379, redis-sentinel:26380,[::1]:26381'), [
      { host: '127.0.0.1', port: 26379 }, { host: 'redis-sentinel', port: 26380 }, { host: '::1', port: 26381 }
    ])
    assert.throws(() => parseSentinels('a:1,b,c:99999'), /not host:port: "b", "c:99999"/)
    assert.throws(() => parseSentinels(' , '), /no Sentinel addresses/)
  })

  void test('reconnect attempts back off to at most 500 ms', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 50].map(reconnectDelay), [50, 100, 200, 400, 500, 500])
  })

  void test('connects by URL and runs scripts by SHA, reloading them when Redis forgot them', async () => {
    const server = await startRedis()
    const redis = createRedis({ url: server.url }, { connectionName: 'test:url' })
    try {
      const script = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])")
      assert.equal(await script.run(redis, ['n'], [2]), 2)
      await redis.script('FLUSH')
      assert.equal(await script.run(redis, ['n'], [3]), 5)
      assert.equal(await redis.client('GETNAME'), 'test:url')
    } finally {
      redis.disconnect()
      await server.stop()
    }
  })

  void test('a failover announced while the client is asking Sentinel for the primary does not end the client', { timeout: 60_000 }, async () => {
    // ioredis's failover detector disconnects the connector on +switch-master; when that lands
    // while a reconnect is waiting for Sentinel's answer, ioredis 6 ended the client for good and
    // failed every queued command with "Connection is closed." (as ioredis issue #1683 reports).
    // The detector's call is made here at exactly that moment: ioredis emits 'connecting' a tick
    // after it started asking Sentinel.
    const set = await startReplicaSet({ replicas: 1, sentinels: 1 })
    const redis = createRedis({ sentinels: parseSentinels(set.sentinelList), name: set.name }, { connectionName: 'test:race' })
    try {
      await redis.set('before', '1')
      const connector = (redis as unknown as { connector: { disconnect (): void } }).connector
      redis.once('connecting', () => { connector.disconnect() })
      redis.disconnect(true)
      assert.equal(await redis.set('during', '2'), 'OK', 'the queued write survived')
      assert.equal(redis.status, 'ready')
      assert.equal(await redis.get('before'), '1')
    } finally {
      redis.disconnect()
      await set.stop()
    }
  })

  void test('through Sentinel, a write issued as the primary dies lands on the promoted replica', { timeout: 60_000 }, async () => {
    const set = await startReplicaSet()
    const redis = createRedis({ sentinels: parseSentinels(set.sentinelList), name: set.name }, { connectionName: 'test:sentinel' })
    try {
      await redis.set('before', '1')
      await set.primary.kill()
      const write = redis.set('during', '2')
      const promoted = await waitForFailover(set, set.primary.port)
      assert.equal(await write, 'OK', 'the queued write survived the failover')
      assert.equal(await redis.get('before'), '1')
      const role = await redis.call('ROLE') as [string]
      assert.equal(role[0], 'master')
      assert.ok(set.replicas.some((r) => r.port === promoted))
      const [, port] = await redis.config('GET', 'port') as [string, string]
      assert.equal(Number(port), promoted, 'the client follows Sentinel to the new primary')
    } finally {
      redis.disconnect()
      await set.stop()
    }
  })
})
