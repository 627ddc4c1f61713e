import assert from 'node:assert/strict'
import { createHmac, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { Writable } from 'node:stream'
import { after, describe, test } from 'node:test'
import { hasCode } from '../errors.ts'
import { createLogger } from '../logger.ts'
import { WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway } from '../world-messages.ts'
import { FrameDecoder, encodeFrame, encodeMessageFrame, isGatewayToNode, isNodeToGateway } from './frame-codec.ts'
import { connectLink, listenLinks, type ConnectLinkOptions, type LinkListener, type ListenLinksOptions, type TcpLink } from './tcp-link.ts'
import { sampleColumn, sampleCommands, sampleFacts } from './world-message-samples.ts'

const SECRET = 'test-cluster-secret-0123456789'
const HOST = '127.0.0.1'

/** Rejects when the promise does not settle in time: every wait in these tests is bounded. */
async function within<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => { timer = setTimeout(() => { reject(new Error(`timed out after ${ms} ms waiting for ${what}`)) }, ms) })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Log lines captured from a pino logger. */
function captureLog (): { log: ReturnType<typeof createLogger>, lines: () => Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = []
  const destination = new Writable({
    write (chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString().split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
      callback()
    }
  })
  return { log: createLogger('cluster:link', { level: 'debug', destination }), lines: () => lines }
}

type NodeEnd = TcpLink<NodeToGateway, GatewayToNode>
type GatewayEnd = TcpLink<GatewayToNode, NodeToGateway>

type NodeOptions = Partial<Pick<ListenLinksOptions<GatewayToNode>, 'secret' | 'maxFrameBytes' | 'maxQueuedBytes' | 'handshakeTimeoutMs' | 'idleTimeoutMs' | 'log'>>
type GatewayOptions = Partial<Pick<ConnectLinkOptions<NodeToGateway>, 'secret' | 'identity' | 'maxFrameBytes' | 'idleTimeoutMs' | 'handshakeTimeoutMs'>>

/** A world-node style listener that queues every accepted link. */
async function startNode (options: NodeOptions = {}): Promise<{ listener: LinkListener, nextLink: () => Promise<NodeEnd> }> {
  const accepted: NodeEnd[] = []
  const waiters: Array<(link: NodeEnd) => void> = []
  const listener = await listenLinks<NodeToGateway, GatewayToNode>({
    host: HOST,
    secret: SECRET,
    identity: 'world-node:node-1',
    isMessage: isGatewayToNode,
    ...options
  }, (link) => {
    const waiter = waiters.shift()
    if (waiter === undefined) accepted.push(link)
    else waiter(link)
  })
  listeners.push(listener)
  return {
    listener,
    nextLink: async () => await within(new Promise<NodeEnd>((resolve) => {
      const ready = accepted.shift()
      if (ready === undefined) waiters.push(resolve)
      else resolve(ready)
    }), 5000, 'an accepted link')
  }
}

async function connectGateway (port: number, options: GatewayOptions = {}): Promise<GatewayEnd> {
  return await within(connectLink<GatewayToNode, NodeToGateway>({
    host: HOST,
    port,
    secret: SECRET,
    identity: 'gateway:gw-1',
    isMessage: isNodeToGateway,
    ...options
  }), 5000, 'connectLink')
}

/** Collects messages until `count` arrived. */
function collect<T> (link: { onMessage: (handler: (message: T) => void) => void }, count: number, what: string): Promise<T[]> {
  const received: T[] = []
  return within(new Promise<T[]>((resolve) => {
    link.onMessage((message) => {
      received.push(message)
      if (received.length === count) resolve(received)
    })
  }), 10_000, what)
}

function closeReason (link: { onClose: (handler: (reason: string) => void) => void }, what: string): Promise<string> {
  return within(new Promise<string>((resolve) => { link.onClose(resolve) }), 5000, what)
}

