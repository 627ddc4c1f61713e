import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { TesseraError } from '#shared/errors.ts'
import { frame } from './compression.ts'
import { FrameDecoder } from './frame-decoder.ts'

const bodies = [Buffer.from([1]), randomBytes(127), randomBytes(128), randomBytes(5000), Buffer.from([7, 7])]
const stream = Buffer.concat(bodies.map((body) => frame(body)))

test('frames come out whole and in order however the stream is cut', () => {
  for (const cut of [1, 2, 3, 7, 130, 4096, stream.length]) {
    const decoder = new FrameDecoder()
    const out: Buffer[] = []
    for (let offset = 0; offset < stream.length; offset += cut) {
      decoder.push(stream.subarray(offset, offset + cut), (body) => { out.push(Buffer.from(body)) })
    }
    assert.deepEqual(out, bodies, `cut every ${cut} bytes`)
    assert.equal(decoder.pending, 0)
  }
})

test('a partial frame is held back until the rest arrives', () => {
  const decoder = new FrameDecoder()
  const whole = frame(randomBytes(300))
  const out: Buffer[] = []
  decoder.push(whole.subarray(0, 100), (body) => { out.push(body) })
  assert.equal(out.length, 0)
  assert.equal(decoder.pending, 100)
  decoder.push(whole.subarray(100), (body) => { out.push(body) })
  assert.deepEqual(out, [whole.subarray(2)])
})

test('a length prefix longer than 3 bytes or of zero is refused', () => {
  const code = (bytes: number[]): string | undefined => {
    try {
      new FrameDecoder().push(Buffer.from(bytes), () => {})
    } catch (err) {
      return err instanceof TesseraError ? err.code : 'other'
    }
    return undefined
  }
  assert.equal(code([0x80, 0x80, 0x80, 0x01]), 'GW_FRAME_TOO_LONG')
  assert.equal(code([0x00]), 'GW_FRAME_NEGATIVE')
  assert.equal(code([0x80, 0x80]), undefined, 'an incomplete prefix waits')
})

test('an error from the frame handler propagates; that frame and the ones before are consumed', () => {
  const decoder = new FrameDecoder()
  const seen: number[] = []
  const boom = new Error('handler failed')
  assert.throws(() => {
    decoder.push(stream, (body) => {
      seen.push(body.length)
      if (seen.length === 2) throw boom
    })
  }, boom)
  decoder.push(Buffer.alloc(0), (body) => { seen.push(body.length) })
  assert.deepEqual(seen, bodies.map((body) => body.length), 'the next push resumes after the failed frame')
})
