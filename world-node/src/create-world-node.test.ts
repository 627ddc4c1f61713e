import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { chunkKeyAt, chunkOf } from '#shared/coords.ts'
import { WorldCommand, WorldFact } from '#shared/world-messages.ts'
import { makeProfile } from './testing/scripted-gateway.ts'
import {
  blockIn, columnAt, freshDir, game, standOnDiggable, startNode, subscribeAround, terrain, topOf, VERSION, type RunningNode
} from './testing/world-fixtures.ts'

void describe('world-node', () => {
  let world: RunningNode

  before(async () => { world = await startNode(freshDir()) })
  after(async () => { await world.close() })

  void it('answers Hello with Welcome, the player list and the time', async () => {
    const gateway = world.connect()
    const welcome = await gateway.hello(VERSION)
    assert.equal(welcome.version, VERSION)
    assert.equal(welcome.seed, 'tessera')
    assert.equal(welcome.minY, -64)
    assert.equal(welcome.worldHeight, 384)
    assert.equal(welcome.viewDistance, 8)
    await gateway.expect(WorldFact.PlayerListUpserted)
    await gateway.expect(WorldFact.TimeUpdated)
  })

  void it('refuses a gateway speaking another game version, with a reason', async () => {
    const gateway = world.connect()
    gateway.send({ type: WorldCommand.Hello, gatewayId: 'gw-old' as never, version: '1.20.4' })
    assert.match(await gateway.closed(), /version/)
  })

  void it('closes a link whose first message is not Hello', async () => {
    const gateway = world.connect()
    gateway.send({ type: WorldCommand.SendChat, playerId: makeProfile('Nobody').id, text: 'hi' })
    assert.match(await gateway.closed(), /Hello/)
  })

  void it('spawns a new player on the surface in survival with an empty inventory', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const profile = makeProfile('Spawner')
    const attached = await gateway.attach(profile)
    const { snapshot } = attached
    assert.ok(attached.entityId >= 1)
    assert.equal(snapshot.gameMode, 'survival')
    assert.ok(snapshot.inventory.every((item) => item === null))
    assert.equal(snapshot.inventory.length, 46)
    const bx = Math.floor(snapshot.x)
    const bz = Math.floor(snapshot.z)
    assert.ok(terrain.isLand(bx, bz))
    assert.equal(snapshot.y, terrain.surfaceY(bx, bz) + 1)
    const listed = await gateway.expect(WorldFact.PlayerListUpserted, (m) => m.entries.some((e) => e.playerId === profile.id))
    assert.equal(listed.entries.find((e) => e.playerId === profile.id)?.name, 'Spawner')
  })

  void it('sends a column to a gateway once: its later players get ChunkCached, ResendChunk sends it again', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const first = makeProfile('CacheA')
    const second = makeProfile('CacheB')
    const { snapshot } = await gateway.attach(first)
    await gateway.attach(second)
    const chunk = chunkOf(snapshot.x, snapshot.z)
    gateway.send({ type: WorldCommand.SubscribeChunks, playerId: first.id, chunks: [chunk] })
    const data = await gateway.expect(WorldFact.ChunkData, (m) => m.playerId === first.id)
    gateway.send({ type: WorldCommand.SubscribeChunks, playerId: second.id, chunks: [chunk] })
    const cached = await gateway.expect(WorldFact.ChunkCached, (m) => m.playerId === second.id)
    assert.deepEqual([cached.x, cached.z, cached.revision], [data.column.x, data.column.z, data.column.revision])
    assert.ok(!gateway.has(WorldFact.ChunkData, (m) => m.playerId === second.id), 'the column crossed the link once')
    // The gateway lost its copy.
    gateway.send({ type: WorldCommand.ResendChunk, playerId: second.id, x: chunk.x, z: chunk.z })
    const again = await gateway.expect(WorldFact.ChunkData, (m) => m.playerId === second.id)
    assert.deepEqual(Buffer.from(again.column.sections), Buffer.from(data.column.sections))
    // Another gateway has no copy: it gets the column in full.
    const other = world.connect()
    await other.hello(VERSION)
    const third = makeProfile('CacheC')
    await other.attach(third)
    other.send({ type: WorldCommand.SubscribeChunks, playerId: third.id, chunks: [chunk] })
    assert.equal((await other.expect(WorldFact.ChunkData, (m) => m.playerId === third.id)).column.revision, data.column.revision)
  })

  void it('sends every subscribed chunk, then the players standing in it', async () => {
    const watcher = world.connect()
    await watcher.hello(VERSION)
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const profile = makeProfile('Viewed')
    const { snapshot, entityId } = await gateway.attach(profile)
    const viewer = makeProfile('Viewer')
    const columns = await subscribeAround(watcher, viewer.id, snapshot.x, snapshot.z)
    assert.equal(columns.size, 9)
    for (const column of columns.values()) assert.ok(column.sections.length > 0)
    const spawned = await watcher.expect(WorldFact.EntitySpawned, (m) => m.entityId === entityId)
    assert.equal(spawned.playerId, profile.id)
    assert.equal(spawned.chunk, chunkKeyAt(snapshot.x, snapshot.z))
  })

  void it('accepts a plausible move and corrects a 50-block jump back to the last good position', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const watcher = world.connect()
    await watcher.hello(VERSION)
    const profile = makeProfile('Mover')
    const { snapshot, entityId } = await gateway.attach(profile)
    await subscribeAround(watcher, makeProfile('Watcher').id, snapshot.x, snapshot.z)
    const moved = { x: snapshot.x + 3, y: snapshot.y, z: snapshot.z }
    gateway.send({ type: WorldCommand.MovePlayer, playerId: profile.id, ...moved, onGround: true })
    const seen = await watcher.expect(WorldFact.EntityMoved, (m) => m.entityId === entityId)
    assert.equal(seen.x, moved.x)
    gateway.send({ type: WorldCommand.MovePlayer, playerId: profile.id, x: moved.x + 50, y: moved.y, z: moved.z, onGround: true })
    const correction = await gateway.expect(WorldFact.PlayerPositionSet, (m) => m.playerId === profile.id)
    assert.equal(correction.reason, 'correction')
    assert.deepEqual([correction.x, correction.y, correction.z], [moved.x, moved.y, moved.z])
    gateway.send({ type: WorldCommand.MovePlayer, playerId: profile.id, x: moved.x, y: Number.NaN, z: moved.z, onGround: true })
    const second = await gateway.expect(WorldFact.PlayerPositionSet, (m) => m.playerId === profile.id)
    assert.equal(second.reason, 'correction')
  })

  void it('breaks a block on the first hit in creative', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const profile = makeProfile('Builder', true)
    const { snapshot } = await gateway.attach(profile)
    gateway.send({ type: WorldCommand.RunCommand, playerId: profile.id, command: 'gamemode creative' })
    await gateway.expect(WorldFact.GameModeChanged, (m) => m.gameMode === 'creative')
    const columns = await subscribeAround(gateway, profile.id, snapshot.x, snapshot.z)
    const target = standOnDiggable(gateway, profile, snapshot, columns, -3)
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'start', x: target.x, y: target.y, z: target.z, face: 1, sequence: 7 })
    const changed = await gateway.expect(WorldFact.BlockChanged, (m) => m.x === target.x && m.y === target.y && m.z === target.z)
    assert.equal(changed.stateId, game.airStateId)
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 7)
    assert.ok(!gateway.has(WorldFact.InventoryUpdated), 'creative digging yields no drops')
  })

  void it('puts a survival drop into the inventory, and a placed block reaches other subscribers', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const other = world.connect()
    await other.hello(VERSION)
    const profile = makeProfile('Miner')
    const { snapshot } = await gateway.attach(profile)
    const columns = await subscribeAround(gateway, profile.id, snapshot.x, snapshot.z)
    await subscribeAround(other, makeProfile('Onlooker').id, snapshot.x, snapshot.z)
    const target = standOnDiggable(gateway, profile, snapshot, columns, 2)
    const [drop] = game.dropsOf(target.stateId)

    // 'start' does not break a block with hardness > 0 in survival; 'finish' does.
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'start', x: target.x, y: target.y, z: target.z, face: 1, sequence: 1 })
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 1)
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'finish', x: target.x, y: target.y, z: target.z, face: 1, sequence: 2 })
    const inventory = await gateway.expect(WorldFact.InventoryUpdated, (m) => m.playerId === profile.id)
    assert.deepEqual(inventory.slots, [{ slot: 36, item: { name: drop, count: 1 } }])
    await other.expect(WorldFact.BlockChanged, (m) => m.x === target.x && m.y === target.y && m.stateId === game.airStateId)
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 2)

    // Bedrock and air cannot be dug: the ack comes with the real state.
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'finish', x: target.x, y: target.y, z: target.z, face: 1, sequence: 3 })
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 3)

    // Put it back: click the block below the hole, top face.
    const placedState = game.blockByName(drop ?? '')?.defaultState
    assert.ok(placedState !== undefined)
    gateway.send({ type: WorldCommand.PlaceBlock, playerId: profile.id, x: target.x, y: target.y - 1, z: target.z, face: 1, hand: 'main', sequence: 4 })
    const seen = await other.expect(WorldFact.BlockChanged, (m) => m.x === target.x && m.y === target.y && m.z === target.z && m.stateId === placedState)
    assert.equal(seen.chunk, chunkKeyAt(target.x, target.z))
    const emptied = await gateway.expect(WorldFact.InventoryUpdated, (m) => m.playerId === profile.id)
    assert.deepEqual(emptied.slots, [{ slot: 36, item: null }])
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 4)

    // Nothing left in hand: the place is refused and the client's prediction reverted.
    gateway.send({ type: WorldCommand.PlaceBlock, playerId: profile.id, x: target.x, y: target.y, z: target.z, face: 1, hand: 'main', sequence: 5 })
    const reverted = await gateway.expect(WorldFact.BlockChanged, (m) => m.y === target.y + 1 && m.x === target.x && m.z === target.z)
    assert.ok(game.isAir(reverted.stateId) || game.isReplaceable(reverted.stateId))
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 5)
  })

  void it('broadcasts chat to every gateway', async () => {
    const one = world.connect()
    await one.hello(VERSION)
    const two = world.connect()
    await two.hello(VERSION)
    const profile = makeProfile('Talker')
    await one.attach(profile)
    one.send({ type: WorldCommand.SendChat, playerId: profile.id, text: '  hello world  ' })
    for (const gateway of [one, two]) {
      const chat = await gateway.expect(WorldFact.ChatBroadcast)
      assert.deepEqual([chat.senderId, chat.senderName, chat.text], [profile.id, 'Talker', 'hello world'])
    }
  })

  void it('refuses /gamemode to a non-op and runs it for an op', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const pleb = makeProfile('Pleb')
    const op = makeProfile('Admin', true)
    await gateway.attach(pleb)
    await gateway.attach(op)
    gateway.send({ type: WorldCommand.RunCommand, playerId: pleb.id, command: 'gamemode creative' })
    const refusal = await gateway.expect(WorldFact.SystemMessage, (m) => m.playerId === pleb.id)
    assert.equal(refusal.text, 'You do not have permission to use /gamemode')
    assert.ok(!gateway.has(WorldFact.GameModeChanged))

    gateway.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'gamemode creative Pleb' })
    const changed = await gateway.expect(WorldFact.GameModeChanged, (m) => m.playerId === pleb.id)
    assert.equal(changed.gameMode, 'creative')
    await gateway.expect(WorldFact.PlayerListUpserted, (m) => m.entries.some((e) => e.playerId === pleb.id && e.gameMode === 'creative'))
    assert.match((await gateway.expect(WorldFact.SystemMessage, (m) => m.playerId === pleb.id)).text, /updated to Creative Mode/)

    gateway.send({ type: WorldCommand.RunCommand, playerId: pleb.id, command: 'nosuchthing' })
    assert.match((await gateway.expect(WorldFact.SystemMessage, (m) => m.playerId === pleb.id)).text, /Unknown command/)
    // /list is answered by the gateway (it knows every node's players); /help still lists it.
    gateway.send({ type: WorldCommand.RunCommand, playerId: pleb.id, command: 'help' })
    const help = (await gateway.expect(WorldFact.SystemMessage, (m) => m.playerId === pleb.id)).text
    assert.match(help, /^\/list - Lists the players online$/m)
    assert.doesNotMatch(help, /\/gamemode/, 'an op-only command is not offered to a non-op')
  })

  void it('lets a gateway queue more commands for each player it carries, and closes one that floods', async () => {
    const busy = world.connect()
    await busy.hello(VERSION)
    const players = [makeProfile('QueueA'), makeProfile('QueueB')]
    for (const profile of players) await busy.attach(profile)
    // 10 000 per link + 200 per player: 10 300 commands between two ticks are within its limit.
    for (let i = 0; i < 10_300; i++) busy.send({ type: WorldCommand.ReportLatency, playerId: players[i % 2]!.id, latencyMs: 5 })
    busy.send({ type: WorldCommand.RunCommand, playerId: players[0]!.id, command: 'help' })
    assert.match((await busy.expect(WorldFact.SystemMessage, (m) => m.playerId === players[0]!.id)).text, /^Commands:/)
    assert.equal(busy.closedReason, null)

    const flooder = world.connect()
    await flooder.hello(VERSION)
    for (let i = 0; i < 10_001; i++) flooder.send({ type: WorldCommand.ReportLatency, playerId: players[0]!.id, latencyMs: 5 })
    assert.match(await flooder.closed(), /too many commands queued/)
  })

  void it('teleports with /tp for an op', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const op = makeProfile('Porter', true)
    const { snapshot } = await gateway.attach(op)
    gateway.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'tp 100 80 -100' })
    const moved = await gateway.expect(WorldFact.PlayerPositionSet, (m) => m.playerId === op.id)
    assert.deepEqual([moved.reason, moved.x, moved.y, moved.z], ['teleport', 100, 80, -100])
    // The teleport is the new last good position: walking on from there is accepted.
    gateway.send({ type: WorldCommand.MovePlayer, playerId: op.id, x: 101, y: 80, z: -100, onGround: false })
    gateway.send({ type: WorldCommand.RunCommand, playerId: op.id, command: `tp ${snapshot.x} ${snapshot.y} ${snapshot.z}` })
    const back = await gateway.expect(WorldFact.PlayerPositionSet, (m) => m.playerId === op.id)
    assert.equal(back.reason, 'teleport')
  })

  void it('restores position and inventory when a player detaches and attaches again', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    const profile = makeProfile('Returner')
    const { snapshot } = await gateway.attach(profile)
    const columns = await subscribeAround(gateway, profile.id, snapshot.x, snapshot.z)
    const target = standOnDiggable(gateway, profile, snapshot, columns, 4)
    gateway.send({ type: WorldCommand.DigBlock, playerId: profile.id, status: 'finish', x: target.x, y: target.y, z: target.z, face: 1, sequence: 1 })
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 1)
    gateway.send({ type: WorldCommand.SelectHotbarSlot, playerId: profile.id, slot: 3 })
    gateway.send({ type: WorldCommand.DetachPlayer, playerId: profile.id, reason: 'quit' })
    await gateway.expect(WorldFact.PlayerListRemoved, (m) => m.playerIds.includes(profile.id))
    const again = await gateway.attach(profile)
    assert.deepEqual([again.snapshot.x, again.snapshot.y, again.snapshot.z], [target.x + 0.5, target.y + 1, target.z + 0.5])
    assert.deepEqual(again.snapshot.inventory[36], { name: game.dropsOf(target.stateId)[0], count: 1 })
    assert.equal(again.snapshot.selectedSlot, 3)
  })

  void it('reports tick health', async () => {
    const gateway = world.connect()
    await gateway.hello(VERSION)
    await gateway.expect(WorldFact.TimeUpdated)
    await gateway.expect(WorldFact.TimeUpdated)
    const stats = world.node.tickStats()
    assert.ok(stats.tps > 5, `tps ${stats.tps}`)
    assert.ok(stats.tickMsP99 >= stats.tickMsP50)
    assert.ok(stats.loadedChunks > 0)
    const metrics = await world.node.registry.metrics()
    assert.match(metrics, /tessera_world_tps\{node="world-1"\}/)
    assert.match(metrics, /tessera_world_tick_ms\{node="world-1",quantile="0.99"\}/)
  })
})

