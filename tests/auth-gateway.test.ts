/**
 * Auth through the gateway with real bots: offline accounts (the limbo, /register, /login,
 * lockout, /changepassword), one session per account across two gateways, a ban through the
 * admin API kicking the online player within a second, op changes while online, and the limbo
 * timeout. One embedded system plus a second gateway built here on the same auth-service and world.
 */
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, test } from 'node:test'
import type { Bot } from 'mineflayer'
import type { HeartbeatResponse } from '#shared/auth-api.ts'
import { toGatewayId, type PlayerId } from '#shared/ids.ts'
import { createInProcessLinkPair } from '#shared/link.ts'
import { createLogger } from '#shared/logger.ts'
import type { GatewayToNode, NodeToGateway } from '#shared/world-messages.ts'
import { createHttpAuthClient } from '../gateway/src/auth/auth-client.ts'
import { createGateway, type Gateway } from '../gateway/src/create-gateway.ts'
import { answer, joinBot, quitBot, reasonText } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitForEvent, waitUntil } from './harness/wait.ts'

const LIMBO_TIMEOUT_S = 3
let server: TestServer
let second: Gateway
let secondPort: number
const bots = new Set<Bot>()
/** Everything gateway 2 logged (at trace level) and sent to the world-node, to look for passwords. */
const secondLog: string[] = []
const secondToWorld: string[] = []

/** Every system message (chat and action bar) a bot received, in order. */
const heard = new WeakMap<Bot, string[]>()

async function join (username: string, port = server.port): Promise<Bot> {
  const bot = await joinBot({ port, username, onCreate: record })
  bots.add(bot)
  bot.once('end', () => { bots.delete(bot) })
  return bot
}


/** Keeps every message the bot receives, from before it spawns. */
function record (bot: Bot): void {
  const lines: string[] = []
  heard.set(bot, lines)
  bot.on('messagestr', (text: string) => { lines.push(text) })
}


async function admin (method: string, path: string, body?: unknown): Promise<Response> {
  return await fetch(`${server.system.authUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.system.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
}

async function renewed (gatewayId: string, sessionIds: string[]): Promise<number> {
  const response = await fetch(`${server.system.authUrl}/v1/heartbeat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ gatewayId, sessionIds })
  })
  return (await response.json() as HeartbeatResponse).renewed
}

before(async () => {
  server = await startTestServer({
    AUTH_OFFLINE_ACCOUNTS: 'true',
    AUTH_DUPLICATE_LOGIN: 'kick-old',
    AUTH_LOCKOUT_S: '2',
    // Every bot connects from 127.0.0.1.
    AUTH_RATE_PASSWORD_PER_ADDRESS: '1000',
    AUTH_RATE_ADMITS_PER_ADDRESS: '1000',
    AUTH_SCRYPT_COST: '1024'
  })
  const destination = new Writable({ write (chunk: Buffer, _encoding, done) { secondLog.push(chunk.toString()); done() } })
  const log = createLogger('gateway-2', { level: 'trace', destination })
  second = createGateway({ ...server.system.gateway.context.config, id: toGatewayId('gateway-2'), port: 0, limboTimeoutMs: LIMBO_TIMEOUT_S * 1000 }, {
    log,
    auth: createHttpAuthClient(server.system.authUrl, log),
    connectWorld: () => {
      const [gatewayEnd, nodeEnd] = createInProcessLinkPair<GatewayToNode, NodeToGateway>()
      server.system.world.acceptLink(nodeEnd)
      const send = gatewayEnd.send.bind(gatewayEnd)
      gatewayEnd.send = (message) => {
        secondToWorld.push(JSON.stringify(message, (_key, value: unknown) => typeof value === 'bigint' ? String(value) : value))
        send(message)
      }
      return gatewayEnd
    }
  })
  secondPort = (await second.start()).port
})

