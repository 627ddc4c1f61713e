/** New connections per address in a sliding window (fixed buckets, pruned as they expire). */

/** Allows at most `limit` events per key in each `windowMs`; 0 disables the limit. */
export class AddressRateLimiter {
  readonly #limit: number
  readonly #windowMs: number
  readonly #hits = new Map<string, number[]>()

  constructor (limit: number, windowMs: number) {
    this.#limit = limit
    this.#windowMs = windowMs
  }

  /** Records an attempt; false when over the limit. */
  allow (key: string, now = Date.now()): boolean {
    if (this.#limit === 0) return true
    const recent = (this.#hits.get(key) ?? []).filter((t) => now - t < this.#windowMs)
    if (recent.length >= this.#limit) {
      this.#hits.set(key, recent)
      return false
    }
    recent.push(now)
    this.#hits.set(key, recent)
    if (this.#hits.size > 10_000) this.#prune(now)
    return true
  }

  #prune (now: number): void {
    for (const [key, hits] of this.#hits) if (hits.every((t) => now - t >= this.#windowMs)) this.#hits.delete(key)
  }
}
