/**
 * Two world-nodes in distributed mode (real Redis, real HMAC-authenticated TCP links, region
 * size 1) driven by a scripted gateway: ownership announced with RegionsOwned, the handoff in
 * both roles, an abort, lease fencing, and 1,000 transfers back and forth that neither lose nor
 * duplicate the player or its items. Every wait is bounded and waits on a message or state.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RedisRegionLeases, RedisRegionLog } from '#shared/cluster/leases.ts'
import { placeRegion } from '#shared/cluster/placement.ts'
import { createRedis, type Redis } from '#shared/cluster/redis-connection.ts'
import { regionOfChunk } from '#shared/coords.ts'
import { toNodeId, type NodeId, type RegionId } from '#shared/ids.ts'
import { WorldCommand, WorldFact, type PlayerProfile, type PlayerSnapshot } from '#shared/world-messages.ts'
import {
  borderBetween, handOff, knownInventory, linkGateway, move, snapshotAt, startCluster as startFixtureCluster, type Cluster, type Side
} from '../world-node/src/testing/cluster-fixtures.ts'
import { REGION_RETRY_MS } from '../world-node/src/regions.ts'
import { makeProfile } from '../world-node/src/testing/scripted-gateway.ts'
import { terrain } from '../world-node/src/testing/world-fixtures.ts'
import { startRedis } from './harness/redis.ts'
import { waitUntil } from './harness/wait.ts'

const redisServer = await startRedis()
const redis: Redis = createRedis({ url: redisServer.url })

after(async () => {
  redis.disconnect()
  await redisServer.stop()
})

async function startCluster (ids: string[], options: { leaseTtlMs?: number, tickMs?: number } = {}): Promise<Cluster> {
  return await startFixtureCluster(redisServer.url, ids, options)
}

/** Stores a player's saved state so the attach loads it (position chosen by the test). */
async function savePlayer (prefix: string, profile: PlayerProfile, snapshot: PlayerSnapshot): Promise<void> {
  await redis.set(`${prefix}player:{${profile.id}}`, JSON.stringify(snapshot))
}