after(async () => {
  for (const bot of [...bots]) await quitBot(bot)
  await second?.stop()
  await server?.stop()
})

let alice: Bot
let bob: Bot

test('offline accounts: the limbo holds a new player at spawn and mutes them until /register', async () => {
  bob = await join('Bob')
  await answer(bob, /Account created/, () => { bob.chat('/register bobs-secret bobs-secret') })

  alice = await join('Alice')
  await waitUntil('Alice is told to /register', () => heard.get(alice)!.some((line) => /type \/register <password> <password>/i.test(line)), 5000)

  // A move away is answered with a teleport back to where she joined.
  const start = alice.entity.position.clone()
  alice.physicsEnabled = false
  const teleported = waitForEvent(alice, 'forcedMove', 5000)
  alice._client.write('position', { x: start.x + 5, y: start.y, z: start.z + 5, flags: { onGround: true, hasHorizontalCollision: false } })
  await teleported
  assert.ok(alice.entity.position.distanceTo(start) < 0.01, `teleported back to ${start.toString()}, is at ${alice.entity.position.toString()}`)
  alice.physicsEnabled = true

  // Chat and world commands are not forwarded; she is reminded instead.
  const bobHeard = heard.get(bob)!
  await answer(alice, /\/register/, () => { alice.chat('hello from the limbo') })
  await answer(alice, /\/register/, () => { alice.chat('/list') })
  await answer(alice, /differ/, () => { alice.chat('/register alices-secret other-secret') })
  await answer(alice, /6 to 64 characters/, () => { alice.chat('/register abc abc') })
  await answer(alice, /Log in first/, () => { alice.chat('/changepassword a b') })

  await answer(alice, /Account created/, () => { alice.chat('/register alices-secret alices-secret') })
  await answer(bob, /after registering/, () => { alice.chat('after registering') })
  await answer(alice, /^(?=.*Alice)(?=.*Bob)/, () => { alice.chat('/list') })
  assert.ok(!bobHeard.some((line) => line.includes('hello from the limbo')), `Bob heard the limbo: ${bobHeard.join(' | ')}`)
  assert.ok(!bobHeard.some((line) => line.includes('secret')), 'no password reached another player')
})

test('offline accounts: a rejoin asks for /login; five wrong passwords lock the account, the right one works after the lockout', async () => {
  await quitBot(alice)
  alice = await join('Alice')
  await waitUntil('Alice is asked to /login', () => heard.get(alice)!.some((line) => /type \/login <password>/i.test(line)), 5000)
  for (let attempt = 1; attempt <= 4; attempt++) {
    await answer(alice, /Wrong password/, () => { alice.chat(`/login wrong-${attempt}`) })
  }
  const locked = await answer(alice, /locked/, () => { alice.chat('/login wrong-5') })
  assert.match(locked, /Too many wrong passwords: this account is locked for [12] seconds?/)
  // The right password is refused while the lock lasts.
  await answer(alice, /locked/, () => { alice.chat('/login alices-secret') })
  const lockedAt = Date.now()
  // Poll until the lock expires (bounded): each try is answered before the next.
  let loggedIn = false
  while (!loggedIn) {
    assert.ok(Date.now() - lockedAt < 10_000, 'the lockout of 2 s ended within 10 s')
    const reply = await answer(alice, /Logged in|locked/, () => { alice.chat('/login alices-secret') })
    loggedIn = reply.includes('Logged in')
    if (!loggedIn) await new Promise((resolve) => setTimeout(resolve, 250))
  }
  await answer(alice, /Password changed/, () => { alice.chat('/changepassword alices-secret alices-new-secret') })
  await answer(alice, /already logged in/, () => { alice.chat('/login alices-new-secret') })
})

