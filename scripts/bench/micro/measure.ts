/**
 * A tiny timing loop for the microbenchmarks: warm up, then run the operation for a fixed time
 * and report operations per second. `flushEachOp` ends the event-loop turn after each
 * operation, so work deferred to setImmediate (the gateway's batched socket writes) is counted.
 */
import { setImmediate as nextTurn } from 'node:timers/promises'

export interface MeasureOptions {
  /** Seconds of measured running (default: MICRO_SECONDS or 3). */
  readonly seconds?: number
  readonly warmupSeconds?: number
  readonly flushEachOp?: boolean
}

export interface Measurement {
  readonly name: string
  readonly unit: string
  readonly ops: number
  readonly seconds: number
  readonly opsPerSecond: number
}

const DEFAULT_SECONDS = Number(process.env.MICRO_SECONDS ?? 3)

/** Runs `op` repeatedly; async operations are awaited one at a time. */
export async function measure (name: string, unit: string, op: () => unknown, options: MeasureOptions = {}): Promise<Measurement> {
  const seconds = options.seconds ?? DEFAULT_SECONDS
  const run = async (ms: number): Promise<{ ops: number, elapsed: number }> => {
    const start = performance.now()
    let ops = 0
    while (performance.now() - start < ms) {
      const result = op()
      if (result instanceof Promise) await result
      if (options.flushEachOp === true) await nextTurn()
      ops++
    }
    return { ops, elapsed: performance.now() - start }
  }
  await run((options.warmupSeconds ?? Math.min(1, seconds / 3)) * 1000)
  const { ops, elapsed } = await run(seconds * 1000)
  return { name, unit, ops, seconds: elapsed / 1000, opsPerSecond: ops / (elapsed / 1000) }
}

/** Prints one result line: the name, ops per second and a detail. */
export function report (m: Measurement, detail = ''): void {
  const rate = m.opsPerSecond >= 100 ? Math.round(m.opsPerSecond).toLocaleString('en-US') : m.opsPerSecond.toFixed(1)
  process.stdout.write(`${m.name}: ${rate} ${m.unit}/s${detail === '' ? '' : ` — ${detail}`}\n`)
}