/** A raw client that performs the documented handshake by hand, to send arbitrary bytes after it. */
async function rawAuthenticatedSocket (port: number, secret = SECRET): Promise<Socket> {
  const socket = connect({ port, host: HOST })
  const decoder = new FrameDecoder({ maxFrameBytes: 1024 })
  const frames: Buffer[] = []
  const next = async (): Promise<Buffer> => {
    while (frames.length === 0) {
      const [chunk] = await within(once(socket, 'data'), 5000, 'a handshake frame') as [Buffer]
      decoder.push(chunk, (payload) => { frames.push(Buffer.from(payload)) })
    }
    return frames.shift()!
  }
  const challenge = await next()
  assert.equal(challenge[0], 0xa1)
  assert.equal(challenge[1], 1)
  const serverNonce = challenge.subarray(2)
  const clientNonce = randomBytes(32)
  const identity = Buffer.from('gateway:raw')
  const mac = createHmac('sha256', secret).update('tessera-link-v1/client').update(serverNonce).update(clientNonce).update(identity).digest()
  socket.write(encodeFrame(Buffer.concat([Uint8Array.of(0xa2), clientNonce, mac, identity])))
  const proof = await next()
  assert.equal(proof[0], 0xa3, 'the server proves itself')
  const serverIdentity = proof.subarray(33)
  const expected = createHmac('sha256', secret).update('tessera-link-v1/server').update(serverNonce).update(clientNonce)
    .update(Uint8Array.of(identity.length)).update(identity).update(serverIdentity).digest()
  assert.deepEqual(proof.subarray(1, 33), expected)
  assert.equal(serverIdentity.toString(), 'world-node:node-1')
  return socket
}

const listeners: LinkListener[] = []
after(async () => { await Promise.all(listeners.map(async (l) => { await l.close() })) })

