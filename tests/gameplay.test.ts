/**
 * Playing through the gateway with real mineflayer bots: join, see each other, chat, dig and
 * place, walk, rejoin, and a server restart that keeps what was built.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Bot } from 'mineflayer'
import { Vec3 } from 'vec3'
import { joinBot, quitBot } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitForEvent, waitUntil } from './harness/wait.ts'

const VIEW_DISTANCE = 8
let server: TestServer
let alice: Bot
let bob: Bot
const chunksSeen = new Map<string, number>()

function countChunks (bot: Bot): void {
  chunksSeen.set(bot.username, 0)
  bot._client.on('map_chunk', () => { chunksSeen.set(bot.username, (chunksSeen.get(bot.username) ?? 0) + 1) })
}

/** The y of the first air block above the ground at column x, z (from the bot's loaded chunks). */
function standingY (bot: Bot, x: number, z: number): number {
  for (let y = 200; y > -64; y--) {
    const block = bot.blockAt(new Vec3(x, y, z))
    if (block !== null && block.boundingBox === 'block') return y + 1
  }
  throw new Error(`no ground at ${x},${z}`)
}

before(async () => {
  server = await startTestServer({ AUTH_OPS: 'Alice', WORLD_VIEW_DISTANCE: String(VIEW_DISTANCE), WORLD_SEED: 'gameplay-test' })
})

after(async () => {
  for (const bot of [alice, bob]) if (bot !== undefined) await quitBot(bot)
  await server?.stop()
})

test('two bots join, spawn on terrain, see each other in the tab list and as entities, and chat', async () => {
  alice = await joinBot({ port: server.port, username: 'Alice' })
  countChunks(alice)
  bob = await joinBot({ port: server.port, username: 'Bob' })
  countChunks(bob)
  await waitUntil('Alice has the full view', () => (chunksSeen.get('Alice') ?? 0) >= (2 * VIEW_DISTANCE + 1) ** 2, 20_000)
  const below = alice.blockAt(alice.entity.position.offset(0, -1, 0))
  assert.ok(below !== null && below.boundingBox === 'block', `Alice stands on ${below?.name}`)
  await waitUntil('each is in the other\'s tab list with an entity', () =>
    alice.players.Bob?.entity !== undefined && bob.players.Alice?.entity !== undefined, 10_000)
  const heard = waitForEvent<[string, string]>(bob, 'chat', 5000, (username, message) => username === 'Alice' && message === 'hello Bob')
  alice.chat('hello Bob')
  await heard
  const answered = waitForEvent<[string, string]>(alice, 'chat', 5000, (username, message) => username === 'Bob' && message === 'hi Alice')
  bob.chat('hi Alice')
  await answered
})

let placedAt: Vec3
let placedName: string

test('a block dug in survival drops into the inventory; placing it is seen by the other bot', async () => {
  const feet = alice.entity.position.floored()
  const target = feet.offset(1, -1, 0)
  const block = alice.blockAt(target)
  assert.ok(block !== null && ['grass_block', 'dirt', 'sand', 'stone'].includes(block.name), `digging ${block?.name}`)
  const dropName = block.name === 'grass_block' ? 'dirt' : block.name === 'stone' ? 'cobblestone' : block.name
  const bobSeesAir = waitUntil('Bob sees the dug block gone', () => bob.blockAt(target)?.name === 'air', 10_000)
  await alice.dig(block)
  await bobSeesAir
  await waitUntil('the drop is in Alice\'s inventory', () => alice.inventory.items().some((item) => item.name === dropName), 5000)

  const item = alice.inventory.items().find((i) => i.name === dropName)!
  await alice.equip(item, 'hand')
  const bobSeesBlock = waitUntil('Bob sees the placed block', () => bob.blockAt(target)?.name === dropName, 10_000)
  await alice.placeBlock(alice.blockAt(target.offset(0, -1, 0))!, new Vec3(0, 1, 0))
  await bobSeesBlock
  assert.equal(alice.inventory.items().filter((i) => i.name === dropName).reduce((n, i) => n + i.count, 0), 0, 'the placed item was consumed')
  placedAt = target
  placedName = dropName
})

test('commands: non-ops are refused, ops may change game mode', async () => {
  const refused = waitForEvent<[string]>(bob, 'messagestr', 5000, (text) => /permission/i.test(text))
  bob.chat('/gamemode creative')
  await refused
  assert.equal(bob.game.gameMode, 'survival')
  const listed = waitForEvent<[string]>(bob, 'messagestr', 5000, (text) => text.includes('Alice') && text.includes('Bob'))
  bob.chat('/list')
  await listed
  alice.chat('/gamemode creative')
  await waitUntil('Alice is in creative', () => alice.game.gameMode === 'creative', 5000)
  alice.chat('/gamemode survival')
  await waitUntil('Alice is back in survival', () => alice.game.gameMode === 'survival', 5000)
})

