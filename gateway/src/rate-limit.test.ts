/** New connections per address: the limit, its window, separate addresses, and 0 = off. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AddressRateLimiter } from './rate-limit.ts'

void describe('AddressRateLimiter', () => {
  void it('allows `limit` connections per address in a window, then refuses until the oldest leaves it', () => {
    const limiter = new AddressRateLimiter(3, 60_000)
    assert.deepEqual([0, 10, 20, 30].map((t) => limiter.allow('10.0.0.1', t)), [true, true, true, false])
    assert.equal(limiter.allow('10.0.0.1', 59_999), false, 'still inside the window of the first')
    assert.equal(limiter.allow('10.0.0.1', 60_000), true, 'the first one left the window')
    assert.equal(limiter.allow('10.0.0.1', 60_001), false, 'refusals are not counted, but the three in the window are')
  })

  void it('counts each address on its own', () => {
    const limiter = new AddressRateLimiter(1, 1000)
    assert.equal(limiter.allow('10.0.0.1', 0), true)
    assert.equal(limiter.allow('10.0.0.2', 0), true)
    assert.equal(limiter.allow('10.0.0.1', 1), false)
    assert.equal(limiter.allow('10.0.0.2', 1), false)
  })

  void it('a refused burst does not extend the wait', () => {
    const limiter = new AddressRateLimiter(2, 1000)
    limiter.allow('a', 0)
    limiter.allow('a', 0)
    for (let t = 1; t < 1000; t += 100) assert.equal(limiter.allow('a', t), false)
    assert.equal(limiter.allow('a', 1000), true)
  })

  void it('limit 0 turns the limit off', () => {
    const limiter = new AddressRateLimiter(0, 60_000)
    for (let i = 0; i < 1000; i++) assert.equal(limiter.allow('10.0.0.1', i), true)
  })

  void it('keeps counting right after pruning idle addresses (at 10,000 tracked)', () => {
    const limiter = new AddressRateLimiter(1, 1000)
    for (let i = 0; i <= 10_000; i++) limiter.allow(`old-${i}`, 0)
    // Past the window, a new address triggers the prune; an old one is allowed again either way.
    assert.equal(limiter.allow('new', 5000), true)
    assert.equal(limiter.allow('old-1', 5000), true)
    assert.equal(limiter.allow('old-1', 5001), false)
  })
})
