/**
 * RedisWorldStore against a real redis-server: the WorldStore contract every store passes, and
 * the epoch fencing of region logs and player records (DESIGN decisions 3 and 6).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import { RedisRegionLeases, RedisRegionLog } from '#shared/cluster/leases.ts'
import { createRedis, type Redis } from '#shared/cluster/redis-connection.ts'
import { toNodeId, toPlayerId, type RegionId } from '#shared/ids.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import { RedisWorldStore, type StaleWrite } from '../world-node/src/cluster/redis-world-store.ts'
import { runWorldStoreContract } from '../world-node/src/store/world-store.contract.ts'
import { startRedis } from './harness/redis.ts'

const redisServer = await startRedis()
const connections: Redis[] = []
function connect (): Redis {
  const redis = createRedis({ url: redisServer.url })
  connections.push(redis)
  return redis
}
let namespaces = 0

after(async () => {
  for (const redis of connections) redis.disconnect()
  await redisServer.stop()
})

runWorldStoreContract('RedisWorldStore', () => {
  const prefix = `contract-${++namespaces}:`
  return {
    open: async () => await Promise.resolve().then(() => {
      const redis = connect()
      const leases = new RedisRegionLeases(redis, { prefix })
      const nodeId = toNodeId('contract-node')
      return new RedisWorldStore({
        redis,
        nodeId,
        regionSize: 16,
        prefix,
        ownsConnection: true,
        openOnWrite: async (region) => {
          const grant = await leases.acquire(region, nodeId, 60_000)
          if (grant === null) throw new Error(`${region} is leased elsewhere`)
          return grant.epoch
        }
      })
    })
  }
})

function snapshot (x: number, items: number): PlayerSnapshot {
  const inventory = Array.from({ length: 46 }, () => null) as Array<{ name: string, count: number } | null>
  inventory[36] = { name: 'diamond', count: items }
  return { x, y: 80, z: 0, yaw: 0, pitch: 0, gameMode: 'survival', inventory, selectedSlot: 0, onGround: true }
}

void describe('RedisWorldStore fencing', () => {
  let redis: Redis
  before(() => { redis = connect() })

  void it('refuses a region append after the lease was taken over, and replays only what the owner wrote', async () => {
    const prefix = `fence-${++namespaces}:`
    const leases = new RedisRegionLeases(redis, { prefix })
    const region = 'r.0.0' as RegionId
    const a = toNodeId('node-a')
    const stale: StaleWrite[] = []
    const storeA = new RedisWorldStore({ redis, nodeId: a, regionSize: 16, prefix, onStale: (s) => { stale.push(s) } })
    const grantA = await leases.acquire(region, a, 60_000)
    assert.ok(grantA !== null)
    await storeA.openRegion(region, grantA.epoch)
    await storeA.appendBlockChanges([{ chunk: chunkKey(0, 0), x: 1, y: 64, z: 1, stateId: 7 }])
    // Another node takes the region (the old lease expired while A was paused).
    await redis.del(`${prefix}{${region}}:lease`)
    const b = toNodeId('node-b')
    const grantB = await leases.acquire(region, b, 60_000)
    assert.ok(grantB !== null && grantB.epoch > grantA.epoch)
    await storeA.appendBlockChanges([{ chunk: chunkKey(0, 0), x: 2, y: 64, z: 2, stateId: 9 }])
    assert.deepEqual(stale, [{ region, epoch: grantA.epoch }])
    assert.equal(storeA.isOpen(region), false)
    const storeB = new RedisWorldStore({ redis, nodeId: b, regionSize: 16, prefix })
    await storeB.openRegion(region, grantB.epoch)
    assert.deepEqual(await storeB.loadChunkChanges(chunkKey(0, 0)), [{ x: 1, y: 64, z: 1, stateId: 7 }])
    const entries = await new RedisRegionLog(redis, { prefix }).readLog(region, 0)
    assert.deepEqual(entries.map((e) => e.epoch), [grantA.epoch])
    // B continues the log; a snapshot compacts it and a new owner replays snapshot + log.
    await storeB.appendBlockChanges([{ chunk: chunkKey(0, 0), x: 3, y: 64, z: 3, stateId: 4 }])
    assert.equal(await storeB.compact(), 2)
    await storeB.appendBlockChanges([{ chunk: chunkKey(0, 0), x: 1, y: 64, z: 1, stateId: 0 }])
    const storeC = new RedisWorldStore({ redis, nodeId: b, regionSize: 16, prefix })
    const blocks = (await storeC.loadChunkChanges(chunkKey(0, 0))).sort((p, q) => p.x - q.x)
    assert.deepEqual(blocks, [{ x: 1, y: 64, z: 1, stateId: 0 }, { x: 3, y: 64, z: 3, stateId: 4 }])
  })

  void it('refuses a player save by a node after another node claimed the player', async () => {
    const prefix = `fence-${++namespaces}:`
    const player = toPlayerId('00000000-0000-4000-8000-0000000000f1')
    const stale: StaleWrite[] = []
    const storeA = new RedisWorldStore({ redis, nodeId: toNodeId('node-a'), regionSize: 16, prefix, onStale: (s) => { stale.push(s) } })
    const storeB = new RedisWorldStore({ redis, nodeId: toNodeId('node-b'), regionSize: 16, prefix })
    await storeA.claimPlayer(player)
    await storeA.savePlayer(player, snapshot(1, 5))
    await storeB.claimPlayer(player)
    await storeB.savePlayer(player, snapshot(2, 6))
    await storeA.savePlayer(player, snapshot(3, 64))
    assert.equal(stale.length, 1)
    assert.ok('playerId' in stale[0]! && stale[0].playerId === player)
    assert.deepEqual(await storeB.loadPlayer(player), snapshot(2, 6))
    // Once refused, A never writes the player again (not even by re-claiming implicitly).
    await storeA.savePlayer(player, snapshot(4, 64))
    assert.deepEqual(await storeB.loadPlayer(player), snapshot(2, 6))
    // A released player (handed off) is not written either.
    storeB.releasePlayer(player)
    await storeB.savePlayer(player, snapshot(5, 1))
    assert.deepEqual(await storeA.loadPlayer(player), snapshot(2, 6))
  })
})
