/**
 * A drift-corrected 20 TPS loop: each tick is scheduled against the ideal timeline, not 50 ms
 * after the previous one ended. When far behind (a long pause), it resets instead of bursting.
 */
import { performance } from 'node:perf_hooks'

/** Milliseconds per tick at 20 TPS. */
export const TICK_MS = 50
/** Behind by more than this, the loop drops the missed ticks. */
const MAX_LAG_MS = 1000

/** A running loop. */
export interface TickLoop {
  stop (): void
}

/** Calls `tick` every TICK_MS on average until stopped. */
export function startTickLoop (tick: () => void, intervalMs = TICK_MS): TickLoop {
  let next = performance.now() + intervalMs
  let stopped = false
  let timer: NodeJS.Timeout | undefined
  const run = (): void => {
    if (stopped) return
    tick()
    next += intervalMs
    const now = performance.now()
    if (now - next > MAX_LAG_MS) next = now
    timer = setTimeout(run, Math.max(0, next - now))
  }
  timer = setTimeout(run, intervalMs)
  return {
    stop () {
      stopped = true
      clearTimeout(timer)
    }
  }
}
