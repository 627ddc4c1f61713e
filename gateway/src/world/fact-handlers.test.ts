import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { WorldCommand, WorldFact, type EntitySpawned } from '#shared/world-messages.ts'
import type { GatewayContext } from '../gateway-context.ts'
import { loadGameRegistries } from '../packets/game-registries.ts'
import { OutboundFrames } from '../packets/outbound-frames.ts'
import type { PlayerSession } from '../session/player-session.ts'
import { ShownEntities } from '../session/shown-entities.ts'
import { ChunkIndex } from './chunk-index.ts'
import { EntityRegistry } from './entity-registry.ts'
import { EntityViewers } from './entity-viewers.ts'
import { handleFact } from './fact-handlers.ts'

test('time updates from several world-nodes reach players once a second, clock jumps at once', () => {
  const written: Buffer[] = []
  const session = { client: { protocol: { writeFrame: (frame: Buffer) => { written.push(frame) } } } } as unknown as PlayerSession
  const ctx = {
    world: { time: { worldAge: 0, timeOfDay: 0 } },
    players: { sessions: () => [session][Symbol.iterator]() },
    frames: new OutboundFrames('1.21.4', -1),
    registries: loadGameRegistries('1.21.4')
  } as unknown as GatewayContext
  const report = (worldAge: number, timeOfDay = 1000 + worldAge): void => { handleFact(ctx, { type: WorldFact.TimeUpdated, worldAge, timeOfDay }) }
  // Three nodes, one second: their clocks a tick or two apart.
  report(1000)
  report(999)
  report(1001)
  assert.equal(written.length, 1)
  // The next second.
  report(1020)
  report(1019)
  report(1021)
  assert.equal(written.length, 2)
  assert.equal(ctx.world.time.worldAge, 1020)
  // Time set by a command: passes at once.
  report(1022, 18000)
  assert.equal(written.length, 3)
  assert.deepEqual(ctx.world.time, { worldAge: 1022, timeOfDay: 18000 })
})

test('a ChunkCached the gateway cannot serve asks the node for the column again', () => {
  const sent: unknown[] = []
  const received: Buffer[] = []
  const session = { receiveChunk: (_key: string, frame: Buffer) => { received.push(frame) } } as unknown as PlayerSession
  const frames = new OutboundFrames('1.21.4', -1)
  const ctx = {
    players: { session: () => session },
    world: { send: (_playerId: string, command: unknown) => { sent.push(command) } },
    frames
  } as unknown as GatewayContext
  const playerId = '069a79f4-44e9-4726-a5be-fca90e38aaf5' as PlayerId
  handleFact(ctx, { type: WorldFact.ChunkCached, playerId, x: 3, z: -4, revision: 9 })
  assert.deepEqual(sent, [{ type: WorldCommand.ResendChunk, playerId, x: 3, z: -4 }])
  assert.equal(received.length, 0)
  const frame = frames.chunk('3,-4', 9, () => Buffer.from([1, 2, 3]))
  handleFact(ctx, { type: WorldFact.ChunkCached, playerId, x: 3, z: -4, revision: 9 })
  assert.deepEqual(received, [frame], 'served from the cache')
  handleFact(ctx, { type: WorldFact.ChunkCached, playerId, x: 3, z: -4, revision: 10 })
  assert.equal(sent.length, 2, 'another revision is not served from the cache')
})

/** Three players in one chunk, each session a viewer of it; `shows` says who shows whom. */
function threeInAChunk (shows: Array<[number, number]>): { ctx: GatewayContext, spawned: Map<number, number[]> } {
  const chunk = chunkKey(0, 0)
  const chunkIndex = new ChunkIndex()
  const entities = new EntityRegistry()
  const entityViewers = new EntityViewers<PlayerSession>()
  const playerList = new Set<string>()
  const sessions = new Map<PlayerId, PlayerSession>()
  const spawned = new Map<number, number[]>()
  for (const id of [1, 2, 3]) {
    const playerId = `p${id}` as PlayerId
    playerList.add(playerId)
    if (id !== 3) entities.add({ entityId: id, playerId, name: `n${id}`, x: 8, y: 64, z: 8, yaw: 0, pitch: 0, onGround: true, movesSinceSync: 0, chunk })
    spawned.set(id, [])
    const session = {
      entityId: id,
      client: { write (name: string, params: { entityId: number }) { if (name === 'spawn_entity') spawned.get(id)!.push(params.entityId) } }
    } as unknown as PlayerSession & { visibleEntities: ShownEntities<PlayerSession> }
    session.visibleEntities = new ShownEntities(entityViewers, session)
    sessions.set(playerId, session)
    chunkIndex.add(chunk, session)
  }
  for (const [viewer, entity] of shows) sessions.get(`p${viewer}` as PlayerId)!.visibleEntities.add(entities.get(entity)!)
  const ctx = {
    world: { chunkIndex, entities, entityViewers, playerList },
    players: { session: (id: PlayerId) => sessions.get(id), sessions: () => sessions.values() },
    frames: new OutboundFrames('1.21.4', -1),
    registries: { playerEntityType: 0, modern: true }
  } as unknown as GatewayContext
  return { ctx, spawned }
}

function spawnedFact (entityId: number, forViewer?: number): EntitySpawned {
  return { type: WorldFact.EntitySpawned, chunk: chunkKey(0, 0), entityId, playerId: `p${entityId}` as PlayerId, name: `n${entityId}`, x: 8, y: 64, z: 8, yaw: 0, pitch: 0, ...(forViewer === undefined ? {} : { forViewer: `p${forViewer}` as PlayerId }) }
}

test('an entity re-announced for the player who just got its chunk is checked against that viewer only', () => {
  // Nobody shows player 1 yet: only the viewer it is re-announced for gets it spawned.
  const { ctx, spawned } = threeInAChunk([])
  handleFact(ctx, spawnedFact(1, 3))
  assert.deepEqual([...spawned.entries()], [[1, []], [2, []], [3, [1]]])
  handleFact(ctx, spawnedFact(1, 3))
  assert.deepEqual(spawned.get(3), [1], 'a viewer already showing it gets nothing more')
  // Without forViewer, every viewer of the chunk missing it.
  handleFact(ctx, spawnedFact(1))
  assert.deepEqual([...spawned.entries()], [[1, []], [2, [1]], [3, [1]]])
})

test('an entity new to the gateway is shown to every viewer of its chunk, forViewer or not', () => {
  const { ctx, spawned } = threeInAChunk([])
  handleFact(ctx, { ...spawnedFact(3, 1), playerId: 'p3' as PlayerId })
  assert.deepEqual([...spawned.entries()], [[1, [3]], [2, [3]], [3, []]])
})
