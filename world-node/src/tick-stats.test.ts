import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TickRecorder } from './tick-stats.ts'

void describe('tick recorder', () => {
  void it('reports 20 TPS for ticks 50 ms apart over the 5 s window', () => {
    const recorder = new TickRecorder()
    for (let t = 0; t < 10_000; t += 50) recorder.record(t, 1)
    assert.equal(recorder.tps(10_000), 20)
  })

  void it('reports p50 and p99 over the last 200 ticks', () => {
    const recorder = new TickRecorder()
    for (let i = 0; i < 300; i++) recorder.record(i * 50, i < 100 ? 1000 : (i % 100) + 1)
    assert.equal(recorder.percentile(0.5), 50)
    // Nearest rank over 1..100 twice; the 1000 ms ticks fell out of the window.
    assert.equal(recorder.percentile(0.99), 99)
    assert.equal(recorder.percentile(1), 100)
  })
})