void describe('world-nodes in distributed mode', () => {
  let cluster: Cluster
  let a: Side
  let b: Side
  let nodes: NodeId[]

  before(async () => {
    // 10 ms ticks keep 1,000 handoffs (4 ticks each) short; the protocol does not depend on the rate.
    cluster = await startCluster(['node-a', 'node-b'], { tickMs: 10 })
    a = cluster.sides[0]!
    b = cluster.sides[1]!
    nodes = [a.id, b.id]
  })
  after(async () => { await cluster.stop() })

  void it('announce disjoint RegionsOwned that cover the placed regions', async () => {
    const chunks: Array<{ x: number, z: number }> = []
    for (let x = -3; x <= 3; x++) for (let z = -3; z <= 3; z++) chunks.push({ x, z })
    const viewer = makeProfile('Viewer')
    for (const side of [a, b]) side.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: viewer.id, chunks })
    const wanted = new Set(chunks.map((c) => regionOfChunk(c.x, c.z, 1)))
    const owned = (side: Side): RegionId[] => side.running.node.regionsOwned().regions.filter((r) => wanted.has(r))
    await waitUntil('both nodes own their placed regions', () => owned(a).length + owned(b).length === wanted.size, 10_000)
    const ownedA = new Set(owned(a))
    for (const region of owned(b)) assert.ok(!ownedA.has(region), `${region} owned twice`)
    for (const region of wanted) {
      const owner = placeRegion(region, nodes) === a.id ? a : b
      assert.ok(owner.running.node.regionsOwned().regions.includes(region), `${region} not owned by its placed node`)
    }
    // The gateway hears the same sets (the last RegionsOwned each node sent, once it arrived).
    for (const side of [a, b]) {
      const lastHeard = (): string[] => {
        const last = side.gateway.inbox.filter((m) => m.type === WorldFact.RegionsOwned).at(-1)
        return last?.type === WorldFact.RegionsOwned && !last.all ? last.regions.filter((r) => wanted.has(r)).sort() : []
      }
      await waitUntil('the gateway heard the owned set', () => JSON.stringify(lastHeard()) === JSON.stringify(owned(side).sort()), 5000)
    }
    // Chunks of regions placed on the other node get no answer.
    const servedByA = a.gateway.inbox.filter((m) => m.type === WorldFact.ChunkData).map((m) => m.type === WorldFact.ChunkData ? regionOfChunk(m.column.x, m.column.z, 1) : '')
    for (const region of servedByA) assert.equal(placeRegion(region as RegionId, nodes), a.id)
    for (const side of [a, b]) side.gateway.send({ type: WorldCommand.UnsubscribeChunks, playerId: viewer.id, chunks })
  })

  void it('serves a subscribed chunk once another node lets the lease of its region go', async () => {
    // Two regions placed on A that no other test uses: one whose lease another node still holds
    // (a hand-over in progress), one free.
    const placedOnA: Array<{ x: number, z: number }> = []
    for (let x = 0; placedOnA.length < 2; x++) if (placeRegion(regionOfChunk(x, 300, 1), nodes) === a.id) placedOnA.push({ x, z: 300 })
    const [held, free] = placedOnA as [{ x: number, z: number }, { x: number, z: number }]
    const region = regionOfChunk(held.x, held.z, 1)
    const leases = new RedisRegionLeases(redis, { prefix: cluster.prefix })
    const ghost = toNodeId('node-leaving')
    const grant = await leases.acquire(region, ghost, 60_000)
    assert.ok(grant !== null)
    const viewer = makeProfile('Patient')
    a.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: viewer.id, chunks: [held] })
    a.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: viewer.id, chunks: [free] })
    // A asked for both leases in that order on one Redis connection: the free chunk's arrival
    // means the held region's acquisition has already been refused.
    await a.gateway.expect(WorldFact.ChunkData, (m) => m.column.x === free.x && m.column.z === free.z)
    assert.ok(!a.gateway.has(WorldFact.ChunkData, (m) => m.column.x === held.x && m.column.z === held.z))
    assert.ok(!a.running.node.regionsOwned().regions.includes(region))
    // The other node finishes its hand-over; the viewer, still subscribed, gets the chunk.
    assert.equal(await leases.release(region, ghost, grant.epoch), true)
    await a.gateway.expect(WorldFact.ChunkData, (m) => m.column.x === held.x && m.column.z === held.z)
    assert.ok(a.running.node.regionsOwned().regions.includes(region))
    a.gateway.send({ type: WorldCommand.UnsubscribeChunks, playerId: viewer.id, chunks: [held, free] })
  })

  void it('stops asking for a region whose chunks were unsubscribed while its lease was held elsewhere', async () => {
    const placedOnA: Array<{ x: number, z: number }> = []
    for (let x = 0; placedOnA.length < 2; x++) if (placeRegion(regionOfChunk(x, 310, 1), nodes) === a.id) placedOnA.push({ x, z: 310 })
    const [held, free] = placedOnA as [{ x: number, z: number }, { x: number, z: number }]
    const region = regionOfChunk(held.x, held.z, 1)
    const leases = new RedisRegionLeases(redis, { prefix: cluster.prefix })
    const ghost = toNodeId('node-leaving')
    const grant = await leases.acquire(region, ghost, 60_000)
    assert.ok(grant !== null)
    const viewer = makeProfile('Fickle')
    a.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: viewer.id, chunks: [held] })
    a.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: viewer.id, chunks: [free] })
    await a.gateway.expect(WorldFact.ChunkData, (m) => m.column.x === free.x && m.column.z === free.z)
    // The viewer walked away before the lease came free: nothing is acquired for it any more.
    a.gateway.send({ type: WorldCommand.UnsubscribeChunks, playerId: viewer.id, chunks: [held] })
    assert.equal(await leases.release(region, ghost, grant.epoch), true)
    // A negative: three retry periods pass, then a round trip through A's tick shows it has run since.
    await new Promise((resolve) => setTimeout(resolve, 3 * REGION_RETRY_MS))
    const other = makeProfile('Later')
    a.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: other.id, chunks: [free] })
    await a.gateway.expect(WorldFact.ChunkCached, (m) => m.playerId === other.id && m.x === free.x)
    assert.ok(!a.running.node.regionsOwned().regions.includes(region))
    assert.equal(await leases.holder(region), null)
    for (const player of [viewer, other]) a.gateway.send({ type: WorldCommand.UnsubscribeChunks, playerId: player.id, chunks: [free] })
  })

  void it('hands a player walking into a region of the other node over, with its entity id and inventory', async () => {
    const { cx, cz } = borderBetween(a.id, b.id, nodes)
    const profile = makeProfile('Walker')
    const start = snapshotAt(cx * 16 + 15.5, cz * 16 + 8.5)
    await savePlayer(cluster.prefix, profile, start)
    const attached = await a.gateway.attach(profile)
    assert.deepEqual(attached.snapshot.inventory, knownInventory())
    a.gateway.send(move(profile, cx * 16 + 16.5, cz * 16 + 8.5, start.y))
    const request = await a.gateway.expect(WorldFact.TransferRequested, (m) => m.playerId === profile.id)
    assert.equal(request.entityId, attached.entityId)
    assert.deepEqual(request.chunk, { x: cx + 1, z: cz })
    assert.equal(a.running.node.player(profile.id)?.frozen, true)
    // Frozen: further commands are ignored at the source.
    a.gateway.send(move(profile, cx * 16 + 17.5, cz * 16 + 8.5, start.y))
    await handOff(a, b, profile, request)
    await waitUntil('the player is live at B', () => b.running.node.player(profile.id) !== undefined, 5000)
    assert.equal(a.running.node.player(profile.id), undefined)
    const atB = b.running.node.player(profile.id)!
    assert.equal(atB.entityId, attached.entityId)
    assert.deepEqual(atB.snapshot.inventory, knownInventory())
    assert.equal(atB.snapshot.x, cx * 16 + 16.5)
    await b.gateway.expect(WorldFact.PlayerListUpserted, (m) => m.entries.some((e) => e.playerId === profile.id))
    assert.ok(!a.gateway.has(WorldFact.EntityRemoved, (m) => m.entityId === attached.entityId))
    assert.ok(!a.gateway.has(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id)))
    // B is the player's writer now: its save lands in Redis.
    b.gateway.send({ type: WorldCommand.DetachPlayer, playerId: profile.id, reason: 'test over' })
    await b.gateway.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
    const stored = JSON.parse(await redisGetEventually(`${cluster.prefix}player:{${profile.id}}`, (raw) => (JSON.parse(raw) as PlayerSnapshot).x === cx * 16 + 16.5)) as PlayerSnapshot
    assert.deepEqual(stored.inventory, knownInventory())
  })

  void it('offers a player attached with a saved position in the other node\'s region right away', async () => {
    const { cx, cz } = borderBetween(a.id, b.id, nodes, 40)
    const profile = makeProfile('Returner')
    await savePlayer(cluster.prefix, profile, snapshotAt(cx * 16 + 24.5, cz * 16 + 8.5))
    const attached = await a.gateway.attach(profile)
    const request = await a.gateway.expect(WorldFact.TransferRequested, (m) => m.playerId === profile.id)
    assert.equal(request.entityId, attached.entityId)
    assert.deepEqual(request.chunk, { x: cx + 1, z: cz })
    await handOff(a, b, profile, request)
    await waitUntil('the player is live at B', () => b.running.node.player(profile.id) !== undefined, 5000)
    assert.equal(a.running.node.player(profile.id), undefined)
    b.gateway.send({ type: WorldCommand.DetachPlayer, playerId: profile.id, reason: 'test over' })
    await b.gateway.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
  })

  void it('sends chat, the tab entries of its own players and one world time to every link', async () => {
    const { cx, cz } = borderBetween(a.id, b.id, nodes, 80)
    const profile = makeProfile('Chatter')
    await savePlayer(cluster.prefix, profile, snapshotAt(cx * 16 + 8.5, cz * 16 + 8.5))
    await a.gateway.attach(profile)
    // Another gateway links to every node, as gateways do.
    const [toA, toB] = [await linkGateway(a.running.port), await linkGateway(b.running.port)]
    try {
      await toA.expect(WorldFact.PlayerListUpserted, (m) => m.entries.some((e) => e.playerId === profile.id))
      a.gateway.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'hello cluster' })
      await toA.expect(WorldFact.ChatBroadcast, (m) => m.senderId === profile.id && m.text === 'hello cluster')
      await a.gateway.expect(WorldFact.ChatBroadcast, (m) => m.text === 'hello cluster')
      // One world age for the whole cluster, from the world start stored once in Redis.
      const ageA = (await toA.expect(WorldFact.TimeUpdated)).worldAge
      const ageB = (await toB.expect(WorldFact.TimeUpdated)).worldAge
      assert.ok(Math.abs(ageA - ageB) <= 60, `world ages ${ageA} and ${ageB} differ`)
      // B's link heard neither the chat nor the entry: each node speaks for its own players only.
      assert.ok(!toB.has(WorldFact.ChatBroadcast))
      assert.ok(!toB.has(WorldFact.PlayerListUpserted, (m) => m.entries.some((e) => e.playerId === profile.id)))
      a.gateway.send({ type: WorldCommand.DetachPlayer, playerId: profile.id, reason: 'test over' })
      await toA.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
    } finally {
      toA.link.close('test over')
      toB.link.close('test over')
    }
  })

  void it('keeps the player at the source when the transfer is aborted, and offers it again a second later', async () => {
    const { cx, cz } = borderBetween(a.id, b.id, nodes)
    const profile = makeProfile('Stayer')
    const start = snapshotAt(cx * 16 + 15.5, cz * 16 + 4.5)
    await savePlayer(cluster.prefix, profile, start)
    const attached = await a.gateway.attach(profile)
    a.gateway.send(move(profile, cx * 16 + 16.5, cz * 16 + 4.5, start.y))
    const request = await a.gateway.expect(WorldFact.TransferRequested, (m) => m.playerId === profile.id)
    b.gateway.send({ type: WorldCommand.AcceptTransfer, transferId: request.transferId, profile, snapshot: request.snapshot, entityId: request.entityId, viewDistance: 2 })
    await b.gateway.expect(WorldFact.TransferAccepted, (m) => m.transferId === request.transferId)
    const aborted = Date.now()
    for (const side of [a, b]) side.gateway.send({ type: WorldCommand.AbortTransfer, transferId: request.transferId, playerId: profile.id, reason: 'timed out' })
    await waitUntil('the player is unfrozen at A', () => a.running.node.player(profile.id)?.frozen === false, 5000)
    assert.equal(b.running.node.player(profile.id), undefined)
    assert.equal(a.running.node.player(profile.id)?.entityId, attached.entityId)
    // A CompleteTransfer after the abort finds nothing pending at B.
    b.gateway.send({ type: WorldCommand.CompleteTransfer, transferId: request.transferId, playerId: profile.id })
    const again = await a.gateway.expect(WorldFact.TransferRequested, (m) => m.playerId === profile.id)
    assert.ok(Date.now() - aborted >= 900, 'retried too early')
    assert.notEqual(again.transferId, request.transferId)
    assert.equal(b.running.node.player(profile.id), undefined)
    a.gateway.send({ type: WorldCommand.AbortTransfer, transferId: again.transferId, playerId: profile.id, reason: 'test over' })
    a.gateway.send({ type: WorldCommand.DetachPlayer, playerId: profile.id, reason: 'test over' })
    await a.gateway.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
  })

  void it('survives 1,000 transfers back and forth with exactly the same items and one live copy', async () => {
    const { cx, cz } = borderBetween(a.id, b.id, nodes)
    const profile = makeProfile('PingPong')
    const xA = cx * 16 + 15.5
    const xB = cx * 16 + 16.5
    const z = cz * 16 + 12.5
    const start = snapshotAt(xA, z)
    await savePlayer(cluster.prefix, profile, start)
    const attached = await a.gateway.attach(profile)
    let from = a
    let to = b
    a.gateway.send(move(profile, xB, z, start.y))
    let request = await a.gateway.expect(WorldFact.TransferRequested, (m) => m.playerId === profile.id)
    const TRANSFERS = 1000
    for (let i = 1; i <= TRANSFERS; i++) {
      const last = i === TRANSFERS
      // The target completes and, in the same tick, the player steps back over the border.
      const back = to === b ? xA : xB
      await handOff(from, to, profile, request, last ? [] : [move(profile, back, z, start.y)])
      assert.equal(from.running.node.player(profile.id), undefined)
      if (!last) {
        request = await to.gateway.expect(WorldFact.TransferRequested, (m) => m.playerId === profile.id)
        assert.equal(request.entityId, attached.entityId)
        assert.deepEqual(request.snapshot.inventory, knownInventory())
      }
      for (const side of [a, b]) side.gateway.inbox.length = 0
      ;[from, to] = [to, from]
    }
    await waitUntil('the player is live at the last target', () => from.running.node.player(profile.id) !== undefined, 5000)
    const live = [a, b].filter((side) => side.running.node.player(profile.id) !== undefined)
    assert.equal(live.length, 1)
    assert.deepEqual(live[0]!.running.node.player(profile.id)!.snapshot.inventory, knownInventory())
    assert.equal(live[0]!.running.node.player(profile.id)!.entityId, attached.entityId)
    live[0]!.gateway.send({ type: WorldCommand.DetachPlayer, playerId: profile.id, reason: 'test over' })
    await live[0]!.gateway.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
    const stored = JSON.parse((await redis.get(`${cluster.prefix}player:{${profile.id}}`))!) as PlayerSnapshot
    assert.deepEqual(stored.inventory, knownInventory())
    // Every handoff bumped the player's epoch once (plus the attach).
    assert.equal(Number(await redis.get(`${cluster.prefix}player:{${profile.id}}:epoch`)), 1 + TRANSFERS)
  })
})

