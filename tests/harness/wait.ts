/**
 * Bounded waits for tests: every wait has a deadline and says what it was waiting for.
 */
import type { EventEmitter } from 'node:events'

/** Resolves with the first emission of `event` whose arguments pass `filter`, or rejects after ms. */
export async function waitForEvent<T extends unknown[]> (emitter: EventEmitter, event: string, ms: number, filter: (...args: T) => boolean = () => true): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const onEvent = (...args: unknown[]): void => {
      if (!filter(...(args as T))) return
      cleanup()
      resolve(args as T)
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`timed out after ${ms} ms waiting for '${event}'`))
    }, ms)
    const cleanup = (): void => {
      clearTimeout(timer)
      emitter.off(event, onEvent)
    }
    emitter.on(event, onEvent)
  })
}

/** Polls `check` (cheap, synchronous state) every 20 ms until it is true, or rejects after ms. */
export async function waitUntil (what: string, check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
