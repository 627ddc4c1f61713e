/**
 * The distributed world as a player meets it: `npm run cluster` (separate processes, real
 * Redis, region size 1 so every chunk border is a region border), two bots on two gateways.
 * A bot walks across region borders owned by different world-nodes with no disconnect, no
 * teleport back and no respawn; the bots see each other, chat, and see each other's blocks.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { after, before, test } from 'node:test'
import type { Bot } from 'mineflayer'
import { Vec3 } from 'vec3'
import { joinBot, quitBot } from './harness/bots.ts'
import { freePortRange } from './harness/free-port.ts'
import { redisCommand, startRedis } from './harness/redis.ts'
import { waitForEvent, waitUntil } from './harness/wait.ts'

let redis: Awaited<ReturnType<typeof startRedis>>
let cluster: ChildProcess
let gatewayPort: number
let alice: Bot
let bob: Bot
let clusterLog = ''

before(async () => {
  redis = await startRedis()
  // gateways base, base+1; auth base+2, base+3; world-node links base+4…base+6
  const base = await freePortRange(7)
  gatewayPort = base
  const authPort = base + 2
  const linkBase = base + 4
  cluster = spawn(process.execPath, ['scripts/cluster/main.ts'], {
    env: {
      ...process.env,
      TESSERA_REDIS_URL: redis.url,
      WORLD_REGION_SIZE: '1',
      WORLD_VIEW_DISTANCE: '5',
      WORLD_SEED: 'cluster-test',
      CLUSTER_GATEWAY_PORT: String(gatewayPort),
      CLUSTER_AUTH_PORT: String(authPort),
      CLUSTER_PORT_OFFSET: String(linkBase - 25601),
      CLUSTER_METRICS_PORT: '0',
      GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '0',
      TESSERA_LOG_LEVEL: 'warn'
    },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  cluster.stdout?.on('data', (data: Buffer) => { clusterLog += data.toString() })
  cluster.stderr?.on('data', (data: Buffer) => { clusterLog += data.toString() })
  await waitUntil('the cluster is ready', () => {
    if (cluster.exitCode !== null) throw new Error(`cluster exited:\n${clusterLog.slice(-4000)}`)
    return clusterLog.includes('[cluster] ready')
  }, 90_000)
})

after(async () => {
  if (process.env.TESSERA_TEST_CLUSTER_LOG !== undefined) process.stderr.write(clusterLog)
  for (const bot of [alice, bob]) if (bot !== undefined) await quitBot(bot)
  if (cluster !== undefined && cluster.exitCode === null) {
    const exited = waitForEvent(cluster, 'exit', 40_000)
    cluster.kill('SIGTERM')
    await exited
  }
  await redis?.stop()
})

/** The world-node leasing chunk cx, cz's region (WORLD_REGION_SIZE 1: each chunk is a region). */
async function ownerOfChunk (cx: number, cz: number): Promise<string | undefined> {
  return /\r\n(.+)\r\n$/.exec(await redisCommand(redis.port, `GET tessera:{r.${cx}.${cz}}:lease`))?.[1]
}

/** The world-node leasing the region that holds a position's block column. */
async function ownerAt (pos: { readonly x: number, readonly z: number }): Promise<string | undefined> {
  return await ownerOfChunk(Math.floor(pos.x / 16), Math.floor(pos.z / 16))
}

/** The y of the first air block above the ground at column x, z (from the bot's loaded chunks). */
function standingY (bot: Bot, x: number, z: number): number {
  for (let y = 200; y > -64; y--) {
    const block = bot.blockAt(new Vec3(x, y, z))
    if (block !== null && block.boundingBox === 'block') return y + 1
  }
  throw new Error(`no ground at ${x},${z}`)
}

test('bots on two gateways join, see each other and chat', async () => {
  alice = await joinBot({ port: gatewayPort, username: 'Alice' }, 60_000)
  bob = await joinBot({ port: gatewayPort + 1, username: 'Bob' }, 60_000)
  await waitUntil('each sees the other', () => alice.players.Bob?.entity !== undefined && bob.players.Alice?.entity !== undefined, 20_000)
  const heard = waitForEvent<[string, string]>(bob, 'chat', 10_000, (username, message) => username === 'Alice' && message === 'across gateways')
  alice.chat('across gateways')
  await heard
})

test('a bot walks across region borders owned by different nodes without noticing', async () => {
  let respawns = 0
  let corrections = 0
  let ended = false
  alice._client.on('respawn', () => { respawns++ })
  alice._client.on('position', () => { corrections++ })
  alice.once('end', () => { ended = true })
  alice.physicsEnabled = false
  const start = alice.entity.position.clone()
  let x = start.x
  const owners = new Set<string>()
  for (let step = 0; step < 4.5 * 16 * 2; step++) {
    x += 0.5
    await waitUntil('the column ahead is loaded', () => alice.blockAt(new Vec3(Math.floor(x), 64, Math.floor(start.z))) !== null, 15_000)
    const y = standingY(alice, Math.floor(x), Math.floor(start.z))
    alice.entity.position.set(x, y, start.z)
    alice._client.write('position', { x, y, z: start.z, flags: { onGround: true, hasHorizontalCollision: false } })
    await new Promise((resolve) => setTimeout(resolve, 5))
    if (step % 32 === 0) {
      const owner = await ownerAt({ x, z: start.z })
      if (owner !== undefined) owners.add(owner)
    }
  }
  assert.equal(ended, false, 'no disconnect')
  assert.equal(respawns, 0, 'no respawn (loading screen)')
  assert.equal(corrections, 0, 'no teleport back')
  assert.ok(owners.size >= 2, `regions walked were owned by ${[...owners].join(', ')}`)
  await waitUntil('Bob sees Alice at her new position', () => {
    const seen = bob.players.Alice?.entity?.position
    return seen !== undefined && Math.abs(seen.x - x) < 1.5
  }, 15_000)
})

