import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { packHeightmap } from './heightmap.ts'

void describe('packHeightmap', () => {
  void test('packs 9-bit entries, 7 per long, least significant first, into 37 longs', () => {
    const heightmap = new Array<number>(256).fill(0)
    heightmap[0] = 1
    heightmap[3] = 511
    heightmap[6] = 511
    heightmap[7] = 2
    heightmap[255] = 384
    const longs = packHeightmap(heightmap, 384)
    assert.equal(longs.length, 37)
    // long 0: entry 0 at bits 0-8, entry 3 at bits 27-35 (straddles the halves), entry 6 at bits 54-62.
    assert.deepEqual(longs[0], [(0xf | (511 << 22)) | 0, (1 | (0x1f << 27)) | 0])
    assert.deepEqual(longs[1], [0, 2])
    // entry 255 is entry 3 of long 36.
    assert.deepEqual(longs[36], [384 >>> 5, ((384 & 0x1f) << 27) | 0])
  })

  void test('matches a straightforward BigInt packing for arbitrary heights', () => {
    const heightmap = Array.from({ length: 256 }, (_, i) => (i * 7919 + 13) % 385)
    const expected: Array<[number, number]> = []
    for (let long = 0; long < 37; long++) {
      let value = 0n
      for (let j = 0; j < 7 && long * 7 + j < 256; j++) value |= BigInt(heightmap[long * 7 + j]!) << BigInt(9 * j)
      expected.push([Number(BigInt.asIntN(32, value >> 32n)), Number(BigInt.asIntN(32, value & 0xffffffffn))])
    }
    assert.deepEqual(packHeightmap(heightmap, 384), expected)
  })

  void test('uses ceil(log2(height + 1)) bits: 8 bits for a 255-block world', () => {
    const longs = packHeightmap(new Array<number>(256).fill(255), 255)
    assert.equal(longs.length, 32)
    assert.deepEqual(longs[0], [-1, -1])
  })
})
