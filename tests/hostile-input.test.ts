/**
 * Hostile bytes close only the connection that sent them, with a readable reason where the
 * protocol state allows one; the server and a player already in the world carry on.
 */
import assert from 'node:assert/strict'
import { createConnection, type Socket } from 'node:net'
import { after, before, test } from 'node:test'
import { deflateSync } from 'node:zlib'
import mc from 'minecraft-protocol'
import type { Bot } from 'mineflayer'
import { joinBot, quitBot } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitForEvent } from './harness/wait.ts'

const VERSION = '1.21.4'
const PROTOCOL = 769
let server: TestServer
let player: Bot
let playerEnded = false

function varint (value: number): Buffer {
  const bytes: number[] = []
  let v = value >>> 0
  while (v >= 0x80) { bytes.push((v & 0x7f) | 0x80); v >>>= 7 }
  bytes.push(v)
  return Buffer.from(bytes)
}

function framed (body: Buffer): Buffer {
  return Buffer.concat([varint(body.length), body])
}

function packet (state: 'handshaking' | 'login', name: string, params: unknown): Buffer {
  return (mc.createSerializer({ state, isServer: false, version: VERSION } as never) as unknown as { createPacketBuffer (p: unknown): Buffer }).createPacketBuffer({ name, params })
}

const handshake = (nextState: number): Buffer => framed(packet('handshaking', 'set_protocol', { protocolVersion: PROTOCOL, serverHost: '127.0.0.1', serverPort: server.port, nextState }))

/** A raw socket that records what the server sends and when it closes. */
async function rawConnection (): Promise<{ socket: Socket, received: () => Buffer, closed: Promise<void> }> {
  const socket = createConnection({ host: '127.0.0.1', port: server.port })
  await waitForEvent(socket, 'connect', 5000)
  const chunks: Buffer[] = []
  socket.on('data', (data: Buffer) => chunks.push(data))
  socket.on('error', () => {})
  const closed = waitForEvent(socket, 'close', 5000).then(() => {})
  return { socket, received: () => Buffer.concat(chunks), closed }
}

/** The reason of a login-state Disconnect packet at the start of `bytes`, if there is one. */
function loginDisconnectReason (bytes: Buffer): string | undefined {
  if (bytes.length === 0) return undefined
  const parser = mc.createDeserializer({ state: 'login', isServer: false, version: VERSION } as never) as unknown as { parsePacketBuffer (b: Buffer): { data: { name: string, params: { reason: string } } } }
  let length = 0
  let shift = 0
  let offset = 0
  for (;;) {
    const byte = bytes[offset++]!
    length |= (byte & 0x7f) << shift
    shift += 7
    if ((byte & 0x80) === 0) break
  }
  const parsed = parser.parsePacketBuffer(bytes.subarray(offset, offset + length))
  return parsed.data.name === 'disconnect' ? parsed.data.params.reason : undefined
}

before(async () => {
  server = await startTestServer()
  player = await joinBot({ port: server.port, username: 'Bystander' })
  player.once('end', () => { playerEnded = true })
})

after(async () => {
  if (player !== undefined && !playerEnded) await quitBot(player)
  await server?.stop()
})

async function assertServerStillServes (): Promise<void> {
  assert.equal(playerEnded, false, 'the player already in the world stays connected')
  const echoed = waitForEvent<[string]>(player, 'messagestr', 5000, (text) => text.includes('still here'))
  player.chat('still here')
  await echoed
}

test('garbage bytes close only that connection', async () => {
  const raw = await rawConnection()
  raw.socket.write(Buffer.from([0x07, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0x99, 0x42]))
  await raw.closed
  await assertServerStillServes()
})

test('a negative frame length (a 5-byte VarInt) is refused', async () => {
  const raw = await rawConnection()
  raw.socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]))
  await raw.closed
  await assertServerStillServes()
})

test('an oversized frame length is refused before any of it is buffered', async () => {
  const raw = await rawConnection()
  raw.socket.write(Buffer.from([0x80, 0x80, 0x80, 0x04]))
  await raw.closed
  await assertServerStillServes()
})

test('a packet in the wrong state is refused with a readable reason', async () => {
  const raw = await rawConnection()
  raw.socket.write(handshake(2))
  raw.socket.write(framed(packet('login', 'login_acknowledged', {})))
  await raw.closed
  assert.match(loginDisconnectReason(raw.received()) ?? '', /not allowed|not logged in/i)
  await assertServerStillServes()
})

test('a compression bomb is refused without inflating it', async () => {
  for (const declared of [1000, 100 * 1024 * 1024]) {
    const raw = await rawConnection()
    raw.socket.write(handshake(2))
    raw.socket.write(framed(packet('login', 'login_start', { username: 'Bomber', playerUUID: '00000000-0000-0000-0000-000000000000' })))
    await waitForEvent(raw.socket, 'data', 5000)
    const bomb = deflateSync(Buffer.alloc(32 * 1024 * 1024))
    raw.socket.write(framed(Buffer.concat([varint(declared), bomb])))
    await raw.closed
  }
  await assertServerStillServes()
})

test('an invalid username is refused with a readable reason', async () => {
  const raw = await rawConnection()
  raw.socket.write(handshake(2))
  raw.socket.write(framed(packet('login', 'login_start', { username: 'no spaces!', playerUUID: '00000000-0000-0000-0000-000000000000' })))
  await raw.closed
  assert.match(loginDisconnectReason(raw.received()) ?? '', /Invalid username/)
  await assertServerStillServes()
})

test('a client flooding packets is disconnected alone; the world keeps serving everyone else', async () => {
  const flooder = await joinBot({ port: server.port, username: 'Flooder' })
  const kicked = waitForEvent<[unknown]>(flooder, 'kicked', 10_000)
  const position = flooder.entity.position
  for (let i = 0; i < 12_000; i++) {
    flooder._client.write('position', { x: position.x, y: position.y, z: position.z, flags: { onGround: true, hasHorizontalCollision: false } })
  }
  const [reason] = await kicked
  assert.match(JSON.stringify(reason), /too fast/)
  await assertServerStillServes()
})
