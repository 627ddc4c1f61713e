import assert from 'node:assert/strict'
import { test } from 'node:test'
import { packHeightmap } from './heightmap.ts'

test('heightmaps pack 7 nine-bit entries per long for a 384-block world', () => {
  const heights = Array.from({ length: 256 }, (_, i) => i % 2 === 0 ? 1 : 511)
  const longs = packHeightmap(heights, 384)
  assert.equal(longs.length, 37)
  const [high, low] = longs[0]!
  const value = (BigInt(high) << 32n) | BigInt(low >>> 0)
  for (let i = 0; i < 7; i++) assert.equal(Number((value >> BigInt(i * 9)) & 511n), heights[i])
  assert.equal(value >> 63n, 0n, 'the unused top bit stays clear')
})