void describe('TCP link', () => {
  void test('messages flow both ways, in order, after mutual authentication', async () => {
    const node = await startNode()
    const gateway = await connectGateway(node.listener.port)
    const nodeEnd = await node.nextLink()
    assert.equal(nodeEnd.peerIdentity, 'gateway:gw-1')
    assert.equal(gateway.peerIdentity, 'world-node:node-1')

    const commands = Array.from({ length: 500 }, (_, i) => sampleCommands()[i % sampleCommands().length]!)
    const facts = Array.from({ length: 200 }, (_, i) => sampleFacts(i === 100 ? 2.5 * 1024 * 1024 : 4096)[i % sampleFacts().length]!)
    const atNode = collect(nodeEnd, commands.length, 'commands at the node')
    const atGateway = collect(gateway, facts.length, 'facts at the gateway')
    for (const command of commands) gateway.send(command)
    for (const fact of facts) nodeEnd.send(fact)
    assert.deepStrictEqual(await atNode, commands)
    assert.deepStrictEqual(await atGateway, facts)
    gateway.close('test done')
  })

  void test('messages sent right after the handshake reach a handler registered later', async () => {
    const node = await startNode()
    const pending = connectGateway(node.listener.port)
    const nodeEnd = await node.nextLink()
    nodeEnd.send({ type: WorldFact.Welcome, nodeId: 'node-1', version: '1.21.4', seed: 's', minY: -64, worldHeight: 384, viewDistance: 8, regionSize: 16 })
    nodeEnd.send({ type: WorldFact.TimeUpdated, worldAge: 1, timeOfDay: 2 })
    const gateway = await pending
    const received = await collect(gateway, 2, 'early messages')
    assert.deepEqual(received.map((m) => m.type), [WorldFact.Welcome, WorldFact.TimeUpdated])
    gateway.close('test done')
  })

  void test('a wrong secret is refused, logged once, and never reaches onLink', async () => {
    const { log, lines } = captureLog()
    const node = await startNode({ log })
    await assert.rejects(connectGateway(node.listener.port, { secret: 'not-the-cluster-secret!!' }), (err) => hasCode(err, 'WN_LINK_REFUSED'))
    const good = await connectGateway(node.listener.port)
    const accepted = await node.nextLink()
    assert.equal(accepted.peerIdentity, 'gateway:gw-1', 'the first link onLink saw is the good one')
    const refusals = lines().filter((l) => l.msg === 'internal link refused')
    assert.equal(refusals.length, 1)
    assert.match(String(refusals[0]!.reason), /authentication failed for "gateway:gw-1"/)
    good.close('test done')
  })

  void test('a server without the secret cannot pass itself off as a world-node', async () => {
    const impostor = await startNode({ secret: 'impostor-secret-0123456789' })
    await assert.rejects(connectGateway(impostor.listener.port), (err) => hasCode(err, 'WN_LINK_REFUSED'))
  })

  void test('garbage bytes close only that connection; the listener keeps serving', async () => {
    const { log, lines } = captureLog()
    const node = await startNode({ log })
    const before = await connectGateway(node.listener.port)
    const beforeEnd = await node.nextLink()
    const garbage = connect({ port: node.listener.port, host: HOST })
    const garbageClosed = within(once(garbage, 'close'), 5000, 'the garbage socket to close')
    garbage.write('GET / HTTP/1.1\r\nHost: example\r\n\r\n')
    garbage.resume()
    await garbageClosed
    assert.equal(lines().filter((l) => l.msg === 'internal link refused').length, 1)
    assert.match(String(lines().find((l) => l.msg === 'internal link refused')?.reason), /exceeds the 1024-byte maximum/)

    const after = await connectGateway(node.listener.port)
    await node.nextLink()
    const echoed = collect(beforeEnd, 1, 'a command on the older link')
    before.send(sampleCommands()[0]!)
    assert.equal((await echoed)[0]!.type, WorldCommand.Hello)
    before.close('test done')
    after.close('test done')
  })

  void test('an oversized frame closes that link with a reason; other links keep working', async () => {
    const node = await startNode({ maxFrameBytes: 1024 * 1024 })
    const big = await connectGateway(node.listener.port, { identity: 'gateway:big', maxFrameBytes: 8 * 1024 * 1024 })
    const bigEnd = await node.nextLink()
    const other = await connectGateway(node.listener.port, { identity: 'gateway:other' })
    const otherEnd = await node.nextLink()
    const gatewaySaw = closeReason(big, 'the oversize link to close at the gateway')
    const nodeSaw = closeReason(bigEnd, 'the oversize link to close at the node')
    big.send({ type: WorldCommand.SendChat, playerId: 'p' as never, text: 'x'.repeat(2 * 1024 * 1024) })
    assert.match(await nodeSaw, /frame of \d+ bytes exceeds the 1048576-byte maximum/)
    assert.match(await gatewaySaw, /exceeds the 1048576-byte maximum/)
    assert.ok(big.closed && bigEnd.closed)
    const received = collect(otherEnd, 1, 'a command on the other link')
    other.send(sampleCommands()[2]!)
    assert.deepStrictEqual(await received, [sampleCommands()[2]])
    other.close('test done')
  })

  void test('a malformed message or an unknown message type after the handshake closes the link', async () => {
    const node = await startNode()
    for (const payload of [Buffer.from([1, 0, 0, 0, 99, 0, 0, 0, 0, 0]), encodeMessageFrame({ type: 'LaunchMissiles' }).subarray(4)]) {
      const raw = await rawAuthenticatedSocket(node.listener.port)
      const nodeEnd = await node.nextLink()
      const reason = closeReason(nodeEnd, 'the malformed link to close')
      const closed = within(once(raw, 'close'), 5000, 'the raw socket to close')
      raw.resume()
      raw.write(encodeFrame(payload))
      assert.match(await reason, /overruns|unexpected message type "LaunchMissiles"/)
      await closed
    }
  })

  void test('a connection that never answers the challenge is dropped after the handshake timeout', async () => {
    const { log, lines } = captureLog()
    const node = await startNode({ handshakeTimeoutMs: 200, log })
    const silent = connect({ port: node.listener.port, host: HOST })
    silent.resume()
    await within(once(silent, 'close'), 5000, 'the silent socket to be dropped')
    const refusals = lines().filter((l) => l.msg === 'internal link refused')
    assert.equal(refusals.length, 1)
    assert.match(String(refusals[0]!.reason), /handshake timed out after 200 ms/)
  })

  void test('close propagates to both ends with its reason', async () => {
    const node = await startNode()
    const gateway = await connectGateway(node.listener.port)
    const nodeEnd = await node.nextLink()
    const seenByNode = closeReason(nodeEnd, 'the node end to close')
    const seenByGateway = closeReason(gateway, 'the gateway end to close')
    const delivered = collect(nodeEnd, 3, 'messages sent before close')
    for (const command of sampleCommands().slice(0, 3)) gateway.send(command)
    gateway.close('gateway shutting down')
    assert.deepStrictEqual(await delivered, sampleCommands().slice(0, 3), 'messages sent before close are delivered')
    assert.equal(await seenByNode, 'gateway shutting down')
    assert.equal(await seenByGateway, 'gateway shutting down')
    assert.ok(nodeEnd.closed && gateway.closed)

    const second = await connectGateway(node.listener.port)
    const secondEnd = await node.nextLink()
    const gatewaySaw = closeReason(second, 'the gateway to see the node close')
    secondEnd.close('node draining')
    assert.equal(await gatewaySaw, 'node draining')
    gateway.send(sampleCommands()[0]!)
  })

  void test('a dropped connection closes the link as lost', async () => {
    const node = await startNode()
    const raw = await rawAuthenticatedSocket(node.listener.port)
    const nodeEnd = await node.nextLink()
    const reason = closeReason(nodeEnd, 'the node to notice the lost connection')
    raw.destroy()
    assert.match(await reason, /^connection lost/)
  })

  void test('a silent peer is dropped as dead while an idle healthy link stays open', async () => {
    const node = await startNode({ idleTimeoutMs: 300 })
    const healthy = await connectGateway(node.listener.port, { idleTimeoutMs: 300 })
    const healthyEnd = await node.nextLink()
    const raw = await rawAuthenticatedSocket(node.listener.port)
    raw.resume()
    const silentEnd = await node.nextLink()
    assert.match(await closeReason(silentEnd, 'the silent peer to be dropped'), /peer silent for more than 300 ms/)
    assert.ok(!healthy.closed && !healthyEnd.closed, 'pings kept the idle link open')
    const received = collect(healthyEnd, 1, 'a command on the idle link')
    healthy.send(sampleCommands()[0]!)
    assert.equal((await received).length, 1)
    healthy.close('test done')
    raw.destroy()
  })

  void test('connecting where nobody listens rejects with the cause', async () => {
    const node = await startNode()
    const port = node.listener.port
    await node.listener.close()
    await assert.rejects(connectGateway(port), /link to 127\.0\.0\.1:\d+ failed: connection lost: connect ECONNREFUSED/)
  })

  void test('closing the listener closes its links', async () => {
    const node = await startNode()
    const gateway = await connectGateway(node.listener.port)
    await node.nextLink()
    const reason = closeReason(gateway, 'the gateway to see the listener close')
    await within(node.listener.close('node stopping'), 5000, 'the listener to close')
    assert.equal(await reason, 'node stopping')
  })
})

