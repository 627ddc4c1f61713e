import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { WorldFact, type EntityMoved } from '#shared/world-messages.ts'
import type { GatewayContext } from '../gateway-context.ts'
import { OutboundFrames } from '../packets/outbound-frames.ts'
import type { PlayerSession } from '../session/player-session.ts'
import { ShownEntities } from '../session/shown-entities.ts'
import { ChunkIndex } from './chunk-index.ts'
import { EntityRegistry } from './entity-registry.ts'
import { EntityViewers } from './entity-viewers.ts'
import { moveEntity } from '../session/entity-view.ts'
import { gatherMove } from './move-fanout.ts'

const CHUNK = chunkKey(0, 0)

interface Viewer { session: PlayerSession, pushes: Buffer[], spawned: number[] }

function world (ids: number[], shows: (viewer: number, entity: number) => boolean, failWrites = false): { ctx: GatewayContext, viewers: Map<number, Viewer>, errors: unknown[] } {
  const chunkIndex = new ChunkIndex()
  const entities = new EntityRegistry()
  const entityViewers = new EntityViewers<PlayerSession>()
  const viewers = new Map<number, Viewer>()
  const errors: unknown[] = []
  const playerList = new Set<string>()
  for (const id of ids) {
    const playerId = `p${id}` as PlayerId
    playerList.add(playerId)
    entities.add({ entityId: id, playerId, name: `n${id}`, x: 8, y: 64, z: 8, yaw: 0, pitch: 0, onGround: true, movesSinceSync: 0, chunk: CHUNK })
  }
  for (const id of ids) {
    const viewer: Viewer = { session: undefined as unknown as PlayerSession, pushes: [], spawned: [] }
    viewer.session = {
      entityId: id,
      client: {
        protocol: { writeFrame (frame: Buffer) { if (failWrites) throw new Error('socket gone'); viewer.pushes.push(frame) } },
        write (name: string, params: { entityId?: number }) { if (name === 'spawn_entity' && params.entityId !== undefined) viewer.spawned.push(params.entityId) }
      }
    } as unknown as PlayerSession
    const visibleEntities = new ShownEntities(entityViewers, viewer.session)
    Object.assign(viewer.session, { visibleEntities })
    for (const other of ids) if (other !== id && shows(id, other)) visibleEntities.add(entities.get(other)!)
    viewers.set(id, viewer)
    chunkIndex.add(CHUNK, viewer.session)
  }
  const ctx = {
    world: { chunkIndex, entities, entityViewers, playerList },
    players: { sessions: () => [...viewers.values()].map((v) => v.session) },
    frames: new OutboundFrames('1.21.4', -1),
    registries: { playerEntityType: 0, modern: true },
    log: { error (fields: { err: unknown }) { errors.push(fields.err) } }
  } as unknown as GatewayContext
  return { ctx, viewers, errors }
}

function moved (entityId: number, x: number): EntityMoved {
  return { type: WorldFact.EntityMoved, entityId, chunk: CHUNK, fromChunk: CHUNK, x, y: 64, z: 8, yaw: 0, pitch: 0, onGround: true }
}

const settle = async (): Promise<void> => { await new Promise<void>((resolve) => { queueMicrotask(resolve) }) }

test('each viewer gets the chunk\'s moves in one push, a mover the slices around its own', async () => {
  const { ctx, viewers } = world([1, 2, 3, 4], () => true)
  for (const id of [1, 2, 3]) gatherMove(ctx, moved(id, 8 + id))
  await settle()
  const all = Buffer.concat(viewers.get(4)!.pushes)
  assert.equal(viewers.get(4)!.pushes.length, 1, 'a viewer that does not move: one push of all three moves')
  const each = all.length / 3
  assert.deepEqual(Buffer.concat(viewers.get(1)!.pushes), all.subarray(each), 'the first mover: the moves after its own')
  assert.equal(viewers.get(2)!.pushes.length, 2, 'the middle mover: two slices')
  assert.deepEqual(Buffer.concat(viewers.get(2)!.pushes), Buffer.concat([all.subarray(0, each), all.subarray(2 * each)]))
  assert.deepEqual(Buffer.concat(viewers.get(3)!.pushes), all.subarray(0, 2 * each), 'the last mover: the moves before its own')
})

test('a viewer that does not show a mover yet gets it spawned and the other moves one by one', async () => {
  const { ctx, viewers } = world([1, 2, 3], (viewer, entity) => !(viewer === 3 && entity === 1))
  gatherMove(ctx, moved(1, 9))
  gatherMove(ctx, moved(2, 10))
  await settle()
  const viewer = viewers.get(3)!
  assert.deepEqual(viewer.spawned, [1])
  assert.equal(viewer.pushes.length, 1, 'only the move of the entity it already showed')
  assert.ok(viewer.session.visibleEntities.has(1))
})

test('a failure while writing gathered moves is logged, not thrown out of the microtask', async () => {
  const { ctx, errors } = world([1, 2], () => true, true)
  gatherMove(ctx, moved(1, 9))
  await settle()
  assert.equal(errors.length, 1)
  assert.match(String(errors[0]), /socket gone/)
})

test('an entity leaving the chunk leaves every viewer\'s count there: a viewer missing a mover still gets it spawned', async () => {
  // Viewer 4 shows 1, 2 and 6 but not 3, all in CHUNK. Once 6 walks to the next chunk, CHUNK holds
  // 1, 2, 3 (and 4): had 4's count kept 6 under CHUNK it would look complete and 3 would stay unseen.
  const { ctx, viewers } = world([1, 2, 3, 4, 6], (viewer, entity) => !(viewer === 4 && entity === 3))
  moveEntity(ctx, ctx.world.entities.get(6)!, chunkKey(1, 0))
  assert.equal(ctx.world.entities.countIn(CHUNK), 4)
  assert.equal(viewers.get(4)!.session.visibleEntities.countIn(CHUNK), 2)
  assert.equal(viewers.get(4)!.session.visibleEntities.countIn(chunkKey(1, 0)), 1)
  gatherMove(ctx, moved(1, 9))
  gatherMove(ctx, moved(3, 10))
  await settle()
  assert.deepEqual(viewers.get(4)!.spawned, [3])
  assert.deepEqual(viewers.get(2)!.spawned, [], 'a viewer showing everyone in the chunk spawns nothing')
  assert.equal(viewers.get(2)!.pushes.length, 1)
})
