import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { PlayerId } from '#shared/ids.ts'
import { createLogger } from '#shared/logger.ts'
import type { PlayerSnapshot } from '#shared/world-messages.ts'
import { DurableOutbox } from './durable-outbox.ts'
import { createEmbeddedWorldStore } from './store/embedded-world-store.ts'
import type { WorldStore, WriteBatch } from './store/world-store.ts'
import { delegatingStore, freshDir } from './testing/world-fixtures.ts'

const ANN = '00000000-0000-4000-8000-000000000a22' as PlayerId

const SNAPSHOT: PlayerSnapshot = { x: 3, y: 70, z: -2, yaw: 0, pitch: 0, gameMode: 'survival', inventory: Array.from({ length: 46 }, () => null), selectedSlot: 0, onGround: true }

/** The embedded store, with its batch writes counted and held until the test lets them through. */
function heldStore (): { store: WorldStore, batches: WriteBatch[], release: () => void } {
  const inner = createEmbeddedWorldStore(freshDir())
  const batches: WriteBatch[] = []
  let release = (): void => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  const store = delegatingStore(inner, {
    async writeBatch (batch: WriteBatch) {
      batches.push(batch)
      await released
      await inner.writeBatch(batch)
    }
  })
  return { store, batches, release }
}

void describe('DurableOutbox', () => {
  void it('runs a batch of confirmations only without a store write, still after the writes queued before it', async () => {
    const { store, batches, release } = heldStore()
    const outbox = new DurableOutbox(store, createLogger('outbox:test', { level: 'silent' }))
    try {
      const delivered: string[] = []
      outbox.savePlayer(ANN, SNAPSHOT)
      outbox.afterDurable(() => { delivered.push('save confirmed') })
      outbox.commit()
      // The next tick only serves a chunk: a confirmation with nothing of its own to store.
      const chunkServed = new Promise<void>((resolve) => {
        outbox.afterDurable(() => { delivered.push('chunk served'); resolve() })
      })
      outbox.commit()
      await Promise.resolve()
      assert.equal(batches.length, 1, 'the save is being written')
      assert.deepEqual(delivered, [], 'nothing is confirmed before the save is stored')
      release()
      await chunkServed
      assert.deepEqual(delivered, ['save confirmed', 'chunk served'])
      assert.equal(batches.length, 1, 'the confirmations-only batch wrote nothing')
      assert.deepEqual(await store.loadPlayer(ANN), SNAPSHOT)
    } finally {
      release() // a failed assertion above must not leave flush() waiting on the held write
      await outbox.flush()
      await store.close()
    }
  })
})
