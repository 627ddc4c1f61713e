import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { WorldCommand, WorldFact, type ChunkData } from '../world-messages.ts'
import {
  DEFAULT_MAX_FRAME_BYTES, FrameDecoder, FrameError, MESSAGE_FORMAT, decodeMessage, encodeFrame, encodeMessage,
  encodeMessageFrame, isGatewayToNode, isNodeToGateway
} from './frame-codec.ts'
import { patternBytes, sampleColumn, sampleCommands, sampleFacts } from './world-message-samples.ts'

/** Feeds frames to a decoder in the given chunk sizes (cycled) and returns the decoded messages. */
function decodeStream (bytes: Buffer, chunkSizes: readonly number[], maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): unknown[] {
  const decoder = new FrameDecoder({ maxFrameBytes })
  const out: unknown[] = []
  let offset = 0
  let i = 0
  while (offset < bytes.length) {
    const size = chunkSizes[i++ % chunkSizes.length]!
    decoder.push(bytes.subarray(offset, offset + size), (payload) => { out.push(decodeMessage(payload)) })
    offset += size
  }
  assert.equal(decoder.pendingBytes, 0)
  return out
}

function expectFrameError (code: string, run: () => unknown): FrameError {
  let caught: unknown
  try {
    run()
  } catch (err) {
    caught = err
  }
  assert.ok(caught instanceof FrameError, `expected FrameError ${code}, got ${String(caught)}`)
  assert.equal(caught.code, code)
  return caught
}

void describe('message codec', () => {
  void test('the samples cover every command and every fact', () => {
    assert.deepEqual(new Set(sampleCommands().map((m) => m.type)), new Set(Object.values(WorldCommand)))
    assert.deepEqual(new Set(sampleFacts().map((m) => m.type)), new Set(Object.values(WorldFact)))
  })

  void test('every gateway→node command round-trips', () => {
    for (const message of sampleCommands()) {
      const decoded = decodeMessage(encodeMessage(message))
      assert.deepStrictEqual(decoded, message, message.type)
      assert.ok(isGatewayToNode(decoded))
      assert.ok(!isNodeToGateway(decoded))
    }
  })

  void test('every node→gateway fact round-trips, chunk blobs included', () => {
    for (const message of sampleFacts()) {
      const decoded = decodeMessage(encodeMessage(message))
      assert.deepStrictEqual(decoded, message, message.type)
      assert.ok(isNodeToGateway(decoded))
      assert.ok(!isGatewayToNode(decoded))
    }
  })

  void test('a 2.5 MiB chunk travels as raw bytes and survives any split of the stream', () => {
    const sections = 2.5 * 1024 * 1024
    const message: ChunkData = { ...(sampleFacts()[3] as ChunkData), column: sampleColumn(sections) }
    const frame = encodeMessageFrame(message)
    const lightBytes = 27 * 2048
    assert.ok(frame.length < sections + lightBytes + 8 * 1024, `frame of ${frame.length} bytes carries the chunk raw`)
    const stream = Buffer.concat([encodeMessageFrame(sampleCommands()[0]!), frame, encodeMessageFrame(sampleFacts()[4]!)])
    for (const sizes of [[stream.length], [65_536], [1, 2, 3, 4, 5, 7, 4096, 1_000_003], [17, 65_521]]) {
      const [first, chunk, last] = decodeStream(stream, sizes)
      assert.deepStrictEqual(first, sampleCommands()[0])
      assert.deepStrictEqual(chunk, message)
      assert.deepStrictEqual(last, sampleFacts()[4])
    }
  })

  void test('small frames decode when fed one byte at a time', () => {
    const messages = [...sampleCommands(), ...sampleFacts(100)]
    const stream = Buffer.concat(messages.map((m) => encodeMessageFrame(m)))
    assert.deepStrictEqual(decodeStream(stream, [1]), messages)
  })

  void test('Buffer fields decode as plain Uint8Arrays with the same bytes', () => {
    const column = { ...sampleColumn(10), sections: Buffer.from([1, 2, 3]) }
    const decoded = decodeMessage(encodeMessage({ type: WorldFact.ChunkData, playerId: 'p', column })) as unknown as ChunkData
    assert.equal(Object.getPrototypeOf(decoded.column.sections), Uint8Array.prototype)
    assert.deepEqual([...decoded.column.sections], [1, 2, 3])
  })

  void test('a message above the frame maximum is refused by the encoder', () => {
    const error = expectFrameError('FRAME_TOO_LARGE', () => encodeMessageFrame({ type: WorldFact.ChunkData, column: sampleColumn(2048) }, 1024))
    assert.match(error.message, /ChunkData of \d+ bytes exceeds the 1024-byte frame maximum/)
  })
})

