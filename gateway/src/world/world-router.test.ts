import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { placeRegion } from '#shared/cluster/placement.ts'
import { toPlayerId, type NodeId, type RegionId } from '#shared/ids.ts'
import { createInProcessLinkPair, type Link } from '#shared/link.ts'
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway, type PlayerSnapshot } from '#shared/world-messages.ts'
import { WorldRouter } from './world-router.ts'

const PLAYER = toPlayerId('069a79f4-44e9-4726-a5be-fca90e38aaf5')
const SNAPSHOT: PlayerSnapshot = { x: 16.5, y: 70, z: 0.5, yaw: 0, pitch: 0, gameMode: 'survival', inventory: [], selectedSlot: 0, onGround: true }

/** A scripted world-node: records what it receives, sends what the test says. */
interface ScriptedNode { readonly received: GatewayToNode[], readonly link: Link<NodeToGateway, GatewayToNode>, next (type: GatewayToNode['type']): Promise<GatewayToNode> }

async function scriptedNode (router: WorldRouter, nodeId: string, regions: string[]): Promise<ScriptedNode> {
  const [gatewayEnd, nodeEnd] = createInProcessLinkPair<GatewayToNode, NodeToGateway>()
  const received: GatewayToNode[] = []
  const waiters: Array<{ type: string, resolve: (m: GatewayToNode) => void }> = []
  nodeEnd.onMessage((message) => {
    received.push(message)
    const waiter = waiters.findIndex((w) => w.type === message.type)
    if (waiter >= 0) waiters.splice(waiter, 1)[0]!.resolve(message)
    if (message.type === WorldCommand.Hello) {
      nodeEnd.send({ type: WorldFact.Welcome, nodeId, version: '1.21.4', seed: 's', minY: -64, worldHeight: 384, viewDistance: 2, regionSize: 1 })
      nodeEnd.send({ type: WorldFact.RegionsOwned, nodeId, all: false, regions: regions as RegionId[] })
    }
  })
  await router.connect(gatewayEnd, { type: WorldCommand.Hello, gatewayId: 'gw' as never, version: '1.21.4' })
  return {
    received,
    link: nodeEnd,
    async next (type) {
      const seen = received.find((m) => m.type === type)
      if (seen !== undefined) {
        received.splice(received.indexOf(seen), 1)
        return seen
      }
      return await new Promise((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error(`no ${type} within 2 s`)) }, 2000)
        waiters.push({ type, resolve: (m) => { clearTimeout(timer); received.splice(received.indexOf(m), 1); resolve(m) } })
      })
    }
  }
}

function newRouter (facts: NodeToGateway[] = []): WorldRouter {
  return new WorldRouter(pino({ level: 'silent' }), (fact) => { facts.push(fact) }, () => ({ profile: { id: PLAYER, name: 'Notch', properties: [], op: false }, viewDistance: 2 }))
}

const move = (x: number): GatewayToNode => ({ type: WorldCommand.MovePlayer, playerId: PLAYER, x, y: 70, z: 0.5, onGround: true })

test('subscriptions go to the owner of each chunk\'s region, unowned ones to the placed node', async () => {
  const router = newRouter()
  const a = await scriptedNode(router, 'a', ['r.0.0'])
  const b = await scriptedNode(router, 'b', ['r.1.0'])
  router.send(PLAYER, { type: WorldCommand.SubscribeChunks, playerId: PLAYER, chunks: [{ x: 0, z: 0 }, { x: 1, z: 0 }, { x: 7, z: 0 }] })
  const placed = placeRegion('r.7.0' as RegionId, ['a', 'b'] as NodeId[])
  const atA = (await a.next(WorldCommand.SubscribeChunks) as unknown as { chunks: unknown[] }).chunks
  const atB = (await b.next(WorldCommand.SubscribeChunks) as unknown as { chunks: unknown[] }).chunks
  assert.deepEqual(atA, placed === 'a' ? [{ x: 0, z: 0 }, { x: 7, z: 0 }] : [{ x: 0, z: 0 }])
  assert.deepEqual(atB, placed === 'b' ? [{ x: 1, z: 0 }, { x: 7, z: 0 }] : [{ x: 1, z: 0 }])
  // When the placed node announces the region, nothing is sent twice.
  const owner = placed === 'a' ? a : b
  owner.link.send({ type: WorldFact.RegionsOwned, nodeId: placed!, all: false, regions: (placed === 'a' ? ['r.0.0', 'r.7.0'] : ['r.1.0', 'r.7.0']) as RegionId[] })
  // A region moving to the other node is re-subscribed there.
  const other = placed === 'a' ? b : a
  other.link.send({ type: WorldFact.RegionsOwned, nodeId: placed === 'a' ? 'b' : 'a', all: false, regions: (placed === 'a' ? ['r.1.0', 'r.0.0'] : ['r.0.0', 'r.1.0']) as RegionId[] })
  const moved = (await other.next(WorldCommand.SubscribeChunks) as unknown as { chunks: unknown[] }).chunks
  assert.deepEqual(moved, placed === 'a' ? [{ x: 0, z: 0 }] : [{ x: 1, z: 0 }])
  assert.equal(owner.received.filter((m) => m.type === WorldCommand.SubscribeChunks).length, 0)
})

