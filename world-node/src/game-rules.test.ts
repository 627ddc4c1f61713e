import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Registry } from 'prom-client'
import { chunkKey, chunkKeyAt } from '#shared/coords.ts'
import { WorldCommand, WorldFact } from '#shared/world-messages.ts'
import { makeProfile } from './testing/scripted-gateway.ts'
import { freshDir, game, startNode, subscribeAround, VERSION, walk, type RunningNode } from './testing/world-fixtures.ts'

void describe('world-node game rules', () => {
  let world: RunningNode

  before(async () => { world = await startNode(freshDir()) })
  after(async () => { await world.close() })

  void it('batches reported latency into the player list', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const profile = makeProfile('Pinger')
    await gateway.attach(profile)
    gateway.send({ type: WorldCommand.ReportLatency, playerId: profile.id, latencyMs: 80 })
    gateway.send({ type: WorldCommand.ReportLatency, playerId: profile.id, latencyMs: 42 })
    const update = await gateway.expect(WorldFact.PlayerListUpserted, (m) => m.entries.some((e) => e.playerId === profile.id && e.latencyMs !== 0))
    assert.deepEqual(update.entries.map((e) => [e.playerId, e.latencyMs]), [[profile.id, 42]])
  })

  void it('shows an arm swing to the viewers of the chunk', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const watcher = world.connect()
    await watcher.hello(VERSION)
    const profile = makeProfile('Swinger')
    const { snapshot, entityId } = await gateway.attach(profile)
    await subscribeAround(watcher, makeProfile('Fan').id, snapshot.x, snapshot.z)
    gateway.send({ type: WorldCommand.SwingArm, playerId: profile.id, hand: 'main' })
    const swing = await watcher.expect(WorldFact.EntityAnimated, (m) => m.entityId === entityId)
    assert.equal(swing.animation, 'swing_main')
  })

  void it('spawns a walking player for viewers of the chunk entered who could not see the one left', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const watcher = world.connect()
    await watcher.hello(VERSION)
    const profile = makeProfile('Walker')
    const { snapshot, entityId } = await gateway.attach(profile)
    const here = chunkKeyAt(snapshot.x, snapshot.z)
    const [cx, cz] = here.split(',').map(Number) as [number, number]
    const viewer = makeProfile('Peeker')
    watcher.send({ type: WorldCommand.SubscribeChunks, playerId: viewer.id, chunks: [{ x: cx + 1, z: cz }] })
    await watcher.expect(WorldFact.ChunkData, (m) => m.playerId === viewer.id)
    const to = { x: (cx + 1) * 16 + 2.5, y: snapshot.y + 1, z: snapshot.z }
    walk(gateway, profile.id, snapshot, to)
    const spawned = await watcher.expect(WorldFact.EntitySpawned, (m) => m.entityId === entityId)
    assert.equal(spawned.chunk, chunkKey(cx + 1, cz))
    const moved = await watcher.expect(WorldFact.EntityMoved, (m) => m.entityId === entityId && m.chunk === chunkKey(cx + 1, cz))
    assert.equal(moved.fromChunk, here)
    assert.ok(!watcher.has(WorldFact.EntityMoved, (m) => m.entityId === entityId && m.chunk === here), 'moves inside an unwatched chunk stay private')
  })

  void it('refuses digging out of reach and bedrock, reverting the client', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const profile = makeProfile('Reacher')
    const { snapshot } = await gateway.attach(profile)
    await subscribeAround(gateway, profile.id, snapshot.x, snapshot.z)
    const x = Math.floor(snapshot.x)
    const z = Math.floor(snapshot.z)
    const far = { x: x + 9, y: Math.floor(snapshot.y) - 1, z }
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'finish', ...far, face: 1, sequence: 11 })
    await gateway.expect(WorldFact.BlockChanged, (m) => m.x === far.x && m.y === far.y && m.z === far.z)
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 11)

    gateway.send({ type: WorldCommand.RunCommand, playerId: profile.id, command: 'gamemode creative' })
    await gateway.expect(WorldFact.SystemMessage, (m) => m.playerId === profile.id)
    // Not an op: still survival, and bedrock at minY is far below anyway.
    const bedrock = { x, y: game.minY, z }
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'finish', ...bedrock, face: 1, sequence: 12 })
    const kept = await gateway.expect(WorldFact.BlockChanged, (m) => m.y === game.minY)
    assert.equal(game.blockOf(kept.stateId)?.name, 'bedrock')
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 12)
  })

  void it('refuses placing a block inside a player', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const op = makeProfile('Stuck', true)
    const { snapshot } = await gateway.attach(op)
    gateway.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'gamemode creative' })
    await gateway.expect(WorldFact.GameModeChanged)
    gateway.send({ type: WorldCommand.SetCreativeSlot, playerId: op.id, slot: 36, item: { name: 'stone', count: 5 } })
    await gateway.expect(WorldFact.InventoryUpdated, (m) => m.slots.some((s) => s.slot === 36 && s.item?.name === 'stone'))
    await subscribeAround(gateway, op.id, snapshot.x, snapshot.z)
    const x = Math.floor(snapshot.x)
    const z = Math.floor(snapshot.z)
    const feet = Math.floor(snapshot.y)
    gateway.send({ type: WorldCommand.PlaceBlock, playerId: op.id, x, y: feet - 1, z, face: 1, hand: 'main', sequence: 21 })
    const revert = await gateway.expect(WorldFact.BlockChanged, (m) => m.x === x && m.y === feet && m.z === z)
    assert.ok(game.isReplaceable(revert.stateId))
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 21)
  })

  void it('lets only creative players set inventory slots, with valid items and counts', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const op = makeProfile('Hoarder', true)
    await gateway.attach(op)
    gateway.send({ type: WorldCommand.SetCreativeSlot, playerId: op.id, slot: 36, item: { name: 'diamond', count: 1 } })
    const refused = await gateway.expect(WorldFact.InventoryUpdated)
    assert.deepEqual(refused.slots, [{ slot: 36, item: null }])
    gateway.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'gamemode creative' })
    await gateway.expect(WorldFact.GameModeChanged)
    for (const item of [{ name: 'not_an_item', count: 1 }, { name: 'diamond', count: 100 }]) {
      gateway.send({ type: WorldCommand.SetCreativeSlot, playerId: op.id, slot: 36, item })
      assert.deepEqual((await gateway.expect(WorldFact.InventoryUpdated)).slots, [{ slot: 36, item: null }])
    }
    gateway.send({ type: WorldCommand.SetCreativeSlot, playerId: op.id, slot: 46, item: { name: 'diamond', count: 1 } })
    assert.deepEqual((await gateway.expect(WorldFact.InventoryUpdated)).slots, [])
    gateway.send({ type: WorldCommand.SetCreativeSlot, playerId: op.id, slot: 45, item: { name: 'diamond', count: 64 } })
    assert.deepEqual((await gateway.expect(WorldFact.InventoryUpdated)).slots, [{ slot: 45, item: { name: 'diamond', count: 64 } }])
  })

  void it('runs /say for ops only and refuses /tp to a non-op', async () => {
    const one = world.connect()
    await one.hello(VERSION)
    const two = world.connect()
    await two.hello(VERSION)
    const op = makeProfile('Herald', true)
    const pleb = makeProfile('Crowd')
    await one.attach(op)
    await one.attach(pleb)
    one.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'say the  end is near' })
    const said = await two.expect(WorldFact.SystemMessage, (m) => m.playerId === null)
    assert.equal(said.text, '[Herald] the end is near')
    one.send({ type: WorldCommand.RunCommand, playerId: pleb.id, command: 'tp Herald' })
    assert.equal((await one.expect(WorldFact.SystemMessage, (m) => m.playerId === pleb.id)).text, 'You do not have permission to use /tp')
    one.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'tp Crowd Herald' })
    await one.expect(WorldFact.PlayerPositionSet, (m) => m.playerId === pleb.id && m.reason === 'teleport')
  })

  void it('ignores commands for a player attached through another gateway', async () => {
    const owner = world.connect()
    await owner.hello(VERSION)
    const intruder = world.connect()
    await intruder.hello(VERSION)
    const profile = makeProfile('Owned')
    await owner.attach(profile)
    intruder.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'not me' })
    owner.send({ type: WorldCommand.SendChat, playerId: profile.id, text: 'me' })
    const chat = await owner.expect(WorldFact.ChatBroadcast, (m) => m.senderId === profile.id)
    assert.equal(chat.text, 'me')
  })
})

void describe('world-node metrics', () => {
  void it('lets two nodes share one registry, one label each', async () => {
    const registry = new Registry()
    const one = await startNode(freshDir(), { nodeId: 'node-a', registry })
    const two = await startNode(freshDir(), { nodeId: 'node-b', registry })
    try {
      const text = await registry.metrics()
      assert.match(text, /tessera_world_players\{node="node-a"\} 0/)
      assert.match(text, /tessera_world_players\{node="node-b"\} 0/)
      assert.match(text, /tessera_world_loaded_chunks\{node="node-b"\}/)
    } finally {
      await one.close()
      await two.close()
    }
    assert.doesNotMatch(await registry.metrics(), /node="node-a"/)
  })
})
