import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import minecraftData from 'minecraft-data'
import mc from 'minecraft-protocol'
import { TesseraError } from '#shared/errors.ts'
import { flatLayouts, type FlatLayout, type ProtocolTypes } from './flat-packets.ts'
import { codecFor, type ProtocolState } from './packet-codec.ts'

const VERSIONS = ['1.21.4', '26.1']
const STATES: ProtocolState[] = ['configuration', 'play']

interface Parser { parsePacketBuffer (buffer: Buffer): { data: { name: string, params: unknown }, metadata: { size: number } } }

function layoutsOf (version: string, state: ProtocolState, direction: 'toClient' | 'toServer'): FlatLayout[] {
  const protocol = minecraftData(version).protocol as unknown as Record<string, Record<string, { types: ProtocolTypes }>> & { types: ProtocolTypes }
  return flatLayouts(protocol[state]![direction]!.types, protocol.types)
}

/** A seeded generator (mulberry32), so a failure names inputs that can be replayed. */
function random (seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Field values covering each type's range, edges included. */
function paramsFor (layout: FlatLayout, next: () => number): Record<string, unknown> {
  const pick = <T>(values: T[]): T => values[Math.floor(next() * values.length)]!
  const params: Record<string, unknown> = {}
  for (const field of layout.fields) {
    const int = (min: number, max: number): number => pick([min, max, 0, Math.floor(min + next() * (max - min + 1))])
    switch (field.kind) {
      case 'varint': params[field.name] = int(-(2 ** 31), 2 ** 31 - 1); break
      case 'bool': params[field.name] = next() < 0.5; break
      case 'i8': params[field.name] = int(-128, 127); break
      case 'u8': params[field.name] = int(0, 255); break
      case 'i16': params[field.name] = int(-32768, 32767); break
      case 'u16': params[field.name] = int(0, 65535); break
      case 'i32': params[field.name] = int(-(2 ** 31), 2 ** 31 - 1); break
      case 'u32': params[field.name] = int(0, 2 ** 32 - 1); break
      case 'f32': params[field.name] = Math.fround(pick([0, -0.5, 1e30, (next() - 0.5) * 720])); break
      case 'f64': params[field.name] = pick([0, -1e-300, 29_999_999.5, (next() - 0.5) * 6e7]); break
      case 'flags': {
        const bits = Math.floor(next() * (1 << field.flags.length))
        const value: Record<string, unknown> = { _value: bits }
        field.flags.forEach((flag, i) => { value[flag] = (bits & (1 << i)) !== 0 })
        params[field.name] = value
        break
      }
    }
  }
  return params
}

test('the hot packets are flat in every supported version: movement in, entity moves out', () => {
  for (const version of VERSIONS) {
    const serverbound = layoutsOf(version, 'play', 'toServer').map((layout) => layout.name)
    const clientbound = layoutsOf(version, 'play', 'toClient').map((layout) => layout.name)
    for (const name of ['position', 'position_look', 'look', 'flying', 'teleport_confirm', 'chunk_batch_received']) {
      assert.ok(serverbound.includes(name), `${version} serverbound ${name}`)
    }
    for (const name of ['rel_entity_move', 'entity_move_look', 'entity_look', 'entity_head_rotation', 'unload_chunk', 'sync_entity_position']) {
      assert.ok(clientbound.includes(name), `${version} clientbound ${name}`)
    }
  }
})

/**
 * Runs `check` on 50 seeded random values of every flat packet of one direction, in each version
 * and state; `prepare` builds what the checks of one version and state share.
 */
function eachFlatCase<T> (direction: 'toClient' | 'toServer', seed: number, prepare: (version: string, state: ProtocolState) => T, check: (shared: T, layout: FlatLayout, params: Record<string, unknown>, label: string) => void): void {
  const next = random(seed)
  for (const version of VERSIONS) {
    for (const state of STATES) {
      const shared = prepare(version, state)
      for (const layout of layoutsOf(version, state, direction)) {
        for (let i = 0; i < 50; i++) {
          const params = paramsFor(layout, next)
          check(shared, layout, params, `${version} ${state} ${layout.name} ${JSON.stringify(params)}`)
        }
      }
    }
  }
}

test('flat clientbound packets encode to the bytes protodef writes', () => {
  eachFlatCase('toClient', 1, (version, state) => ({
    codec: codecFor(version, state),
    reference: mc.createSerializer({ state, isServer: true, version } as never)
  }), ({ codec, reference }, layout, params, label) => {
    assert.deepEqual(codec.encode(layout.name, params), reference.createPacketBuffer({ name: layout.name, params }), label)
  })
})

test('flat serverbound packets decode to the values protodef reads, and refuse short or long packets', () => {
  eachFlatCase('toServer', 2, (version, state) => ({
    codec: codecFor(version, state),
    client: mc.createSerializer({ state, isServer: false, version } as never),
    reference: mc.createDeserializer({ state, isServer: true, version, noErrorLogging: true } as never)
  }), ({ codec, client, reference }, layout, params, label) => {
    const bytes = client.createPacketBuffer({ name: layout.name, params })
    const expected = reference.parsePacketBuffer(bytes).data
    assert.deepEqual(codec.decode(bytes), { name: expected.name, params: expected.params }, label)
    if (bytes.length > 1) {
      assert.throws(() => codec.decode(bytes.subarray(0, bytes.length - 1)), (err: unknown) => err instanceof TesseraError && err.code === 'GW_BAD_PACKET')
    }
    assert.throws(() => codec.decode(Buffer.concat([bytes, Buffer.from([0])])), (err: unknown) => err instanceof TesseraError && err.code === 'GW_BAD_PACKET' && /trailing/.test(err.message))
  })
})

test('random bytes after a flat packet id: decoded as protodef reads them, or refused', () => {
  const next = random(3)
  const parser = mc.createDeserializer({ state: 'play', isServer: true, version: '1.21.4', noErrorLogging: true } as never) as unknown as Parser
  const codec = codecFor('1.21.4', 'play')
  for (const layout of layoutsOf('1.21.4', 'play', 'toServer')) {
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.concat([Buffer.from([layout.id]), randomBytes(Math.floor(next() * 30))])
      let expected: { name: string, params: unknown } | undefined
      try {
        const parsed = parser.parsePacketBuffer(bytes)
        if (parsed.metadata.size === bytes.length) expected = { name: parsed.data.name, params: parsed.data.params }
      } catch {}
      if (expected === undefined) {
        assert.throws(() => codec.decode(bytes), (err: unknown) => err instanceof TesseraError && err.code === 'GW_BAD_PACKET', `${layout.name} ${bytes.toString('hex')}`)
        continue
      }
      let decoded
      try {
        decoded = codec.decode(bytes)
      } catch (err) {
        // Stricter than protodef in one way only: a VarInt longer than five bytes.
        assert.ok(err instanceof TesseraError && /longer than 5 bytes/.test(err.message), `${layout.name} ${bytes.toString('hex')}: ${String(err)}`)
        continue
      }
      assert.deepEqual(decoded, expected, `${layout.name} ${bytes.toString('hex')}`)
    }
  }
})
