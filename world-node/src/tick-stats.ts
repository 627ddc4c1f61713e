/**
 * Tick health: ticks per second over the last 5 s and tick duration percentiles over the last
 * 200 ticks. Cheap enough to record every tick.
 */
import { nearestRank } from '#shared/recent-samples.ts'

/** Health of one node's tick loop. */
export interface TickStats {
  /** Ticks per second over the last 5 s (20 when healthy). */
  readonly tps: number
  /** Median tick duration over the last ~200 ticks, ms. */
  readonly tickMsP50: number
  /** 99th percentile tick duration over the last ~200 ticks, ms. */
  readonly tickMsP99: number
  readonly players: number
  readonly loadedChunks: number
  /** Ticking is paused: nobody online for WORLD_PAUSE_WHEN_EMPTY_S (tps reads 0 meanwhile). */
  readonly paused: boolean
}

const TPS_WINDOW_MS = 5000
const DURATION_WINDOW = 200
const TICK_INTERVAL_MS = 50

/** Records tick start times and durations. */
export class TickRecorder {
  readonly #starts: number[] = []
  readonly #durations = new Float64Array(DURATION_WINDOW)
  #durationCount = 0
  #firstStart: number | null = null

  /** Records one tick that started at `startedAt` (ms, monotonic) and took `durationMs`. */
  record (startedAt: number, durationMs: number): void {
    this.#firstStart ??= startedAt
    this.#starts.push(startedAt)
    while (this.#starts.length > 0 && (this.#starts[0] ?? 0) <= startedAt - TPS_WINDOW_MS) this.#starts.shift()
    this.#durations[this.#durationCount % DURATION_WINDOW] = durationMs
    this.#durationCount++
  }

  /**
   * Forgets the tick rate's window (not the durations): after a pause, the rate is measured from
   * the first tick again rather than over a window that holds the pause.
   */
  restart (): void {
    this.#starts.length = 0
    this.#firstStart = null
  }

  /** Ticks per second over the last 5 s (or since the first tick, when younger). */
  tps (now: number): number {
    if (this.#firstStart === null) return 0
    const windowStart = now - TPS_WINDOW_MS
    let count = 0
    for (const start of this.#starts) if (start >= windowStart) count++
    // A young loop is measured over its life so far (plus the tick in progress), not 5 s.
    const span = Math.min(TPS_WINDOW_MS, Math.max(now - this.#firstStart + TICK_INTERVAL_MS, 1000))
    return Math.round((count * 1000 / span) * 100) / 100
  }

  /** Duration percentile (0–1) over the recent ticks, ms. */
  percentile (q: number): number {
    const n = Math.min(this.#durationCount, DURATION_WINDOW)
    const sorted = this.#durations.slice(0, n).sort() // a typed array sorts numerically
    return Math.round((nearestRank(sorted, q) ?? 0) * 1000) / 1000
  }
}
