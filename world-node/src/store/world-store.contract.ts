/**
 * The WorldStore contract: every implementation (embedded SQLite now, Redis later) runs this
 * same suite, so the adapters are interchangeable (design decision 11).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import type { WorldStore } from './world-store.ts'

/** Opens a store; each `open()` must open the same durable data again after the first is closed. */
export interface StoreFactory {
  open (): Promise<WorldStore>
}

const ALICE = '00000000-0000-4000-8000-00000000a11c' as PlayerId

function snapshot (x: number): PlayerSnapshot {
  const inventory = Array.from({ length: 46 }, () => null) as Array<{ name: string, count: number } | null>
  inventory[36] = { name: 'dirt', count: 12 }
  return { x, y: 70, z: -3.5, yaw: 90, pitch: -10, gameMode: 'survival', inventory, selectedSlot: 0, onGround: true }
}

/** Registers the WorldStore contract tests for one implementation. */
export function runWorldStoreContract (name: string, makeStore: () => StoreFactory): void {
  void describe(`WorldStore contract: ${name}`, () => {
    void it('returns null for a player never saved', async () => {
      const store = await makeStore().open()
      try {
        assert.equal(await store.loadPlayer(ALICE), null)
      } finally { await store.close() }
    })

    void it('returns the last saved snapshot of a player', async () => {
      const store = await makeStore().open()
      try {
        await store.savePlayer(ALICE, snapshot(1))
        await store.savePlayer(ALICE, snapshot(2.5))
        assert.deepEqual(await store.loadPlayer(ALICE), snapshot(2.5))
      } finally { await store.close() }
    })

    void it('keeps only the last change to a block position, per chunk', async () => {
      const store = await makeStore().open()
      try {
        const a = chunkKey(0, 0)
        const b = chunkKey(-1, 0)
        await store.appendBlockChanges([
          { chunk: a, x: 1, y: 64, z: 2, stateId: 10 },
          { chunk: a, x: 1, y: 64, z: 2, stateId: 11 },
          { chunk: b, x: -1, y: -60, z: 15, stateId: 5 }
        ])
        await store.appendBlockChanges([{ chunk: a, x: 3, y: 64, z: 2, stateId: 1 }])
        await store.appendBlockChanges([{ chunk: a, x: 1, y: 64, z: 2, stateId: 0 }])
        const changes = (await store.loadChunkChanges(a)).sort((p, q) => p.x - q.x)
        assert.deepEqual(changes, [{ x: 1, y: 64, z: 2, stateId: 0 }, { x: 3, y: 64, z: 2, stateId: 1 }])
        assert.deepEqual(await store.loadChunkChanges(b), [{ x: -1, y: -60, z: 15, stateId: 5 }])
        assert.deepEqual(await store.loadChunkChanges(chunkKey(9, 9)), [])
      } finally { await store.close() }
    })

    void it('accepts an empty batch of changes', async () => {
      const store = await makeStore().open()
      try {
        await store.appendBlockChanges([])
      } finally { await store.close() }
    })

    void it('stores and replaces meta values', async () => {
      const store = await makeStore().open()
      try {
        assert.equal(await store.loadMeta('worldAge'), null)
        await store.saveMeta('worldAge', '10')
        await store.saveMeta('worldAge', '42')
        assert.equal(await store.loadMeta('worldAge'), '42')
      } finally { await store.close() }
    })

    void it('keeps everything written after the store is closed and opened again', async () => {
      const factory = makeStore()
      const first = await factory.open()
      await first.savePlayer(ALICE, snapshot(7))
      await first.appendBlockChanges([{ chunk: chunkKey(2, 3), x: 33, y: 5, z: 48, stateId: 9 }])
      await first.saveMeta('worldAge', '1234')
      await first.close()
      const second = await factory.open()
      try {
        assert.deepEqual(await second.loadPlayer(ALICE), snapshot(7))
        assert.deepEqual(await second.loadChunkChanges(chunkKey(2, 3)), [{ x: 33, y: 5, z: 48, stateId: 9 }])
        assert.equal(await second.loadMeta('worldAge'), '1234')
      } finally { await second.close() }
    })
  })
}