test('bots simulated by different nodes see each other\'s block changes', async () => {
  const bobTarget = bob.entity.position.floored().offset(0, -1, 0)
  const bobNode = await ownerAt(bobTarget)
  // Alice steps back chunk by chunk (staying in Bob's view) until a node other than Bob's simulates her.
  alice.physicsEnabled = false
  for (let back = 0; back < 4 && await ownerAt(alice.entity.position.floored()) === bobNode; back++) {
    const z = alice.entity.position.z
    for (let i = 0; i < 32; i++) {
      const x = alice.entity.position.x - 0.5
      const y = standingY(alice, Math.floor(x), Math.floor(z))
      alice.entity.position.set(x, y, z)
      alice._client.write('position', { x, y, z, flags: { onGround: true, hasHorizontalCollision: false } })
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  alice.physicsEnabled = true
  const aliceTarget = alice.entity.position.floored().offset(0, -1, 0)
  const aliceNode = await ownerAt(aliceTarget)
  assert.ok(aliceNode !== undefined && bobNode !== undefined && aliceNode !== bobNode, `Alice on ${aliceNode}, Bob on ${bobNode}`)
  const bobSees = waitUntil('Bob sees Alice\'s dig', () => bob.blockAt(aliceTarget)?.name === 'air', 15_000)
  await alice.dig(alice.blockAt(aliceTarget)!)
  await bobSees
  const aliceSees = waitUntil('Alice sees Bob\'s dig', () => alice.blockAt(bobTarget)?.name === 'air', 15_000)
  await bob.dig(bob.blockAt(bobTarget)!)
  await aliceSees
})

test('/list names the players of every node, whichever node simulates the asker', async () => {
  const [aliceNode, bobNode] = [await ownerAt(alice.entity.position), await ownerAt(bob.entity.position)]
  assert.ok(aliceNode !== undefined && bobNode !== undefined && aliceNode !== bobNode, `Alice on ${aliceNode}, Bob on ${bobNode}`)
  for (const bot of [alice, bob]) {
    const listed = waitForEvent<[string]>(bot, 'messagestr', 10_000, (text) => /^There (is|are) /.test(text))
    bot.chat('/list')
    const [text] = await listed
    assert.equal(text, 'There are 2 players online: Alice, Bob', `${bot.username} asked`)
  }
})

test('1,000 border crossings keep exactly the items carried and exactly one entity', async () => {
  alice.physicsEnabled = false
  const cz = Math.floor(alice.entity.position.z / 16)
  const z = alice.entity.position.z
  const here = Math.floor(alice.entity.position.x / 16)
  let border: number | undefined
  for (const cx of [here - 1, here, here - 2, here + 1]) {
    const [a, b] = [await ownerOfChunk(cx, cz), await ownerOfChunk(cx + 1, cz)]
    if (a !== undefined && b !== undefined && a !== b) {
      border = (cx + 1) * 16
      break
    }
  }
  assert.ok(border !== undefined, 'a border between two nodes next to Alice')
  const ground = (x: number): number => standingY(alice, Math.floor(x), Math.floor(z))
  const step = async (x: number, y: number): Promise<void> => {
    alice.entity.position.set(x, y, z)
    alice._client.write('position', { x, y, z, flags: { onGround: true, hasHorizontalCollision: false } })
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  const from = alice.entity.position.x
  const direction = Math.sign(border - 0.5 - from) || 1
  for (let x = from; Math.abs(border - 0.5 - x) > 0.5; x += 0.5 * direction) await step(x, ground(x))
  const carried = JSON.stringify(alice.inventory.items().map((i) => [i.name, i.count]))
  let respawns = 0
  let teleports = 0
  alice._client.on('respawn', () => { respawns++ })
  alice._client.on('position', () => { teleports++ })
  const y = Math.max(ground(border - 0.5), ground(border + 0.5))
  for (let i = 0; i < 1000; i++) await step(i % 2 === 0 ? border + 0.5 : border - 0.5, y)
  await waitUntil('Bob sees Alice where she stopped', () => {
    const seen = bob.players.Alice?.entity?.position
    return seen !== undefined && Math.abs(seen.x - (border - 0.5)) < 0.1
  }, 15_000)
  assert.equal(respawns, 0)
  assert.equal(teleports, 0)
  assert.equal(JSON.stringify(alice.inventory.items().map((i) => [i.name, i.count])), carried)
  assert.equal(Object.values(bob.entities).filter((e) => e.username === 'Alice').length, 1)
  // The world agrees: a rejoin restores the same items.
  await quitBot(alice)
  alice = await joinBot({ port: gatewayPort, username: 'Alice' }, 60_000)
  await waitUntil('the inventory is restored', () => JSON.stringify(alice.inventory.items().map((i) => [i.name, i.count])) === carried, 10_000)
})
