import assert from 'node:assert/strict'
import { test } from 'node:test'
import { redisCommand, startReplicaSet, waitForFailover, waitForOnlineReplica } from './redis.ts'

test('a replica set fails over to a replica when the primary is killed', { timeout: 60_000 }, async () => {
  const set = await startReplicaSet()
  try {
    assert.match(await redisCommand(set.primary.port, 'SET k v'), /^\+OK/)
    await set.primary.kill()
    const promoted = await waitForFailover(set, set.primary.port)
    assert.ok(set.replicas.some((r) => r.port === promoted))
    assert.match(await redisCommand(promoted, 'GET k'), /\$1\r\nv\r\n/)
    assert.equal(await waitForOnlineReplica(set), promoted)
    const description = await set.describe()
    for (const p of [...set.replicas, ...set.sentinels]) assert.match(description, new RegExp(`:${p.port}`))
    assert.match(description, /\+switch-master/, 'the Sentinel logs are in the description')
  } finally {
    await set.stop()
  }
})