void describe('frame decoder', () => {
  void test('an oversize length prefix is refused before any payload is buffered', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 1024 })
    const header = Buffer.alloc(4)
    header.writeUInt32BE(1025)
    const error = expectFrameError('FRAME_TOO_LARGE', () => { decoder.push(header, () => {}) })
    assert.match(error.message, /frame of 1025 bytes exceeds the 1024-byte maximum/)
    assert.throws(() => { decoder.push(Buffer.from([1]), () => {}) }, error, 'a failed decoder stays failed')
  })

  void test('the default maximum is 64 MiB and frames just below it pass the length check', () => {
    assert.equal(DEFAULT_MAX_FRAME_BYTES, 64 * 1024 * 1024)
    const decoder = new FrameDecoder()
    const header = Buffer.alloc(4)
    header.writeUInt32BE(DEFAULT_MAX_FRAME_BYTES)
    decoder.push(header, () => { assert.fail('no payload yet') })
    assert.equal(decoder.pendingBytes, 4)
  })

  void test('an empty frame is refused', () => {
    expectFrameError('FRAME_EMPTY', () => { new FrameDecoder().push(Buffer.alloc(4), () => {}) })
    expectFrameError('FRAME_EMPTY', () => encodeFrame(new Uint8Array(0)))
  })

  void test('raw frames round-trip and the maximum can be raised between frames', () => {
    const decoder = new FrameDecoder({ maxFrameBytes: 8 })
    const payloads: number[][] = []
    const stream = Buffer.concat([encodeFrame(Uint8Array.of(1, 2)), encodeFrame(patternBytes(100))])
    decoder.push(stream, (payload) => {
      payloads.push([...payload])
      decoder.maxFrameBytes = 1000
    })
    assert.deepEqual(payloads, [[1, 2], [...patternBytes(100)]])
  })
})

void describe('malformed message payloads', () => {
  const good = encodeMessage(sampleFacts(64)[3]!)
  const header = (json: string, blobs: Uint8Array[] = [], trailing = 0): Buffer => {
    const text = Buffer.from(json)
    const parts = [Buffer.from([MESSAGE_FORMAT]), u32(text.length), text, u32(blobs.length)]
    for (const blob of blobs) parts.push(u32(blob.length), Buffer.from(blob))
    parts.push(Buffer.alloc(trailing))
    return Buffer.concat(parts)
  }

  void test('a wrong format byte', () => {
    const bad = Buffer.from(good)
    bad[0] = 9
    assert.match(expectFrameError('FRAME_MALFORMED', () => decodeMessage(bad)).message, /unknown message format 9/)
  })

  void test('a truncated payload', () => {
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(good.subarray(0, 4)))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(good.subarray(0, good.length - 1)))
  })

  void test('trailing bytes', () => {
    assert.match(expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"type":"x"},[]]', [], 3))).message, /3 trailing bytes/)
  })

  void test('a header that is not JSON or not [message, paths]', () => {
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('{not json')))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('{"type":"x"}')))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[null,[]]')))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[[1],[]]')))
  })

  void test('a header length that overruns the payload', () => {
    const bad = Buffer.from(good)
    bad.writeUInt32BE(good.length, 1)
    assert.match(expectFrameError('FRAME_MALFORMED', () => decodeMessage(bad)).message, /overruns/)
  })

  void test('blob paths that do not lead to a placeholder', () => {
    const blob = [Uint8Array.of(1)]
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"a":0},[["b"]]]', blob)))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"a":5},[["a"]]]', blob)))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"a":[0]},[["a",1]]]', blob)))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"a":0},[[]]]', blob)))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"a":0},["a"]]', blob)))
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"a":0},[["a"]]]')))
  })

  void test('a __proto__ blob path cannot touch prototypes', () => {
    expectFrameError('FRAME_MALFORMED', () => decodeMessage(header('[{"__proto__":0},[["__proto__"]]]', [Uint8Array.of(1)])))
    assert.equal(Object.getPrototypeOf({}), Object.prototype)
  })
})

function u32 (value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}
