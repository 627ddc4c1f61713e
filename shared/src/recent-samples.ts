/**
 * The samples of the last `maxAgeMs` (at most `capacity` of them, the newest kept) and their
 * quantiles, computed when asked by sorting that window. Recording is a store into two typed
 * arrays; the cost is paid at scrape time, a sort of at most `capacity` numbers.
 *
 * This replaces prom-client's Summary for latencies: it keeps a t-digest per age bucket and
 * recompresses every bucket on every scrape, which was most of the metrics cost of a gateway with
 * 20 players and a fifth of its allocations.
 */

/** The sample at quantile q (0–1) of an ascending list, by nearest rank; undefined when empty. */
export function nearestRank (sorted: ArrayLike<number>, q: number): number | undefined {
  const n = sorted.length
  if (n === 0) return undefined
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]
}

/** A time- and count-bounded window of samples. */
export class RecentSamples {
  readonly #values: Float64Array
  readonly #times: Float64Array
  readonly #maxAgeMs: number
  /** Samples ever recorded; the newest sits at (#recorded - 1) % capacity. */
  #recorded = 0

  constructor (maxAgeMs: number, capacity: number) {
    if (!(maxAgeMs > 0) || !Number.isInteger(capacity) || capacity < 1) throw new RangeError(`bad window: ${maxAgeMs} ms, ${capacity} samples`)
    this.#maxAgeMs = maxAgeMs
    this.#values = new Float64Array(capacity)
    this.#times = new Float64Array(capacity)
  }

  /** Records a sample taken at `now` (ms, monotonic: performance.now()). */
  add (value: number, now: number = performance.now()): void {
    const slot = this.#recorded % this.#values.length
    this.#values[slot] = value
    this.#times[slot] = now
    this.#recorded++
  }

  /** The samples younger than maxAgeMs at `now`, ascending. */
  sorted (now: number = performance.now()): Float64Array {
    const held = Math.min(this.#recorded, this.#values.length)
    const out = new Float64Array(held)
    let count = 0
    for (let i = 0; i < held; i++) {
      if (now - (this.#times[i] as number) <= this.#maxAgeMs) out[count++] = this.#values[i] as number
    }
    return out.subarray(0, count).sort() // a typed array sorts numerically
  }
}
