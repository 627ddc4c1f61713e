import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { PlayerId } from '#shared/ids.ts'
import { createLogger } from '#shared/logger.ts'
import type { ChunkColumnData } from '#shared/world-messages.ts'
import { ChunkService } from './chunk-service.ts'
import { DurableOutbox } from './durable-outbox.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { createEmbeddedWorldStore } from './store/embedded-world-store.ts'
import { createWorldTerrain, type WorldTerrain } from './terrain-port.ts'
import { freshDir, game, VERSION } from './testing/world-fixtures.ts'
import { setImmediate as nextTurn } from 'node:timers/promises'

const log = createLogger('chunk-service:test', { level: 'silent' })
const store = createEmbeddedWorldStore(freshDir())
after(async () => { await store.close() })

void describe('chunk service', () => {
  void it('keeps the most recently wanted unwatched chunks built, up to the limit', async () => {
    const served: ChunkColumnData[] = []
    const generated: string[] = []
    const real = createWorldTerrain('tessera', VERSION)
    const countingTerrain: WorldTerrain = { ...real, generate: (x, z) => { generated.push(`${x},${z}`); return real.generate(x, z) } }
    const outbox = new DurableOutbox(store, log)
    const chunks = new ChunkService({
      terrain: countingTerrain, store, outbox, log, minY: game.minY, worldHeight: game.worldHeight,
      isWanted: () => true,
      serve: (_request, column) => { served.push(column) }
    })
    const connection = {} as GatewayConnection
    const player = 'p' as PlayerId
    const fetch = async (x: number, z: number): Promise<void> => {
      const before = served.length
      chunks.request(connection, player, x, z)
      // The stored changes load asynchronously; each turn gives the read a chance to finish.
      const deadline = performance.now() + 5000
      while (served.length === before) {
        assert.ok(performance.now() < deadline, `chunk ${x},${z} not served within 5 s`)
        outbox.commit() // what the end of a tick does: reads queued during it may start
        await nextTurn()
        chunks.work(performance.now() + 50)
      }
    }
    for (let x = 0; x < 4; x++) await fetch(x, 0)
    await fetch(0, 0) // wanted again: now the most recent
    assert.equal(generated.length, 4)
    assert.equal(chunks.unloadUnwatched(() => false, 2), 2, 'the two least recently wanted go')
    assert.equal(chunks.loadedCount, 2)
    await fetch(0, 0)
    await fetch(3, 0)
    assert.equal(generated.length, 4, 'kept chunks are served without generating them again')
    await fetch(1, 0)
    assert.equal(generated.length, 5, 'a dropped chunk is built again')
    assert.equal(chunks.unloadUnwatched((key) => key === '1,0', 0), 2, 'watched chunks always stay')
    assert.equal(chunks.loadedCount, 1)
  })
})