test('a handoff commits at the source, completes at the target, and replays buffered input there', async () => {
  const router = newRouter()
  const a = await scriptedNode(router, 'a', ['r.0.0'])
  const b = await scriptedNode(router, 'b', ['r.1.0'])
  router.send(PLAYER, { type: WorldCommand.AttachPlayer, profile: { id: PLAYER, name: 'Notch', properties: [], op: false }, viewDistance: 2 })
  await a.next(WorldCommand.AttachPlayer)
  a.link.send({ type: WorldFact.TransferRequested, transferId: 't1', playerId: PLAYER, entityId: 7, snapshot: SNAPSHOT, chunk: { x: 1, z: 0 } })
  const accept = await b.next(WorldCommand.AcceptTransfer)
  assert.equal((accept as { entityId: number }).entityId, 7)
  router.send(PLAYER, move(17))
  router.send(PLAYER, move(18))
  b.link.send({ type: WorldFact.TransferAccepted, transferId: 't1', playerId: PLAYER })
  await a.next(WorldCommand.CommitTransfer)
  assert.equal(a.received.filter((m) => m.type === WorldCommand.MovePlayer).length, 0, 'the frozen source gets no input')
  a.link.send({ type: WorldFact.TransferCommitted, transferId: 't1', playerId: PLAYER })
  await b.next(WorldCommand.CompleteTransfer)
  assert.deepEqual(await b.next(WorldCommand.MovePlayer), move(17))
  assert.deepEqual(await b.next(WorldCommand.MovePlayer), move(18))
  assert.equal(router.nodeOf(PLAYER), 'b')
  router.send(PLAYER, move(19))
  assert.deepEqual(await b.next(WorldCommand.MovePlayer), move(19))
  assert.equal(router.handoffs.completed, 1)
})

test('a rejected handoff is aborted at both ends and the input goes back to the source', async () => {
  const router = newRouter()
  const a = await scriptedNode(router, 'a', ['r.0.0'])
  const b = await scriptedNode(router, 'b', ['r.1.0'])
  router.send(PLAYER, { type: WorldCommand.AttachPlayer, profile: { id: PLAYER, name: 'Notch', properties: [], op: false }, viewDistance: 2 })
  await a.next(WorldCommand.AttachPlayer)
  a.link.send({ type: WorldFact.TransferRequested, transferId: 't2', playerId: PLAYER, entityId: 7, snapshot: SNAPSHOT, chunk: { x: 1, z: 0 } })
  await b.next(WorldCommand.AcceptTransfer)
  router.send(PLAYER, move(17))
  b.link.send({ type: WorldFact.TransferRejected, transferId: 't2', playerId: PLAYER, reason: 'lease lost' })
  await a.next(WorldCommand.AbortTransfer)
  await b.next(WorldCommand.AbortTransfer)
  assert.deepEqual(await a.next(WorldCommand.MovePlayer), move(17))
  assert.equal(router.nodeOf(PLAYER), 'a')
  assert.equal(router.handoffs.aborted, 1)
})

test('a handoff towards a region nobody owns is aborted at once', async () => {
  const router = newRouter()
  const a = await scriptedNode(router, 'a', ['r.0.0'])
  router.send(PLAYER, { type: WorldCommand.AttachPlayer, profile: { id: PLAYER, name: 'Notch', properties: [], op: false }, viewDistance: 2 })
  await a.next(WorldCommand.AttachPlayer)
  a.link.send({ type: WorldFact.TransferRequested, transferId: 't3', playerId: PLAYER, entityId: 7, snapshot: SNAPSHOT, chunk: { x: 5, z: 0 } })
  const abort = await a.next(WorldCommand.AbortTransfer)
  assert.equal((abort as { transferId: string }).transferId, 't3')
})