void describe('TCP link backpressure', () => {
  void test('a fast sender to a reading peer delivers everything through the bounded queue', async () => {
    const node = await startNode()
    const gateway = await connectGateway(node.listener.port)
    const nodeEnd = await node.nextLink()
    const chunk = { type: WorldFact.ChunkData, playerId: 'p' as never, column: sampleColumn(1024 * 1024) } satisfies NodeToGateway
    const received = collect(gateway, 48, '48 MiB of chunks')
    for (let i = 0; i < 48; i++) nodeEnd.send({ ...chunk, column: { ...chunk.column, revision: i } })
    assert.ok(nodeEnd.bufferedBytes > 16 * 1024 * 1024, 'the sender outran the socket')
    const revisions = (await received).map((m) => m.type === WorldFact.ChunkData ? m.column.revision : -1)
    assert.deepEqual(revisions, Array.from({ length: 48 }, (_, i) => i))
    gateway.close('test done')
  })

  void test('a peer that stops reading is disconnected once the bound is passed', async () => {
    const { log, lines } = captureLog()
    const node = await startNode({ maxFrameBytes: 1024 * 1024, maxQueuedBytes: 4 * 1024 * 1024, log })
    const raw = await rawAuthenticatedSocket(node.listener.port)
    raw.pause()
    const nodeEnd = await node.nextLink()
    const reason = closeReason(nodeEnd, 'the slow peer to be cut off')
    const chunk = { type: WorldFact.ChunkData, playerId: 'p' as never, column: sampleColumn(256 * 1024) } satisfies NodeToGateway
    for (let turn = 0; turn < 2000 && !nodeEnd.closed; turn++) {
      nodeEnd.send(chunk)
      await new Promise((resolve) => { setImmediate(resolve) })
    }
    assert.match(await reason, /peer cannot keep up: \d+ bytes unsent, limit 4194304/)
    assert.equal(lines().filter((l) => l.msg === 'internal link closed' && l.level === 40).length, 1)
    raw.destroy()
  })
})
