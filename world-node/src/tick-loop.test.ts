import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EARLY_TICK_MS, INPUT_LOCK_TICKS, startTickLoop, TICK_MS, type TickTimers, WATCHDOG_TICKS } from './tick-loop.ts'

/** A clock and timers that move only when the test says so. */
class ManualTimers implements TickTimers {
  time = 1000
  #timeouts = new Map<number, { at: number, run: () => void }>()
  #immediates = new Map<number, () => void>()
  #ids = 0
  /**
   * Timeouts armed so far: the wake-ups the loop's timers cost. Node never moves its one libuv
   * timer later when a timer is cleared, so a cleared timer still wakes the process.
   */
  armed = 0

  now (): number { return this.time }
  setTimeout (run: () => void, ms: number): unknown {
    const id = ++this.#ids
    this.armed++
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
    for (let ms = 0; ms < 3000; ms++) {
      timers.advance(1)
      loop.poke()
      timers.endTurn()
    }
    loop.stop()
    assert.equal(ticks, 3000 / TICK_MS, 'in timer mode and in input mode alike')
  })

  /** Pokes once per interval, `phase` ms after each tick's ideal due time, for `intervals` intervals. */
  function pokeEveryInterval (timers: ManualTimers, loop: { poke (): void }, phase: number, intervals: number): void {
    for (let i = 0; i < intervals; i++) {
      const sincePoke = ((timers.time - 1000 - phase) % TICK_MS + TICK_MS) % TICK_MS
      timers.advance(TICK_MS - sincePoke)
      loop.poke()
      timers.endTurn()
    }
  }

  it('with work every interval, ticks in the work\'s wake-ups instead of waking for a timer each tick', () => {
    for (const phase of [-EARLY_TICK_MS, -3, 0, 18, TICK_MS - EARLY_TICK_MS - 1]) {
      const timers = new ManualTimers()
      const ticks: number[] = []
      const loop = startTickLoop(() => ticks.push(timers.time), TICK_MS, timers)
      pokeEveryInterval(timers, loop, phase, INPUT_LOCK_TICKS + 2)
      const armedBefore = timers.armed
      const ticksBefore = ticks.length
      pokeEveryInterval(timers, loop, phase, 100)
      const ran = ticks.slice(ticksBefore)
      assert.equal(ran.length, 100, `phase ${phase}: one tick per interval`)
      for (const at of ran) {
        const late = ((at - 1000) % TICK_MS + TICK_MS) % TICK_MS
        assert.equal(late, (phase + TICK_MS) % TICK_MS, `phase ${phase}: each tick ran in a poke's turn`)
      }
      assert.ok(timers.armed - armedBefore <= Math.ceil(100 / WATCHDOG_TICKS), `phase ${phase}: ${timers.armed - armedBefore} timers armed in 100 intervals`)
      loop.stop()
      assert.equal(timers.pending, 0)
    }
  })

  /** A loop in input mode after work 5 ms past each due time; nextDue is the next tick's due time. */
  function inInputMode (): { timers: ManualTimers, ticks: number[], loop: ReturnType<typeof startTickLoop>, nextDue: number } {
    const timers = new ManualTimers()
    const ticks: number[] = []
    const loop = startTickLoop(() => ticks.push(timers.time), TICK_MS, timers)
    pokeEveryInterval(timers, loop, 5, INPUT_LOCK_TICKS + 10)
    return { timers, ticks, loop, nextDue: ticks.at(-1)! - 5 + TICK_MS }
  }

  it('when the work stops, runs the waiting tick within WATCHDOG_TICKS + 1 intervals and goes back to its timer', () => {
    const { timers, ticks, loop, nextDue } = inInputMode()
    const lastWorked = ticks.at(-1)!
    timers.advance(20 * TICK_MS)
    const [first, ...rest] = ticks.filter((at) => at > lastWorked)
    assert.ok(first !== undefined && first - nextDue <= (WATCHDOG_TICKS + 1) * TICK_MS, `the tick due at ${nextDue} ran at ${first}`)
    const tail = rest.slice(-10)
    assert.equal(tail.length, 10)
    tail.reduce((previous, at) => {
      assert.equal(at - previous, TICK_MS, 'then one tick per interval on the timer')
      return at
    })
    assert.equal((tail.at(-1) ?? 1) % TICK_MS, 0, 'back on the ideal timeline')
    loop.stop()
  })

  it('in input mode, runs the tick after an urgent poke at its due time, even with no more work', () => {
    for (const urgent of [false, true]) {
      const { timers, ticks, loop, nextDue } = inInputMode()
      timers.advance(10)
      loop.poke(urgent)
      timers.endTurn()
      timers.advance(nextDue - timers.time)
      if (urgent) assert.deepEqual(ticks.slice(-2), [nextDue - TICK_MS + 5, nextDue], 'urgent: the tick ran at its due time')
      else assert.equal(ticks.at(-1), nextDue - TICK_MS + 5, 'plain: the tick waits for more work (or the watchdog)')
      pokeEveryInterval(timers, loop, 5, 10)
      assert.equal(ticks.length, Math.floor((timers.time - 1000) / TICK_MS), 'one tick per interval due so far: none twice, none lost')
      loop.stop()
      assert.equal(timers.pending, 0)
    }
  })

  it('an urgent poke\'s timer gives way to work that runs the tick first', () => {
    const { timers, ticks, loop, nextDue } = inInputMode()
    timers.advance(10)
    loop.poke(true)
    timers.advance(nextDue - 5 - timers.time)
    loop.poke()
    timers.endTurn()
    assert.equal(ticks.at(-1), nextDue - 5, 'the work ran the tick early, in its own turn')
    const count = ticks.length
    timers.advance(TICK_MS - 10)
    assert.equal(ticks.length, count, 'the urgent timer did not run a second tick')
    loop.stop()
  })

  it('catches up after a slow tick in input mode', () => {
    const timers = new ManualTimers()
    let ticks = 0
    let slow = false
    const loop = startTickLoop(() => {
      ticks++
      if (slow) {
        slow = false
        timers.time += 3 * TICK_MS
      }
    }, TICK_MS, timers)
    pokeEveryInterval(timers, loop, 5, INPUT_LOCK_TICKS + 10)
    const before = ticks
    const started = timers.time
    slow = true
    pokeEveryInterval(timers, loop, 5, 20)
    const elapsed = timers.time - started
    assert.equal(ticks - before, Math.round(elapsed / TICK_MS), 'the ticks the slow one held up ran, none twice')
    loop.stop()
  })

  it('paused from inside a tick, arms nothing until a poke, which ticks at once and resumes the timeline', () => {
    for (const mode of ['timer', 'input'] as const) {
      const timers = new ManualTimers()
      const ticks: number[] = []
      let pauseNext = false
      const loop = startTickLoop(() => {
        ticks.push(timers.time)
        if (pauseNext) loop.pause()
      }, TICK_MS, timers)
      if (mode === 'input') pokeEveryInterval(timers, loop, 5, INPUT_LOCK_TICKS + 10)
      else timers.advance(10 * TICK_MS)
      pauseNext = true
      if (mode === 'input') pokeEveryInterval(timers, loop, 5, 1)
      else timers.advance(TICK_MS)
      pauseNext = false
      const pausedAt = ticks.at(-1)!
      const armed = timers.armed
      timers.advance(600_000)
      assert.equal(ticks.at(-1), pausedAt, `${mode}: no tick while paused`)
      assert.equal(timers.pending, 0, `${mode}: nothing queued`)
      assert.equal(timers.armed, armed, `${mode}: no timer armed in ten minutes`)
      const resumedAt = timers.time + 7
      timers.advance(7)
      loop.poke()
      timers.endTurn()
      assert.equal(ticks.at(-1), resumedAt, `${mode}: the poke ran a tick in its own turn`)
      timers.advance(5 * TICK_MS)
      assert.deepEqual(ticks.slice(-5), [1, 2, 3, 4, 5].map((i) => resumedAt + i * TICK_MS), `${mode}: then every TICK_MS on the timer`)
      loop.stop()
    }
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