void describe('world-node pause when empty', () => {
  void it('stops ticking after WORLD_PAUSE_WHEN_EMPTY_S without players; a joining player wakes it, the world age going on from where it stopped', async () => {
    const world = await startNode(freshDir(), { env: { WORLD_PAUSE_WHEN_EMPTY_S: '1' } })
    try {
      const gateway = world.connect()
      await gateway.hello(VERSION)
      const deadline = Date.now() + 10_000
      while (!world.node.tickStats().paused) {
        assert.ok(Date.now() < deadline, 'paused within 10 s')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      assert.equal(world.node.tickStats().tps, 0)
      assert.match(await world.node.registry.metrics(), /tessera_world_tick_paused\{node="world-1"\} 1/)
      const times = (): number[] => gateway.inbox.flatMap((m) => m.type === WorldFact.TimeUpdated ? [m.worldAge] : [])
      const lastAge = Math.max(...times())
      const broadcasts = times().length
      // Running, the node would broadcast the time once a second; paused, it stays silent.
      await new Promise((resolve) => setTimeout(resolve, 1200))
      assert.equal(times().length, broadcasts, 'no time broadcast while paused')

      await gateway.attach(makeProfile('Waker'))
      assert.equal(world.node.tickStats().paused, false)
      const next = await gateway.expect(WorldFact.TimeUpdated, (m) => m.worldAge > lastAge)
      assert.equal(next.worldAge, lastAge + 20, 'the next broadcast is the one after the last before the pause')
      assert.doesNotMatch(await world.node.registry.metrics(), /tessera_world_tick_paused\{node="world-1"\} 1/)
    } finally {
      await world.close()
    }
  })
})

void describe('world-node restart', () => {
  void it('keeps placed blocks and the world age on the same store file', async () => {
    const dir = freshDir()
    const first = await startNode(dir)
    const gateway = first.connect()
    await gateway.hello(VERSION)
    const op = makeProfile('Mason', true)
    const { snapshot } = await gateway.attach(op)
    gateway.send({ type: WorldCommand.RunCommand, playerId: op.id, command: 'gamemode creative' })
    await gateway.expect(WorldFact.GameModeChanged)
    gateway.send({ type: WorldCommand.SetCreativeSlot, playerId: op.id, slot: 36, item: { name: 'gold_block', count: 1 } })
    await gateway.expect(WorldFact.InventoryUpdated, (m) => m.slots.some((s) => s.slot === 36))
    const columns = await subscribeAround(gateway, op.id, snapshot.x, snapshot.z)
    const x = Math.floor(snapshot.x) + 2
    const z = Math.floor(snapshot.z)
    const top = topOf(columnAt(columns, x, z), x, z)
    gateway.send({ type: WorldCommand.PlaceBlock, playerId: op.id, x, y: top, z, face: 1, hand: 'main', sequence: 9 })
    const gold = game.blockByName('gold_block')?.defaultState
    await gateway.expect(WorldFact.BlockChanged, (m) => m.x === x && m.y === top + 1 && m.z === z && m.stateId === gold)
    await gateway.expect(WorldFact.BlockChangeAcked, (m) => m.sequence === 9)
    const lastAge = (await gateway.expect(WorldFact.TimeUpdated, (m) => m.worldAge > 0)).worldAge
    await first.close()
    assert.ok(gateway.closedReason !== null)

    const second = await startNode(dir)
    try {
      const again = second.connect()
      await again.hello(VERSION)
      const time = await again.expect(WorldFact.TimeUpdated)
      assert.ok(time.worldAge > lastAge, `world age ${time.worldAge} continues after ${lastAge}`)
      const viewer = makeProfile('Visitor')
      const reloaded = await subscribeAround(again, viewer.id, snapshot.x, snapshot.z)
      const column = columnAt(reloaded, x, z)
      assert.equal(blockIn(column, x, top + 1, z), gold)
      assert.ok(column.revision > 0, 'an edited column has a non-zero revision')
      const returning = await again.attach(op)
      assert.equal(returning.snapshot.gameMode, 'creative')
    } finally {
      await second.close()
    }
  })
})
