import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { EntityRegistry } from '../world/entity-registry.ts'
import { EntityViewers } from '../world/entity-viewers.ts'
import type { KnownEntity } from '../world/world-router.ts'
import { ShownEntities } from './shown-entities.ts'

const A = chunkKey(0, 0)
const B = chunkKey(0, 1)

function entity (entityId: number, chunk = A): KnownEntity {
  return { entityId, playerId: `p${entityId}` as PlayerId, name: `n${entityId}`, x: 0, y: 64, z: 0, yaw: 0, pitch: 0, onGround: true, movesSinceSync: 0, chunk }
}

test('the registry counts the entities of each chunk through adds, moves and removals', () => {
  const registry = new EntityRegistry()
  const one = entity(1)
  registry.add(one)
  registry.add(entity(2))
  registry.add(entity(3, B))
  assert.deepEqual([registry.countIn(A), registry.countIn(B)], [2, 1])
  assert.equal(registry.moveTo(one, B), true)
  assert.equal(one.chunk, B)
  assert.equal(registry.moveTo(one, B), false, 'no move within the chunk')
  assert.deepEqual([registry.countIn(A), registry.countIn(B)], [1, 2])
  registry.add(entity(2, B))
  assert.deepEqual([registry.countIn(A), registry.countIn(B)], [0, 3], 'an entity announced again replaces the old one')
  assert.equal(registry.delete(3), true)
  assert.equal(registry.delete(3), false)
  assert.deepEqual([registry.countIn(A), registry.countIn(B), registry.size], [0, 2, 2])
})

test('a client\'s shown entities are counted under the chunk each was last seen in', () => {
  const shown = new ShownEntities(new EntityViewers<string>(), 'viewer')
  shown.add(entity(1))
  shown.add(entity(2))
  shown.add(entity(1, B))
  assert.deepEqual([shown.countIn(A), shown.countIn(B), shown.size], [1, 1, 2], 'shown again: counted once, where it is now')
  shown.moved(2, B)
  shown.moved(9, A)
  assert.deepEqual([shown.countIn(A), shown.countIn(B)], [0, 2], 'an entity not shown does not count')
  assert.deepEqual(new Map(shown.entries()), new Map([[1, B], [2, B]]))
  assert.equal(shown.delete(1), true)
  assert.equal(shown.has(1), false)
  assert.equal(shown.countIn(B), 1)
})

test('the registry lists the entities of each chunk as they move', () => {
  const registry = new EntityRegistry()
  const one = entity(1)
  const two = entity(2)
  registry.add(one)
  registry.add(two)
  assert.deepEqual([...registry.inChunk(A)], [one, two])
  registry.moveTo(one, B)
  assert.deepEqual([[...registry.inChunk(A)], [...registry.inChunk(B)]], [[two], [one]])
  // A stale copy of an entity (replaced under its id) moves without touching the index.
  const stale = { ...two }
  registry.add(entity(2))
  registry.moveTo(stale, B)
  assert.deepEqual([...registry.inChunk(B)], [one])
  registry.delete(1)
  registry.delete(2)
  assert.deepEqual([registry.inChunk(A).size, registry.inChunk(B).size], [0, 0])
})

test('every viewer\'s shown entities are indexed by entity, and cleared with the viewer', () => {
  const viewers = new EntityViewers<string>()
  const alice = new ShownEntities(viewers, 'alice')
  const bob = new ShownEntities(viewers, 'bob')
  alice.add(entity(1))
  alice.add(entity(2))
  bob.add(entity(1))
  assert.deepEqual([...viewers.of(1)], ['alice', 'bob'])
  assert.deepEqual([...viewers.of(2)], ['alice'])
  alice.add(entity(1, B))
  assert.deepEqual([...viewers.of(1)].sort(), ['alice', 'bob'], 'shown again: still one viewer')
  bob.delete(1)
  assert.deepEqual([...viewers.of(1)], ['alice'])
  alice.clear()
  assert.deepEqual([viewers.of(1).size, viewers.of(2).size, viewers.size, alice.size], [0, 0, 0, 0])
})
