import assert from 'node:assert/strict'
import { test } from 'node:test'
import { nearestRank, RecentSamples } from './recent-samples.ts'

test('nearestRank picks the sample at ceil(q·n), clamped to the list', () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
  assert.equal(nearestRank(sorted, 0.5), 5)
  assert.equal(nearestRank(sorted, 0.99), 10)
  assert.equal(nearestRank(sorted, 1), 10)
  assert.equal(nearestRank(sorted, 0), 1)
  assert.equal(nearestRank([], 0.5), undefined)
})

test('the window holds only samples younger than its age, ascending', () => {
  const window = new RecentSamples(1000, 100)
  window.add(30, 0)
  window.add(10, 500)
  window.add(20, 900)
  assert.deepEqual([...window.sorted(1000)], [10, 20, 30])
  assert.deepEqual([...window.sorted(1400)], [10, 20])
  assert.deepEqual([...window.sorted(1950)], [])
  assert.equal(nearestRank(window.sorted(1950), 0.5), undefined)
})

test('past its capacity the window keeps the newest samples', () => {
  const window = new RecentSamples(Infinity, 3)
  for (let i = 1; i <= 5; i++) window.add(i * 10, i)
  assert.deepEqual([...window.sorted(10)], [30, 40, 50])
  assert.equal(nearestRank(window.sorted(10), 1), 50)
})

test('a window without room or age is refused', () => {
  assert.throws(() => new RecentSamples(0, 10), RangeError)
  assert.throws(() => new RecentSamples(1000, 0), RangeError)
})
