import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createLogger } from '#shared/logger.ts'
import { WorldCommand, WorldFact } from '#shared/world-messages.ts'
import { readWorldNodeConfig } from './config.ts'
import { createWorldNode } from './create-world-node.ts'
import { createEmbeddedWorldStore } from './store/embedded-world-store.ts'
import type { BlockChangeRecord, WorldStore } from './store/world-store.ts'
import { makeProfile, ScriptedGateway } from './testing/scripted-gateway.ts'
import { delegatingStore, freshDir, standOnDiggable, startNode, subscribeAround, VERSION } from './testing/world-fixtures.ts'

/** A store whose block writes wait until the test lets them through; the first one fails. */
function gatedStore (inner: WorldStore): { store: WorldStore, writeStarted: Promise<void>, release: () => void } {
  let started = (): void => {}
  const writeStarted = new Promise<void>((resolve) => { started = resolve })
  let release = (): void => {}
  const released = new Promise<void>((resolve) => { release = resolve })
  let failedOnce = false
  const store = delegatingStore(inner, {
    async appendBlockChanges (changes: readonly BlockChangeRecord[]) {
      started()
      await released
      if (!failedOnce) {
        failedOnce = true
        throw new Error('store briefly unavailable')
      }
      await inner.appendBlockChanges(changes)
    }
  })
  return { store, writeStarted, release }
}

void describe('world-node durability', () => {
  void it('acknowledges a dig only after the change is stored, retrying a failed write', async () => {
    const dir = freshDir()
    const inner = createEmbeddedWorldStore(dir)
    const { store, writeStarted, release } = gatedStore(inner)
    const config = readWorldNodeConfig({ TESSERA_DATA_DIR: dir, WORLD_VERSION: VERSION })
    const node = createWorldNode(config, { logger: createLogger('world-node:test', { level: 'silent' }), store })
    await node.start()
    try {
      const gateway = new ScriptedGateway((link) => { node.acceptLink(link) })
      await gateway.hello(VERSION)
      const profile = makeProfile('Careful')
      const { snapshot } = await gateway.attach(profile)
      const columns = await subscribeAround(gateway, profile.id, snapshot.x, snapshot.z)
      const target = standOnDiggable(gateway, profile, snapshot, columns, 1)
      gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'finish', x: target.x, y: target.y, z: target.z, face: 1, sequence: 5 })
      await writeStarted
      // The write is in flight: chat still flows, but nothing about the block is confirmed.
      gateway.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'waiting' })
      await gateway.expect(WorldFact.ChatBroadcast)
      assert.ok(!gateway.has(WorldFact.BlockChangeAcked))
      assert.ok(!gateway.has(WorldFact.BlockChanged, (m) => m.x === target.x && m.y === target.y && m.z === target.z))
      assert.ok(!gateway.has(WorldFact.InventoryUpdated))
      release()
      await gateway.expect(WorldFact.BlockChanged, (m) => m.x === target.x && m.y === target.y && m.z === target.z)
      await gateway.expect(WorldFact.InventoryUpdated)
      await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 5)
      assert.equal((await inner.loadChunkChanges(`${Math.floor(target.x / 16)},${Math.floor(target.z / 16)}` as never)).length, 1)
    } finally {
      await node.stop()
      await store.close()
    }
  })

  void it('saves the players of a gateway whose link closes', async () => {
    const world = await startNode(freshDir())
    try {
      const first = world.connect()
      await first.hello(VERSION)
      const profile = makeProfile('Dropped')
      const { snapshot } = await first.attach(profile)
      const moved = { x: snapshot.x + 4, y: snapshot.y + 1, z: snapshot.z - 2 }
      first.send({ type: WorldCommand.MovePlayer, playerId: profile.id, ...moved, onGround: false })
      // Closing a link drops what it has not delivered yet: make sure the move arrived first.
      first.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'bye' })
      await first.expect(WorldFact.ChatBroadcast)
      const second = world.connect()
      await second.hello(VERSION)
      first.link.close('gateway crashed')
      await second.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
      const again = await second.attach(profile)
      assert.deepEqual([again.snapshot.x, again.snapshot.y, again.snapshot.z], [moved.x, moved.y, moved.z])
    } finally {
      await world.close()
    }
  })

  void it('kicks the older session when a player attaches again', async () => {
    const world = await startNode(freshDir())
    try {
      const first = world.connect()
      await first.hello(VERSION)
      const second = world.connect()
      await second.hello(VERSION)
      const profile = makeProfile('Twice')
      const one = await first.attach(profile)
      const two = await second.attach(profile)
      const kicked = await first.expect(WorldFact.PlayerKicked, (m) => m.playerId === profile.id)
      assert.match(kicked.reason, /another location/)
      assert.notEqual(two.entityId, one.entityId)
      // Only the new gateway may act for the player now.
      first.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'old' })
      second.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'new' })
      assert.equal((await second.expect(WorldFact.ChatBroadcast)).text, 'new')
    } finally {
      await world.close()
    }
  })
})
