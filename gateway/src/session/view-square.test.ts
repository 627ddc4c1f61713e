import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ChunkPos } from '#shared/coords.ts'
import { viewChange } from './view-square.ts'

const square = (c: ChunkPos, r: number): Set<string> => {
  const out = new Set<string>()
  for (let x = c.x - r; x <= c.x + r; x++) for (let z = c.z - r; z <= c.z + r; z++) out.add(`${x},${z}`)
  return out
}
const keys = (list: ChunkPos[]): Set<string> => new Set(list.map((p) => `${p.x},${p.z}`))

void describe('view square', () => {
  void it('first view: the whole square, nearest first', () => {
    const { enter, leave } = viewChange(undefined, { x: 3, z: -2 }, 2)
    assert.equal(enter.length, 25)
    assert.deepEqual(enter[0], { x: 3, z: -2 })
    assert.deepEqual(keys(enter), square({ x: 3, z: -2 }, 2))
    assert.equal(leave.length, 0)
  })

  void it('every move turns the old square into the new one exactly', () => {
    const r = 10
    for (const [from, to] of [[{ x: 0, z: 0 }, { x: 1, z: 0 }], [{ x: 0, z: 0 }, { x: -1, z: 1 }], [{ x: 5, z: 5 }, { x: 40, z: -3 }], [{ x: 0, z: 0 }, { x: 0, z: 0 }]] as const) {
      const { enter, leave } = viewChange(from, to, r)
      const view = square(from, r)
      for (const key of keys(leave)) assert.ok(view.delete(key), `left ${key} it did not view`)
      for (const key of keys(enter)) {
        assert.ok(!view.has(key), `entered ${key} twice`)
        view.add(key)
      }
      assert.deepEqual(view, square(to, r))
    }
    assert.equal(viewChange({ x: 0, z: 0 }, { x: 1, z: 0 }, r).enter.length, 2 * r + 1, 'one step: one row')
  })

  void it('matches a brute-force comparison of the two squares for every nearby move', () => {
    for (const r of [0, 1, 3]) {
      for (let dx = -2 * r - 2; dx <= 2 * r + 2; dx++) {
        for (let dz = -2 * r - 2; dz <= 2 * r + 2; dz++) {
          const from = { x: 7, z: -4 }
          const to = { x: from.x + dx, z: from.z + dz }
          const { enter, leave } = viewChange(from, to, r)
          const before = square(from, r)
          const after = square(to, r)
          assert.deepEqual(keys(enter), new Set([...after].filter((key) => !before.has(key))), `enter ${dx},${dz} r${r}`)
          assert.deepEqual(keys(leave), new Set([...before].filter((key) => !after.has(key))), `leave ${dx},${dz} r${r}`)
          assert.equal(enter.length, keys(enter).size, 'no chunk entered twice')
          assert.equal(leave.length, keys(leave).size, 'no chunk left twice')
        }
      }
    }
  })
})
