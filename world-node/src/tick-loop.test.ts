import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EARLY_TICK_MS, startTickLoop, TICK_MS, type TickTimers } from './tick-loop.ts'

/** A clock and timers that move only when the test says so. */
class ManualTimers implements TickTimers {
  time = 1000
  #timeouts = new Map<number, { at: number, run: () => void }>()
  #immediates = new Map<number, () => void>()
  #ids = 0

  now (): number { return this.time }
  setTimeout (run: () => void, ms: number): unknown {
    const id = ++this.#ids
    this.#timeouts.set(id, { at: this.time + ms, run })
    return id
  }

  clearTimeout (timer: unknown): void { this.#timeouts.delete(timer as number) }
  setImmediate (run: () => void): unknown {
    const id = ++this.#ids
    this.#immediates.set(id, run)
    return id
  }

  clearImmediate (immediate: unknown): void { this.#immediates.delete(immediate as number) }
  get pending (): number { return this.#timeouts.size + this.#immediates.size }

  /** Ends the current turn: runs the immediates queued so far. */
  endTurn (): void {
    const queued = [...this.#immediates.values()]
    this.#immediates.clear()
    for (const run of queued) run()
  }

  /** Moves the clock forward ms, firing timeouts when they fall due, each in its own turn. */
  advance (ms: number): void {
    const end = this.time + ms
    for (;;) {
      const next = [...this.#timeouts.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
      if (next === undefined) break
      this.#timeouts.delete(next[0])
      this.time = Math.max(this.time, next[1].at)
      next[1].run()
      this.endTurn()
    }
    this.time = end
  }
}

describe('tick loop', () => {
  it('ticks every TICK_MS on its own timer when nothing pokes it', () => {
    const timers = new ManualTimers()
    const ticks: number[] = []
    const loop = startTickLoop(() => ticks.push(timers.time), TICK_MS, timers)
    timers.advance(10 * TICK_MS)
    loop.stop()
    assert.deepEqual(ticks, Array.from({ length: 10 }, (_, i) => 1000 + (i + 1) * TICK_MS))
  })

  it('runs a tick due within EARLY_TICK_MS when work arrives, and keeps the next one on the timeline', () => {
    const timers = new ManualTimers()
    const ticks: number[] = []
    const loop = startTickLoop(() => ticks.push(timers.time), TICK_MS, timers)
    timers.advance(TICK_MS - EARLY_TICK_MS - 1)
    loop.poke()
    timers.endTurn()
    assert.deepEqual(ticks, [], 'a poke before the early window leaves the tick to its timer')

    timers.advance(2)
    loop.poke()
    loop.poke()
    assert.deepEqual(ticks, [], 'the tick waits for the end of the turn, after its I/O')
    timers.endTurn()
    assert.deepEqual(ticks, [1000 + TICK_MS - EARLY_TICK_MS + 1], 'poked: ran early, once')

    timers.advance(TICK_MS + EARLY_TICK_MS - 1)
    assert.deepEqual(ticks.slice(1), [1000 + 2 * TICK_MS], 'the next tick is due on the ideal timeline')
    loop.stop()
  })

  it('never ticks faster than 20 TPS however often it is poked', () => {
    const timers = new ManualTimers()
    let ticks = 0
    const loop = startTickLoop(() => { ticks++ }, TICK_MS, timers)
    for (let ms = 0; ms < 1000; ms++) {
      timers.advance(1)
      loop.poke()
      timers.endTurn()
    }
    loop.stop()
    assert.equal(ticks, 1000 / TICK_MS)
  })

  it('stop cancels the pending tick, poked or timed', () => {
    const timers = new ManualTimers()
    let ticks = 0
    const loop = startTickLoop(() => { ticks++ }, TICK_MS, timers)
    timers.advance(TICK_MS - 1)
    loop.poke()
    loop.stop()
    timers.endTurn()
    timers.advance(10 * TICK_MS)
    loop.poke()
    assert.equal(ticks, 0)
    assert.equal(timers.pending, 0)
  })
})
