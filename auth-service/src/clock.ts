/**
 * Time as the auth-service sees it. Tests pass a fake clock to step over TTLs and lockouts
 * without waiting.
 */

/** A source of wall-clock milliseconds. */
export interface Clock {
  now (): number
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() }

/** A clock that moves only when told to (tests). */
export class ManualClock implements Clock {
  #now: number

  constructor (start = 1_800_000_000_000) {
    this.#now = start
  }

  now (): number {
    return this.#now
  }

  /** Moves time forward by ms. */
  advance (ms: number): void {
    this.#now += ms
  }
}