void describe('lease fencing of a world-node', () => {
  void it('refuses the writes of a node whose lease was taken, which gives the region up', async () => {
    const cluster = await startCluster(['node-f'], { leaseTtlMs: 60_000 })
    const [side] = cluster.sides as [Side]
    try {
      let x = 8
      while (!terrain.isLand(x, 8)) x += 16
      const cx = Math.floor(x / 16)
      const region = regionOfChunk(cx, 0, 1)
      const surface = terrain.surfaceY(x, 8)
      const profile = makeProfile('Digger')
      await savePlayer(cluster.prefix, profile, { ...snapshotAt(x + 0.5, 8.5, 'creative'), y: surface + 1 })
      await side.gateway.attach(profile)
      side.gateway.send({ type: WorldCommand.SubscribeChunks, playerId: profile.id, chunks: [{ x: cx, z: 0 }] })
      await side.gateway.expect(WorldFact.ChunkData, (m) => m.column.x === cx && m.column.z === 0)
      side.gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'start', x, y: surface, z: 8, face: 1, sequence: 1 })
      await side.gateway.expect(WorldFact.BlockChanged, (m) => m.x === x && m.y === surface)
      const log = new RedisRegionLog(redis, { prefix: cluster.prefix })
      assert.equal((await log.readLog(region, 0)).length, 1)
      // The node "paused" past its ttl: another node holds the region now.
      await redis.del(`${cluster.prefix}{${region}}:lease`)
      const thief = await new RedisRegionLeases(redis, { prefix: cluster.prefix }).acquire(region, toNodeId('node-thief'), 60_000)
      assert.ok(thief !== null)
      side.gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'start', x, y: surface - 1, z: 8, face: 1, sequence: 2 })
      await side.gateway.expect(WorldFact.RegionsOwned, (m) => !m.regions.includes(region))
      assert.ok(!side.running.node.regionsOwned().regions.includes(region))
      assert.ok(!side.gateway.has(WorldFact.BlockChanged, (m) => m.y === surface - 1))
      const entries = await log.readLog(region, 0)
      assert.equal(entries.length, 1)
      assert.ok(entries.every((e) => e.epoch < thief.epoch))
      const written = entries.flatMap((e) => JSON.parse(e.data.toString()) as Array<[string, number, number, number, number]>)
      assert.deepEqual(written.map(([, bx, by, bz]) => [bx, by, bz]), [[x, surface, 8]])
      // The region is closed in this node's store: nothing more is written or served from it.
      assert.equal(side.running.store.isOpen(region), false)
    } finally {
      await cluster.stop()
    }
  })
})

async function redisGetEventually (key: string, ok: (raw: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5000
  for (;;) {
    const raw = await redis.get(key)
    if (raw !== null && ok(raw)) return raw
    if (Date.now() > deadline) throw new Error(`${key} not as expected within 5 s: ${raw}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
