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

void describe('EmbeddedWorldStore batches', () => {
  void it('writes a batch all or nothing: a failing change leaves the batch\'s players and meta unwritten', async () => {
    const store = createEmbeddedWorldStore(mkdtempSync(join(tmpdir(), 'tessera-store-')))
    try {
      const bob = '00000000-0000-4000-8000-000000000b0b' as PlayerId
      const before: PlayerSnapshot = { x: 1, y: 70, z: 1, yaw: 0, pitch: 0, gameMode: 'survival', inventory: Array.from({ length: 46 }, () => null), selectedSlot: 0, onGround: true }
      await store.savePlayer(bob, before)
      await assert.rejects(store.writeBatch({
        // A STRICT table refuses a fractional block state id.
        changes: [{ chunk: chunkKey(0, 0), x: 0, y: 64, z: 0, stateId: 1 }, { chunk: chunkKey(0, 0), x: 1, y: 64, z: 0, stateId: 1.5 }],
        players: new Map([[bob, { ...before, x: 50 }]]),
        meta: new Map([['worldAge', '7']])
      }))
      assert.deepEqual(await store.loadPlayer(bob), before)
      assert.equal(await store.loadMeta('worldAge'), null)
      assert.deepEqual(await store.loadChunkChanges(chunkKey(0, 0)), [])
    } finally { await store.close() }
  })
})
