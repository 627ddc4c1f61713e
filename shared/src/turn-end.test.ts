import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { atTurnEnd, holdTurnEnd } from './turn-end.ts'

/** Resolves once `order` has `count` entries (bounded by the test timeout). */
async function collected (order: string[], count: number): Promise<void> {
  while (order.length < count) await new Promise((resolve) => setImmediate(resolve))
}

void describe('turn end', () => {
  void it('runs a job once however often it is queued in one turn', async () => {
    const order: string[] = []
    const job = (): void => { order.push('job') }
    atTurnEnd(job)
    atTurnEnd(job)
    await collected(order, 1)
    atTurnEnd(job)
    await collected(order, 2)
    assert.deepEqual(order, ['job', 'job'])
  })

  void it('held behind an immediate, runs what that immediate\'s microtasks queue in the same turn', async () => {
    const order: string[] = []
    setImmediate(() => {
      // Queued from the check phase: runs in the next turn.
      setImmediate(() => { order.push('next turn') })
      queueMicrotask(() => { atTurnEnd(() => { order.push('flushed') }) })
    })
    holdTurnEnd()
    await collected(order, 2)
    assert.deepEqual(order, ['flushed', 'next turn'])
  })

  void it('without the hold, the same job waits for the next turn', async () => {
    const order: string[] = []
    setImmediate(() => {
      setImmediate(() => { order.push('next turn') })
      queueMicrotask(() => { atTurnEnd(() => { order.push('flushed') }) })
    })
    await collected(order, 2)
    assert.deepEqual(order, ['next turn', 'flushed'])
  })

  void it('a hold behind an immediate counts even when a run is already queued ahead of it', async () => {
    const order: string[] = []
    atTurnEnd(() => { order.push('before') })
    setImmediate(() => {
      setImmediate(() => { order.push('next turn') })
      queueMicrotask(() => { atTurnEnd(() => { order.push('flushed') }) })
    })
    holdTurnEnd()
    await collected(order, 3)
    assert.deepEqual(order, ['before', 'flushed', 'next turn'])
  })
})