let lastPosition: Bot['entity']['position']

/**
 * Walks the bot along x to `toX` on the ground, `step` blocks per movement packet, waiting at
 * each chunk for the column 16 blocks ahead to arrive. Returns the x it stopped at.
 */
async function walkAlongX (bot: Bot, toX: number, step: number): Promise<number> {
  const z = bot.entity.position.z
  let x = bot.entity.position.x
  const direction = Math.sign(toX - x)
  while ((toX - x) * direction > 0) {
    const next = Math.abs(toX - x) <= step ? toX : x + direction * step
    if (Math.floor(next / 16) !== Math.floor(x / 16)) {
      await waitUntil('the column ahead is loaded', () => bot.blockAt(new Vec3(Math.floor(next) + direction * 16, 64, Math.floor(z))) !== null, 10_000)
    }
    x = next
    const y = standingY(bot, Math.floor(x), Math.floor(z))
    bot.entity.position.set(x, y, z)
    bot._client.write('position', { x, y, z, flags: { onGround: true, hasHorizontalCollision: false } })
    await new Promise((resolve) => setImmediate(resolve))
  }
  return x
}

test('a bot walks 64 blocks; chunks stream in ahead and the other bot sees it move', async () => {
  alice.physicsEnabled = false
  const start = alice.entity.position.clone()
  const before = chunksSeen.get('Alice') ?? 0
  const x = await walkAlongX(alice, start.x + 64, 0.5)
  assert.ok(alice.entity.position.x - start.x >= 64)
  await waitUntil('new chunks arrived for the walk', () => (chunksSeen.get('Alice') ?? 0) >= before + 4 * (2 * VIEW_DISTANCE + 1), 10_000)
  // Viewers get relative moves (1/4096 block units): after 128 of them Bob's copy must not drift.
  await waitUntil('Bob sees Alice at her new position', () => {
    const seen = bob.players.Alice?.entity?.position
    return seen !== undefined && Math.abs(seen.x - x) < 0.01 && Math.abs(seen.z - start.z) < 0.01
  }, 10_000)
  lastPosition = alice.entity.position.clone()
})

test('a bot that walks out of another\'s view is despawned for it, and spawned again when it comes back', async () => {
  const entityId = bob.players.Alice?.entity?.id
  assert.ok(entityId !== undefined, 'Bob shows Alice')
  const bobChunkX = Math.floor(bob.entity.position.x / 16)
  const beyondView = (bobChunkX + VIEW_DISTANCE + 2) * 16 + 8
  const destroyed = waitForEvent<[{ entityIds: number[] }]>(bob._client, 'entity_destroy', 30_000, (packet) => packet.entityIds.includes(entityId))
  await walkAlongX(alice, beyondView, 4)
  await destroyed
  const spawned = waitForEvent<[{ entityId: number }]>(bob._client, 'spawn_entity', 30_000, (packet) => packet.entityId === entityId)
  await walkAlongX(alice, lastPosition.x, 4)
  await spawned
  await waitUntil('Bob sees Alice back at her position', () => {
    const seen = bob.players.Alice?.entity?.position
    return seen !== undefined && Math.abs(seen.x - lastPosition.x) < 0.01 && Math.abs(seen.z - lastPosition.z) < 0.01
  }, 10_000)
  lastPosition = alice.entity.position.clone()
})

test('rejoining restores position and inventory', async () => {
  // Give Alice something to carry: dig one more block.
  const target = lastPosition.floored().offset(1, -1, 0)
  const block = alice.blockAt(target)!
  const carried = block.name === 'grass_block' ? 'dirt' : block.name === 'stone' ? 'cobblestone' : block.name
  alice.physicsEnabled = true
  await alice.dig(block)
  await waitUntil('the drop arrived', () => alice.inventory.items().some((i) => i.name === carried), 5000)
  const position = alice.entity.position.clone()
  await quitBot(alice)
  alice = await joinBot({ port: server.port, username: 'Alice' })
  assert.ok(alice.entity.position.distanceTo(position) < 1.5, `rejoined at ${alice.entity.position.toString()}, left at ${position.toString()}`)
  await waitUntil('the inventory is restored', () => alice.inventory.items().some((i) => i.name === carried), 5000)
})

test('a server restart keeps the placed block and the players\' state', async () => {
  await quitBot(alice)
  await quitBot(bob)
  await server.restart()
  bob = await joinBot({ port: server.port, username: 'Bob' })
  await waitUntil('Bob has the chunk with the placed block', () => bob.blockAt(placedAt) !== null, 20_000)
  const block = bob.blockAt(placedAt)
  assert.equal(block?.name, placedName, 'the placed block survived the restart')
  alice = await joinBot({ port: server.port, username: 'Alice' })
})
