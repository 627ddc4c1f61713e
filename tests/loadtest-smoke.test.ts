// Smoke tests of the load and benchmark tooling: a few bots against a real server for a few
// seconds, and the pure parts of bench:compare. LOADTEST_SMOKE_SERVER=tessera|flying-squid picks
// the server under test (default flying-squid).
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { startServer } from '../scripts/bench/server-process.ts'
import { SERVER_NAMES, serverSpec, type ServerName } from '../scripts/bench/servers.ts'
import { runLoadTest } from '../scripts/loadtest/run.ts'
import { parsePrometheusText, toMetricsSample } from '../scripts/loadtest/server-metrics.ts'
import { percentile, quantiles } from '../scripts/loadtest/report.ts'

const serverName = (process.env.LOADTEST_SMOKE_SERVER ?? 'flying-squid') as ServerName
if (!SERVER_NAMES.includes(serverName)) throw new Error(`LOADTEST_SMOKE_SERVER must be one of ${SERVER_NAMES.join(', ')}`)

describe(`load test against ${serverName}`, () => {
  test('three bots join, receive chunks, stay connected and the report has every field', { timeout: 90_000 }, async (t) => {
    const spec = await serverSpec(serverName, { version: '1.21.4', viewDistance: 4 })
    const server = await startServer(spec, 45_000)
    t.after(() => server.stop())

    const report = await runLoadTest({
      host: '127.0.0.1',
      port: spec.port,
      bots: 3,
      ramp: 10,
      duration: 5,
      pattern: 'random',
      radius: 16,
      viewDistance: 4,
      joinTimeoutMs: 20_000,
      metricsUrl: spec.metricsUrl,
      serverPid: server.pid,
      namePrefix: 'smoke',
      scrapeIntervalMs: 1000
    })

    assert.equal(report.joins.joined, 3, `joins failed: ${JSON.stringify(report.joins.failReasons)}\n${server.output()}`)
    assert.equal(report.joins.failed, 0)
    assert.equal(report.drops.dropped, 0, `dropped: ${JSON.stringify(report.drops.reasons)}`)
    assert.ok(report.traffic.chunkPacketsPerBot > 0, 'every bot should receive chunks')
    for (const bot of report.bots) {
      assert.equal(bot.outcome, 'closed')
      assert.ok(bot.chunkPackets > 0, `${bot.name} received no chunks`)
    }
    assert.ok((report.joins.latencyMs.p99 ?? 0) > 0)
    assert.ok(report.server.scrapes > 0, `metrics never scraped: ${String(report.server.lastScrapeError)}`)
    assert.ok(report.server.tps !== null && report.server.tps.mean > 0, 'server TPS should be scraped')
    assert.ok(report.server.cpuSecondsPerBotMinute !== null && report.server.rssMb !== null)
    assert.ok(report.generator.cpuSecondsPerBotMinute !== null && report.generator.rssMb > 0)
    assert.notEqual(report.keepAliveRtt.note, '')
    const fields = ['joins', 'drops', 'traffic', 'keepAliveRtt', 'server', 'generator', 'botMinutes', 'bots', 'phasesS', 'options']
    const json = JSON.parse(JSON.stringify(report)) as Record<string, unknown>
    for (const field of fields) assert.ok(field in json, `report lacks ${field}`)
  })
})

describe('load test reporting', () => {
  test('percentiles interpolate between closest ranks', () => {
    assert.equal(percentile([], 50), null)
    assert.equal(percentile([7], 99), 7)
    assert.equal(percentile([1, 2, 3, 4], 50), 2.5)
    assert.equal(percentile([10, 0, 5], 100), 10)
    const q = quantiles(Array.from({ length: 101 }, (_, i) => i))
    assert.deepEqual([q.p50, q.p95, q.p99, q.max, q.count], [50, 95, 99, 100, 101])
  })

  test('server metrics take the worst world series and ignore unrelated lines', () => {
    const text = [
      '# HELP tessera_world_tps ticks per second',
      'tessera_world_tps{region="0,0"} 19.9',
      'tessera_world_tps{region="1,0"} 17.5',
      'tessera_world_tick_ms{region="0,0",quantile="0.5"} 3',
      'tessera_world_tick_ms{region="1,0",quantile="0.99"} 41.5',
      'tessera_keepalive_rtt_ms{quantile="0.99"} 12',
      'process_cpu_seconds_total 4'
    ].join('\n')
    const sample = toMetricsSample(parsePrometheusText(text), 1)
    assert.deepEqual(sample, { at: 1, tps: 17.5, tickMsP50: 3, tickMsP99: 41.5, keepAliveMsP50: null, keepAliveMsP99: 12 })
  })
})
