import assert from 'node:assert/strict'
import { createCipheriv, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { test } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { frame } from './compression.ts'
import { MAX_OUTBOUND_BUFFER, ProtocolConnection } from './protocol-connection.ts'

/** The parts of a socket ProtocolConnection uses, recording every write. */
class FakeSocket extends EventEmitter {
  readonly writes: Buffer[] = []
  remoteAddress = '127.0.0.1'
  destroyed = false
  writable = true
  ended = false
  writableLength = 0
  setNoDelay (): this { return this }
  write (data: Buffer): boolean { this.writes.push(Buffer.from(data)); return true }
  end (): this { this.ended = true; this.writable = false; return this }
  destroy (): this { this.destroyed = true; this.writable = false; return this }
}

function connect (): { socket: FakeSocket, connection: ProtocolConnection, failures: Error[] } {
  const socket = new FakeSocket()
  const failures: Error[] = []
  const connection = new ProtocolConnection(socket as unknown as Socket, '1.21.4', {
    packet () {},
    failure (error) { failures.push(error) },
    close () {}
  })
  return { socket, connection, failures }
}

const frames = [Buffer.from([1, 2, 3]), Buffer.from([4]), randomBytes(300)].map((body) => frame(body))

test('frames written in one event-loop turn leave in one socket write, in order', async () => {
  const { socket, connection } = connect()
  for (const f of frames) connection.writeFrame(f)
  assert.equal(socket.writes.length, 0)
  await nextTurn()
  assert.equal(socket.writes.length, 1)
  assert.deepEqual(socket.writes[0], Buffer.concat(frames))
  assert.equal(connection.bytesOut, Buffer.concat(frames).length)
  connection.writeFrame(frames[0]!)
  await nextTurn()
  assert.equal(socket.writes.length, 2)
})

test('with encryption the concatenation is ciphered as one stream, and earlier frames stay plain', async () => {
  const { socket, connection } = connect()
  const secret = randomBytes(16)
  connection.writeFrame(frames[0]!) // e.g. the encryption request, before the client answered
  connection.enableEncryption(secret)
  connection.writeFrame(frames[1]!)
  connection.writeFrame(frames[2]!)
  await nextTurn()
  connection.writeFrame(frames[0]!)
  await nextTurn()
  const reference = createCipheriv('aes-128-cfb8', secret, secret)
  const expected = Buffer.concat([frames[0]!, reference.update(Buffer.concat([frames[1]!, frames[2]!, frames[0]!]))])
  assert.deepEqual(Buffer.concat(socket.writes), expected)
  assert.equal(socket.writes.length, 3)
})

test('end() and destroy() hand the queued frames to the socket first', () => {
  const ending = connect()
  ending.connection.writeFrame(frames[0]!)
  ending.connection.end()
  assert.deepEqual(ending.socket.writes, [frames[0]])
  assert.ok(ending.socket.ended)
  const destroying = connect()
  destroying.connection.writeFrame(frames[1]!)
  destroying.connection.destroy()
  assert.deepEqual(destroying.socket.writes, [frames[1]])
})

test('a client that does not read is failed once its queue passes the outbound limit', () => {
  const { socket, connection, failures } = connect()
  socket.writableLength = MAX_OUTBOUND_BUFFER - 100
  connection.writeFrame(frame(randomBytes(50)))
  assert.equal(failures.length, 0)
  connection.writeFrame(frame(randomBytes(100)))
  assert.equal(failures.length, 1)
})

test('nothing is written after the socket closed', async () => {
  const { socket, connection } = connect()
  connection.writeFrame(frames[0]!)
  socket.emit('close')
  connection.writeFrame(frames[1]!)
  await nextTurn()
  assert.equal(socket.writes.length, 0)
})
