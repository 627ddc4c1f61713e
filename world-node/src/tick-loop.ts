/**
 * A drift-corrected 20 TPS loop: each tick is scheduled against the ideal timeline, not 50 ms
 * after the previous one ended. When far behind (a long pause), it resets instead of bursting.
 *
 * Waking up is a large part of what a lightly loaded server costs (on the 2-core VM this was
 * measured on, about 0.1–0.2 ms of CPU per wake-up of Node's event loop, against a few
 * microseconds of work in an idle tick), so the loop tries to tick in a wake-up that work
 * (packets, gateway commands: `poke`) has caused anyway:
 *
 * - Timer mode (at start, and whenever work is sparse): a timer runs each tick when it is due;
 *   work arriving within EARLY_TICK_MS before that runs it early, in the work's wake-up.
 * - Input mode: once work has arrived before each of INPUT_LOCK_TICKS ticks in a row, the
 *   per-tick timer stops and each tick runs in the first wake-up with work from EARLY_TICK_MS
 *   before its due time on (up to an interval late for work arriving once per interval at any
 *   phase). A watchdog every WATCHDOG_TICKS intervals returns to timer mode, running the overdue
 *   tick, if a whole interval has passed with a tick due and no work.
 *
 * Why a watchdog and not a per-tick fallback timer: Node keeps one libuv timer for all of its
 * timers and never moves it later when a timer is cleared, so a fallback cleared by the tick it
 * guards still wakes the process at its old time, as the early-window timer of timer mode does.
 * Measured at 20 walking bots: input mode cut the main thread's epoll timeouts from 23 to 9 a
 * second (the watchdog and the players' keep-alives remain) and the server's CPU by 8–19 %
 * (three paired runs).
 */
import { performance } from 'node:perf_hooks'
import { holdTurnEnd } from '#shared/turn-end.ts'

/** Milliseconds per tick at 20 TPS. */
export const TICK_MS = 50
/** Behind by more than this, the loop drops the missed ticks. */
const MAX_LAG_MS = 1000
/**
 * How long before its due time work may run a tick (at most a fifth of the interval). The due
 * times stay on the ideal timeline, so the rate is unchanged.
 */
export const EARLY_TICK_MS = 10
/** Work before this many consecutive ticks switches to input mode (a second of steady work). */
export const INPUT_LOCK_TICKS = 20
/**
 * Input mode's watchdog period, in intervals. A tick left without work waits at most this many
 * intervals plus one before it runs (then the loop is back in timer mode). Input mode's own
 * wake-ups are the watchdog's: one per WATCHDOG_TICKS intervals instead of one per interval.
 */
export const WATCHDOG_TICKS = 4

/** A running loop. */
export interface TickLoop {
  /**
   * Work has arrived. If a tick is due (in timer mode: within EARLY_TICK_MS), it runs once this
   * event-loop turn's I/O is handled (setImmediate) rather than on a timer. Cheap: one clock read.
   *
   * `urgent`: someone waits for this work's answer and may send nothing until it comes (a
   * handoff step: the gateway holds the player's input meanwhile). In input mode the next tick
   * then also gets a timer at its due time, as in timer mode, instead of waiting for more work
   * or the watchdog.
   */
  poke (urgent?: boolean): void
  /**
   * No tick runs (and no timer wakes the process) until the next poke, which runs a tick in that
   * turn and goes on from there in timer mode. Called from inside a tick, it takes effect after
   * it.
   */
  pause (): void
  /** Paused, and not poked since. */
  readonly paused: boolean
  stop (): void
}

/** What the loop needs from the runtime; tests pass a manual clock and timers. */
export interface TickTimers {
  now (): number
  setTimeout (run: () => void, ms: number): unknown
  clearTimeout (timer: unknown): void
  setImmediate (run: () => void): unknown
  clearImmediate (immediate: unknown): void
}

const runtimeTimers: TickTimers = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (timer) => { clearTimeout(timer as NodeJS.Timeout) },
  setImmediate: (run) => {
    const immediate = setImmediate(run)
    // What the tick writes leaves in this turn, not after another poll (shared/turn-end.ts).
    holdTurnEnd()
    return immediate
  },
  clearImmediate: (immediate) => { clearImmediate(immediate as NodeJS.Immediate) }
}

/** Calls `tick` every intervalMs on average until stopped. */
export function startTickLoop (tick: () => void, intervalMs = TICK_MS, timers: TickTimers = runtimeTimers): TickLoop {
  const early = Math.min(EARLY_TICK_MS, intervalMs / 5)
  let due = timers.now() + intervalMs
  let stopped = false
  let paused = false
  /** Input mode: ticks run in work's wake-ups, the watchdog is armed and tickTimer is not (but for an urgent poke's). */
  let inputMode = false
  /** Work arrived since the last tick. */
  let worked = false
  /** Consecutive ticks with work before each. */
  let workedTicks = 0
  let tickTimer: unknown = timers.setTimeout(run, intervalMs)
  let watchdog: unknown
  let immediate: unknown

  function run (): void {
    // An urgent poke's timer, when work or the watchdog got here first.
    if (tickTimer !== undefined) timers.clearTimeout(tickTimer)
    tickTimer = undefined
    immediate = undefined
    if (stopped) return
    workedTicks = worked ? workedTicks + 1 : 0
    worked = false
    tick()
    if (paused || stopped) return
    due += intervalMs
    const now = timers.now()
    if (now - due > MAX_LAG_MS) due = now
    if (!inputMode && workedTicks >= INPUT_LOCK_TICKS) {
      inputMode = true
      watchdog = timers.setTimeout(watch, WATCHDOG_TICKS * intervalMs)
    }
    if (!inputMode) tickTimer = timers.setTimeout(run, Math.max(0, due - now))
    // Behind (a late tick, or one slower than the interval): catch up in the next turn.
    else if (now >= due) immediate = timers.setImmediate(run)
  }

  function watch (): void {
    watchdog = undefined
    if (stopped) return
    if (immediate === undefined && timers.now() >= due + intervalMs) {
      // A whole interval with a tick due and no work: run it now and go back to the timer.
      inputMode = false
      run()
      return
    }
    watchdog = timers.setTimeout(watch, WATCHDOG_TICKS * intervalMs)
  }

  function cancel (): void {
    timers.clearTimeout(tickTimer)
    timers.clearTimeout(watchdog)
    timers.clearImmediate(immediate)
    tickTimer = watchdog = immediate = undefined
  }

  return {
    poke (urgent = false) {
      worked = true
      if (immediate !== undefined || stopped) return
      const now = timers.now()
      if (paused) {
        paused = false
        due = now
      }
      if (now < due - early) {
        if (urgent && tickTimer === undefined) tickTimer = timers.setTimeout(run, due - now)
        return
      }
      timers.clearTimeout(tickTimer)
      tickTimer = undefined
      immediate = timers.setImmediate(run)
    },
    pause () {
      paused = true
      inputMode = false
      workedTicks = 0
      cancel()
    },
    get paused () {
      return paused
    },
    stop () {
      stopped = true
      cancel()
    }
  }
}
