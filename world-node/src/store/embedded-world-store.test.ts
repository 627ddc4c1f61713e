import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import { createEmbeddedWorldStore } from './embedded-world-store.ts'
import { runWorldStoreContract } from './world-store.contract.ts'

runWorldStoreContract('EmbeddedWorldStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-store-'))
  return { open: async () => await Promise.resolve(createEmbeddedWorldStore(dir)) }
})

const BOB = '00000000-0000-4000-8000-000000000b0b' as PlayerId

function snapshot (x: number): PlayerSnapshot {
  return { x, y: 70, z: 1, yaw: 0, pitch: 0, gameMode: 'survival', inventory: Array.from({ length: 46 }, () => null), selectedSlot: 0, onGround: true }
}

void describe('EmbeddedWorldStore batches', () => {
  void it('writes a batch of changes, player snapshots and meta values in one call', async () => {
    const store = createEmbeddedWorldStore(mkdtempSync(join(tmpdir(), 'tessera-store-')))
    try {
      const a = chunkKey(0, 0)
      await store.writeBatch({
        changes: [{ chunk: a, x: 1, y: 64, z: 2, stateId: 10 }, { chunk: a, x: 1, y: 64, z: 2, stateId: 11 }],
        players: new Map([[BOB, snapshot(4)]]),
        meta: new Map([['worldAge', '99']])
      })
      await store.writeBatch({ changes: [], players: new Map(), meta: new Map() })
      assert.deepEqual(await store.loadChunkChanges(a), [{ x: 1, y: 64, z: 2, stateId: 11 }])
      assert.deepEqual(await store.loadPlayer(BOB), snapshot(4))
      assert.equal(await store.loadMeta('worldAge'), '99')
    } finally { await store.close() }
  })

  void it('writes a batch all or nothing: a failing write undoes the batch\'s writes before it', async () => {
    const store = createEmbeddedWorldStore(mkdtempSync(join(tmpdir(), 'tessera-store-')))
    try {
      const before = snapshot(1)
      await store.savePlayer(BOB, before)
      await assert.rejects(store.writeBatch({
        // A STRICT table refuses a fractional block state id.
        changes: [{ chunk: chunkKey(0, 0), x: 0, y: 64, z: 0, stateId: 1 }, { chunk: chunkKey(0, 0), x: 1, y: 64, z: 0, stateId: 1.5 }],
        players: new Map([[BOB, snapshot(50)]]),
        meta: new Map([['worldAge', '7']])
      }))
      assert.deepEqual(await store.loadPlayer(BOB), before)
      assert.equal(await store.loadMeta('worldAge'), null)
      assert.deepEqual(await store.loadChunkChanges(chunkKey(0, 0)), [])
    } finally { await store.close() }
  })
})