test('one session per account across two gateways: the second login kicks the first with a readable message', async () => {
  const uuid = alice.player.uuid as PlayerId
  const firstSession = server.system.gateway.context.players.connection(uuid)?.sessionId
  assert.ok(firstSession !== undefined)
  const kicked = waitForEvent<[unknown]>(alice, 'kicked', 10_000)
  const other = await join('Alice', secondPort)
  const [reason] = await kicked
  assert.match(reasonText(reason), /You logged in from another location/)
  await answer(other, /Logged in/, () => { other.chat('/login alices-new-secret') })
  const secondSession = second.context.players.connection(uuid)?.sessionId
  assert.ok(secondSession !== undefined && secondSession !== firstSession)
  await waitUntil('gateway 1 let go of Alice', () => server.system.gateway.context.players.connection(uuid) === undefined, 5000)
  assert.equal(await renewed('gateway-1', [firstSession]), 0, 'the first session is gone at auth-service')
  assert.equal(await renewed('gateway-2', [secondSession]), 1, 'the second session is the one live session')
  alice = other
})

test('a ban through the admin API kicks the online player within one second', async (t) => {
  const carol = await join('Carol')
  // Measure the ban path, not the initial chunk stream queued ahead of the kick.
  await Promise.race([carol.waitForChunksToLoad(), new Promise((_resolve, reject) => { setTimeout(() => { reject(new Error('chunks did not load in 10 s')) }, 10_000).unref() })])
  const kicked = waitForEvent<[unknown]>(carol, 'kicked', 5000)
  const started = performance.now()
  const response = await admin('POST', '/v1/bans', { kind: 'name', value: 'Carol', reason: 'griefing the spawn' })
  assert.equal(response.status, 201)
  const answered = performance.now() - started
  const [reason] = await kicked
  const elapsed = performance.now() - started
  t.diagnostic(`ban answered after ${answered.toFixed(0)} ms; player kicked ${elapsed.toFixed(0)} ms after the request was sent`)
  assert.ok(elapsed < 1000, `kicked ${elapsed.toFixed(0)} ms after the ban request`)
  assert.match(reasonText(reason), /banned/i)
  assert.match(reasonText(reason), /griefing the spawn/)
  await assert.rejects(joinBot({ port: server.port, username: 'Carol' }, 10_000), /banned/i)
})

test('an op granted while online is announced (rejoin to use it); an op removed disconnects the player', async () => {
  await answer(bob, /now an operator/, () => { void admin('PUT', '/v1/ops/Bob') })
  const kicked = waitForEvent<[unknown]>(bob, 'kicked', 5000)
  await admin('DELETE', '/v1/ops/Bob')
  const [reason] = await kicked
  assert.match(reasonText(reason), /operator status was removed/)
})

test('a player who does not log in is disconnected after the limbo timeout with a clear message', async () => {
  const dave = await join('Dave', secondPort)
  const joinedAt = performance.now()
  // A password typed without its command, and a login for a name that has no account.
  await answer(dave, /\/register/, () => { dave.chat('daves-password-in-chat') })
  await answer(dave, /not registered/, () => { dave.chat('/login daves-password-in-command') })
  const [reason] = await waitForEvent<[unknown]>(dave, 'kicked', (LIMBO_TIMEOUT_S + 5) * 1000)
  const waited = performance.now() - joinedAt
  assert.match(reasonText(reason), new RegExp(`did not log in within ${LIMBO_TIMEOUT_S} seconds`))
  assert.ok(waited > (LIMBO_TIMEOUT_S - 1) * 1000, `kicked after ${waited.toFixed(0)} ms`)
})

test('no password reached the world-node or the log (gateway 2 at trace level)', () => {
  assert.ok(secondLog.some((line) => line.includes('account command refused')) && secondToWorld.length > 0, 'the account commands\' path was captured')
  for (const password of ['alices-new-secret', 'daves-password']) {
    assert.ok(!secondLog.some((line) => line.includes(password)), `${password} was logged`)
    assert.ok(!secondToWorld.some((line) => line.includes(password)), `${password} was sent to the world-node`)
  }
})
