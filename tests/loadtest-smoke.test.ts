// Smoke tests of the load and benchmark tooling: a few bots against each real server (Tessera
// and flying-squid) for a few seconds, the pure parts of bench:compare, and a second of bench:floor.
// LOADTEST_SMOKE_SERVER=tessera|flying-squid limits the run to one server.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { renderChart } from '../scripts/bench/chart.ts'
import { botLadder, capacityOf, comparisonPanels, hasBroken, isHealthy, medianStep, pairedCpuRatios, ratio, type StepResult } from '../scripts/bench/comparison.ts'
import { MOVE_BYTES, measureIoFloor } from '../scripts/bench/io-floor/measure.ts'
import { startServer } from '../scripts/bench/server-process.ts'
import { SERVER_NAMES, serverSpec, type ServerName } from '../scripts/bench/servers.ts'
import { runLoadTest } from '../scripts/loadtest/run.ts'
import { resolveOptions } from '../scripts/loadtest/options.ts'
import { parsePrometheusText, toMetricsSample } from '../scripts/loadtest/server-metrics.ts'
import { percentile, quantiles } from '../scripts/loadtest/report.ts'

const only = process.env.LOADTEST_SMOKE_SERVER as ServerName | undefined
if (only !== undefined && !SERVER_NAMES.includes(only)) throw new Error(`LOADTEST_SMOKE_SERVER must be one of ${SERVER_NAMES.join(', ')}`)

