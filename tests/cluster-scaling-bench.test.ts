// bench:cluster: a short real run (Redis + a 2-node cluster + 4 bots over both gateways) and the
// pure parts: the cluster's port layout, handoff counters over a window, the CLI flags, and the
// load generator's spreading of bots and scrapes over several gateways and nodes.
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { clusterPortCount, clusterPorts } from '../scripts/bench/cluster-launch.ts'
import { roleCpuSeconds, roleOf, runClusterScaling, type ClusterScalingResult } from '../scripts/bench/cluster-scaling-run.ts'
import { parseClusterScalingArgs } from '../scripts/bench/cluster-scaling.ts'
import { handoffSnapshot, handoffWindow } from '../scripts/bench/gateway-handoffs.ts'
import { processTree } from '../scripts/bench/server-process.ts'
import { portOf } from '../scripts/loadtest/bot.ts'
import { gamePorts, LoadTestOptionsError, metricsUrls, resolveOptions } from '../scripts/loadtest/options.ts'
import { parsePrometheusText, scrapeMetrics } from '../scripts/loadtest/server-metrics.ts'

describe('bench:cluster against a real cluster', () => {
  test('4 bots join through both gateways of a 2-node cluster; CPU, Redis and handoffs are measured and nothing is left running', { timeout: 180_000 }, async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'cluster-bench-test-'))
    try {
      const { result, jsonPath } = await runClusterScaling({
        nodes: [2],
        bots: 4,
        regionSize: 1,
        duration: 3,
        warmup: 0,
        ramp: 20,
        pattern: 'random',
        radius: 48,
        viewDistance: 3,
        version: '1.21.4',
        outDir,
        joinTimeoutMs: 30_000,
        readBatchMs: 5
      }, () => {})
      const [step] = result.steps
      assert.ok(step !== undefined)
      assert.equal(step.error, null)
      assert.equal(step.worldNodes, 2)
      assert.equal(step.joined, 4, `joins failed: ${JSON.stringify(step.failReasons)}`)
      assert.equal(step.failed, 0)
      assert.equal(step.dropped, 0, `dropped: ${JSON.stringify(step.dropReasons)}`)
      assert.ok((step.cpuSecondsPerBotMinute ?? 0) > 0, 'the cluster\'s CPU should be measured')
      assert.ok((step.cpuByRole?.worldNodes ?? 0) > 0 && (step.cpuByRole?.gateways ?? 0) > 0, `CPU by role: ${JSON.stringify(step.cpuByRole)}`)
      assert.ok(step.redisCpuSecondsPerBotMinute !== null && step.redisRssMb !== null && step.redisRssMb > 0)
      assert.ok((step.rssMb ?? 0) > step.idleRssMb * 0.5 && step.idleRssMb > 0)
      assert.ok(step.tpsMin !== null && step.tpsMin > 0, 'every world-node\'s tick rate should be scraped')
      assert.ok(step.otherCores !== null && step.otherCores >= 0 && step.otherCores <= 64, `other processes' CPU: ${step.otherCores}`)
      assert.equal(step.handoffError, null)
      assert.ok(step.handoffs !== null && step.handoffs.completed >= 0 && step.handoffs.aborted === 0, JSON.stringify(step.handoffs))
      const report = result.reports['2']
      assert.ok(report !== undefined)
      // Both gateways and both world-nodes were scraped, and bots used both gateways.
      assert.equal(String(report.server.metricsUrl).split(',').length, 4)
      assert.equal(report.server.scrapeErrors, 0, String(report.server.lastScrapeError))
      assert.deepEqual((report.options.ports as number[]).length, 2)
      const written = JSON.parse(readFileSync(jsonPath, 'utf8')) as ClusterScalingResult
      assert.equal(written.steps[0]?.joined, 4)
      assert.deepEqual(processTree(process.pid), [process.pid], 'the cluster and Redis should be stopped')
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  })
})

