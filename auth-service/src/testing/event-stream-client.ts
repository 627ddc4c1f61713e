/**
 * A minimal Server-Sent Events reader for tests: opens GET /v1/events, resolves once the
 * service says the subscription is live, and hands out events as they arrive.
 */
import { AuthPaths, type AuthEvent } from '#shared/auth-api.ts'

/** An open event stream. */
export interface EventStreamClient {
  /** Every event received so far, in order. */
  readonly received: readonly AuthEvent[]
  /** Resolves with the first event (already received or future) matching predicate; rejects after timeoutMs. */
  next (predicate: (event: AuthEvent) => boolean, timeoutMs?: number): Promise<AuthEvent>
  close (): void
}

/** Connects to baseUrl's event stream. */
export async function openEventStream (baseUrl: string): Promise<EventStreamClient> {
  const abort = new AbortController()
  const response = await fetch(`${baseUrl}${AuthPaths.events}`, { signal: abort.signal })
  if (!response.ok || response.body === null) throw new Error(`event stream: HTTP ${response.status}`)
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
  const received: AuthEvent[] = []
  const waiters = new Set<() => void>()
  let buffer = ''
  let connected: () => void = () => undefined
  const ready = new Promise<void>((resolve) => { connected = resolve })

  const pump = async (): Promise<void> => {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) return
      buffer += value
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        if (block.startsWith(': connected')) connected()
        const data = block.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice(6)).join('\n')
        if (data === '') continue
        received.push(JSON.parse(data) as AuthEvent)
        for (const wake of [...waiters]) wake()
      }
    }
  }
  pump().catch(() => undefined)
  await ready

  return {
    received,
    async next (predicate, timeoutMs = 2000) {
      return await new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = received.find(predicate)
          if (found === undefined) return false
          clearTimeout(timer)
          waiters.delete(wake)
          resolve(found)
          return true
        }
        const wake = (): void => { check() }
        const timer = setTimeout(() => { waiters.delete(wake); reject(new Error('no matching event in time')) }, timeoutMs)
        waiters.add(wake)
        check()
      })
    },
    close () {
      abort.abort()
    }
  }
}