for (const serverName of only === undefined ? SERVER_NAMES : [only]) describe(`load test against ${serverName}`, () => {
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
      warmup: 0,
      pattern: 'random',
      radius: 16,
      viewDistance: 4,
      joinTimeoutMs: 20_000,
      metricsUrl: spec.metricsUrl,
      serverPid: server.pid,
      namePrefix: 'smoke',
      scrapeIntervalMs: 1000,
      // Each bot moves in a slot of its own, as independent clients would.
      stagger: 3
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

describe('load test options', () => {
  test('--stagger takes 1..50 slots per tick and defaults to one burst', () => {
    assert.equal(resolveOptions({}).stagger, 1)
    assert.equal(resolveOptions({ stagger: 10 }).stagger, 10)
    for (const bad of [0, 51, 2.5]) assert.throws(() => resolveOptions({ stagger: bad }), /--stagger must be an integer 1\.\.50/)
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

/** Checks that every tag closes in order and the root is an svg element: enough to be valid XML here. */
function assertWellFormedSvg (svg: string): void {
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  const body = svg.replace(/<text[^>]*>[^<]*<\/text>|<title>[^<]*<\/title>/g, (m) => m.replace(/>[^<]*</, '><'))
  assert.doesNotMatch(body, /&(?!lt;|gt;|amp;|quot;|apos;)/, 'unescaped ampersand')
  const stack: string[] = []
  for (const [, closing, name, selfClosing] of body.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    if (closing === '/') assert.equal(stack.pop(), name, `unbalanced </${String(name)}>`)
    else if (selfClosing !== '/') stack.push(name as string)
  }
  assert.deepEqual(stack, [], 'unclosed tags')
}

describe('bench:compare', () => {
  const step = (n: number, over: Partial<StepResult> = {}): StepResult => ({
    n, joined: n, failed: 0, dropped: 0, failReasons: {}, dropReasons: {}, cpuSecondsPerBotMinute: 0.5, idleRssMb: 100, rssMb: 100 + n, rssMbPerBot: (100 + n) / n,
    addedRssMbPerBot: 1, joinP99Ms: 300, keepAliveP99Ms: 5, keepAliveMethod: 'server-keepalive-metric', tpsMin: 19.5, tpsMean: 19.9, tickMsP99: 10,
    generatorCpuSecondsPerBotMinute: 0.05, error: null, healthy: true, ...over
  })

  test('bot counts climb 10, 20, 50, 100, 200, 400, then double, up to --max-n', () => {
    assert.deepEqual(botLadder(400), [10, 20, 50, 100, 200, 400])
    assert.deepEqual(botLadder(2000), [10, 20, 50, 100, 200, 400, 800, 1600, 2000])
    assert.deepEqual(botLadder(30), [10, 20, 30])
    assert.deepEqual(botLadder(5), [5])
  })

  test('capacity is the largest N where all joined, none dropped and TPS stayed at 19 or above', () => {
    assert.equal(isHealthy(step(10)), true)
    assert.equal(isHealthy(step(10, { tpsMin: 18.99 })), false)
    assert.equal(isHealthy(step(10, { tpsMin: null })), false, 'an unmeasured tick rate proves nothing')
    assert.equal(isHealthy(step(10, { joined: 9, failed: 1 })), false)
    assert.equal(isHealthy(step(10, { dropped: 1 })), false)
    assert.equal(isHealthy(step(10, { error: 'did not start' })), false)
    assert.equal(capacityOf([step(10), step(20), step(50, { tpsMin: 12 })]), 20)
    assert.equal(capacityOf([step(10, { dropped: 2 })]), 0)
    assert.equal(ratio(1, 4), 0.25)
    assert.equal(ratio(1, 0), null)
    assert.equal(ratio(null, 2), null)
  })

  test('a server stops being loaded after two unhealthy steps in a row, or at once when it failed to run', () => {
    const dip = { tpsMin: 18, healthy: false }
    assert.equal(hasBroken([]), false)
    assert.equal(hasBroken([step(10, dip)]), false, 'one dip is not a break')
    assert.equal(hasBroken([step(10, dip), step(20)]), false)
    assert.equal(hasBroken([step(10), step(20, dip), step(50, { dropped: 3, healthy: false })]), true)
    assert.equal(hasBroken([step(10, { error: 'did not start', healthy: false })]), true)
    assert.equal(hasBroken([step(10, dip), step(20, dip)], 50), false, 'measured through 50 bots for the comparison')
    assert.equal(hasBroken([step(10, dip), step(20, dip), step(50, dip)], 50), true)
    assert.equal(hasBroken([step(10, { error: 'did not start', healthy: false })], 50), true)
  })

  test('with --repeat a step is its median-CPU run, healthy only if every run was, with every run\'s CPU', () => {
    const runs = [step(20, { cpuSecondsPerBotMinute: 0.12, joinP99Ms: 1 }), step(20, { cpuSecondsPerBotMinute: 0.09, joinP99Ms: 2 }), step(20, { cpuSecondsPerBotMinute: 0.1, joinP99Ms: 3, tpsMin: 18, healthy: false })]
    const median = medianStep(runs)
    assert.equal(median.cpuSecondsPerBotMinute, 0.1)
    assert.equal(median.joinP99Ms, 3, 'the figures of one real run, not a mix')
    assert.equal(median.healthy, false, 'one unhealthy run makes the step unhealthy')
    assert.deepEqual(median.cpuRuns, [0.12, 0.09, 0.1])
    // The median run itself may have kept 19 TPS while another run did not: no capacity there.
    const healthyMedian = medianStep([runs[2]!, runs[1]!, step(20, { cpuSecondsPerBotMinute: 0.095 })])
    assert.equal(healthyMedian.tpsMin, 19.5)
    assert.equal(capacityOf([step(10), healthyMedian]), 10)
    assert.equal(medianStep([runs[0]!, runs[1]!]).cpuSecondsPerBotMinute, 0.09, 'the lower middle of an even count')
    assert.equal(medianStep([step(20, { cpuSecondsPerBotMinute: null, error: 'did not start', healthy: false }), runs[0]!, runs[1]!]).cpuSecondsPerBotMinute, 0.12, 'a run without a figure sorts last')
    const single = medianStep([runs[0]!])
    assert.equal(single.cpuRuns, undefined, 'one run is reported as before')
    assert.deepEqual(pairedCpuRatios(median, medianStep([step(20, { cpuSecondsPerBotMinute: 1.2 }), step(20, { cpuSecondsPerBotMinute: 0.9 })])), [0.1, 0.1])
    assert.deepEqual(pairedCpuRatios(single, step(20, { cpuSecondsPerBotMinute: 1 })), [0.12])
  })

  test('the chart renders well-formed SVG with a point per step and escaped labels', () => {
    const svg = renderChart('A & B <test>', comparisonPanels({ tessera: [step(10), step(20), step(50)], 'flying-squid': [step(10, { tpsMin: null }), step(20)] }))
    assertWellFormedSvg(svg)
    assert.ok(svg.includes('A &amp; B &lt;test&gt;'))
    assert.equal((svg.match(/<circle /g) ?? []).length, 3 * 3 + 2 + 2 + 1)
    assertWellFormedSvg(renderChart('empty', comparisonPanels({ tessera: [], 'flying-squid': [] })))
  })
})

describe('bench:floor', () => {
  test('two clients send moves to a bare server, which reads them and is measured', { timeout: 60_000 }, async () => {
    const step = await measureIoFloor(2, 1, 0)
    assert.ok(Number.isFinite(step.cpuSecondsPerBotMinute) && step.cpuSecondsPerBotMinute >= 0, `CPU ${step.cpuSecondsPerBotMinute}`)
    // Every move arrived whole: at least one from each client, and only whole moves.
    assert.ok(step.bytesRead >= 2 * MOVE_BYTES, `read ${step.bytesRead} bytes`)
    assert.equal(step.bytesRead % MOVE_BYTES, 0)
  })
})