describe('bench:cluster parts', () => {
  test('the port layout is the launcher\'s: gateway metrics right after the world-nodes\'', () => {
    assert.deepEqual(clusterPorts(30_000, 3), {
      gateways: [30_000, 30_001], auth: 30_002, linkBase: 30_004, metricsBase: 30_007, worldMetrics: [30_007, 30_008, 30_009], gatewayMetrics: [30_010, 30_011]
    })
    const one = clusterPorts(30_000, 1)
    assert.deepEqual([one.worldMetrics, one.gatewayMetrics], [[30_005], [30_006, 30_007]])
    assert.equal(clusterPortCount(1), 8)
    assert.equal(Math.max(...clusterPorts(30_000, 5).gatewayMetrics), 30_000 + clusterPortCount(5) - 1)
  })

  test('handoffs over the hold are counter deltas summed over gateways, latency the worst gateway\'s', () => {
    const scrape = (completed: number, aborted: number, p50?: number): ReturnType<typeof handoffSnapshot> => handoffSnapshot(parsePrometheusText([
      `tessera_handoffs_total{result="completed"} ${completed}`,
      `tessera_handoffs_total{result="aborted"} ${aborted}`,
      ...(p50 === undefined ? [] : [`tessera_handoff_ms{quantile="0.5"} ${p50}`, `tessera_handoff_ms{quantile="0.99"} ${p50 * 2}`, `tessera_handoff_ms{quantile="1"} ${p50 * 3}`])
    ].join('\n')))
    assert.deepEqual(scrape(0, 0), { completed: 0, aborted: 0, p50Ms: null, p99Ms: null, maxMs: null })
    const window = handoffWindow([scrape(10, 1), scrape(5, 0)], [scrape(40, 1, 30), scrape(25, 2, 45.04)], 10)
    assert.deepEqual(window, { completed: 50, aborted: 2, perSecond: 5, p50Ms: 45, p99Ms: 90.1, maxMs: 135.1 })
    assert.deepEqual(handoffWindow([scrape(0, 0)], [scrape(0, 0)], 60), { completed: 0, aborted: 0, perSecond: 0, p50Ms: null, p99Ms: null, maxMs: null })
  })

  test('cluster CPU is split by role from each process\'s command line', () => {
    assert.equal(roleOf('/usr/bin/node /repo/world-node/src/main.ts'), 'worldNodes')
    assert.equal(roleOf('/usr/bin/node /repo/gateway/src/main.ts'), 'gateways')
    assert.equal(roleOf('/usr/bin/node /repo/auth-service/src/main.ts'), 'auth')
    assert.equal(roleOf('/usr/bin/node /repo/scripts/cluster/main.ts'), 'launcher')
    const before = new Map([[1, { role: 'worldNodes' as const, cpuSeconds: 2 }], [2, { role: 'gateways' as const, cpuSeconds: 1 }]])
    const after = new Map([[1, { role: 'worldNodes' as const, cpuSeconds: 5 }], [2, { role: 'gateways' as const, cpuSeconds: 1.5 }], [3, { role: 'worldNodes' as const, cpuSeconds: 1 }]])
    assert.deepEqual(roleCpuSeconds(before, after), { worldNodes: 4, gateways: 0.5, auth: 0, launcher: 0 })
  })

  test('the CLI defaults to 1, 2 and 3 nodes of 100 bots in 2-chunk regions and reports every bad flag', () => {
    const options = parseClusterScalingArgs([])
    assert.ok(options !== 'help')
    assert.deepEqual([options.nodes, options.bots, options.regionSize, options.duration, options.warmup, options.radius, options.viewDistance], [[1, 2, 3], 100, 2, 60, 20, 96, 10])
    assert.throws(() => parseClusterScalingArgs(['--nodes', '1,0', '--bots', 'x', '--region-size', '65']), (err: Error) =>
      err.message.includes('--nodes') && err.message.includes('--bots') && err.message.includes('--region-size'))
  })
})

describe('load generator over several gateways', () => {
  test('bots take the ports in turn; one port is the plain single-server run', () => {
    const context = { ports: [25565, 25566] }
    assert.deepEqual([0, 1, 2, 3].map((i) => portOf(context, i)), [25565, 25566, 25565, 25566])
    assert.deepEqual(gamePorts(resolveOptions({ port: 4000 })), [4000])
    assert.deepEqual(gamePorts(resolveOptions({ port: 4000, ports: [4000, 4001] })), [4000, 4001])
    assert.deepEqual(metricsUrls(resolveOptions({})), [])
    assert.deepEqual(metricsUrls(resolveOptions({ metricsUrl: 'http://a/metrics', extraMetricsUrls: ['http://b/metrics'] })), ['http://a/metrics', 'http://b/metrics'])
    assert.throws(() => resolveOptions({ ports: [1, 70_000], extraMetricsUrls: ['ftp://x'] }), (err: LoadTestOptionsError) => err.problems.length === 3)
  })

  test('a scrape of several endpoints keeps the worst of each figure, and fails if one endpoint fails', async () => {
    const serve = async (body: string | null): Promise<{ server: Server, url: string }> => {
      const server = createServer((_, res) => { res.statusCode = body === null ? 500 : 200; res.end(body ?? 'down') })
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      const address = server.address()
      assert.ok(address !== null && typeof address === 'object')
      return { server, url: `http://127.0.0.1:${address.port}/metrics` }
    }
    const world1 = await serve('tessera_world_tps{node="world-1"} 20\ntessera_world_tick_ms{node="world-1",quantile="0.99"} 4')
    const world2 = await serve('tessera_world_tps{node="world-2"} 18.5\ntessera_world_tick_ms{node="world-2",quantile="0.99"} 9')
    const gateway = await serve('tessera_keepalive_rtt_ms{quantile="0.99"} 12\ntessera_keepalive_rtt_ms{quantile="0.5"} 3')
    const broken = await serve(null)
    try {
      const sample = await scrapeMetrics([world1.url, world2.url, gateway.url], 2000, () => 7)
      assert.deepEqual(sample, { at: 7, tps: 18.5, tickMsP50: null, tickMsP99: 9, keepAliveMsP50: 3, keepAliveMsP99: 12 })
      await assert.rejects(scrapeMetrics([world1.url, broken.url], 2000, () => 0), /HTTP 500/)
    } finally {
      for (const { server } of [world1, world2, gateway, broken]) server.close()
    }
  })
})
