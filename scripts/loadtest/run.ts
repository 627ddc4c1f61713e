// One load-test run: ramp bots in, hold the load for the duration, disconnect, report. Every
// phase is bounded in time; nothing but the target host is contacted.
import { writeFileSync } from 'node:fs'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { measureProcessTree } from '../bench/server-process.ts'
import { LightBot, ReadBatcher, type BotContext, type BotHandle } from './bot.ts'
import { MineflayerBot } from './mineflayer-bot.ts'
import { gamePorts, metricsUrls, resolveOptions, type LoadTestOptions } from './options.ts'
import { createProtocolCodec } from './protocol-codec.ts'
import { buildReport, type LoadTestReport } from './report.ts'
import { scrapeMetrics, type MetricsSample } from './server-metrics.ts'

export { resolveOptions, type LoadTestOptions } from './options.ts'
export type { LoadTestReport } from './report.ts'

/** Hooks for callers that watch a run: progress lines, cancellation and the measured window. */
export interface RunHooks {
  log?: (line: string) => void
  signal?: AbortSignal
  /** called synchronously as the measured hold starts and ends, to read other counters over it */
  onHold?: (phase: 'start' | 'end') => void
}

const TICK_MS = 50
const PROGRESS_MS = 5000
const SETTLE_SLACK_MS = 5000

/** Waits ms, or less if the signal aborts first; never rejects for the abort. */
async function wait (ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal === undefined ? {} : { signal })
  } catch (err) {
    if (!(err instanceof Error && err.name === 'AbortError')) throw err
  }
}

/**
 * Runs a load test against options.host:options.port (or spread over options.ports) and resolves with the report (also written
 * to options.jsonOut if set). Rejects only for invalid options or an unknown version; server
 * failures are part of the report.
 */
export async function runLoadTest (input: Partial<LoadTestOptions>, hooks: RunHooks = {}): Promise<LoadTestReport> {
  const options = resolveOptions(input)
  const log = hooks.log ?? (() => {})
  const { signal } = hooks
  const codec = createProtocolCodec(options.version)
  const loopDelay = monitorEventLoopDelay({ resolution: 10 })
  loopDelay.enable()

  const startedAt = new Date()
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  const bots: BotHandle[] = []
  let settled = 0
  let onAllSettled = (): void => {}
  const allSettled = new Promise<void>((resolve) => { onAllSettled = resolve })
  const context: BotContext = {
    host: options.host,
    ports: gamePorts(options),
    codec,
    pattern: options.pattern,
    radius: options.radius,
    total: options.bots,
    viewDistance: options.viewDistance,
    chunksPerTick: options.chunksPerTick,
    joinTimeoutMs: options.joinTimeoutMs,
    probeIntervalMs: options.probeIntervalMs,
    pingRttMs: [],
    readBatcher: options.readBatchMs > 0 ? new ReadBatcher(options.readBatchMs) : null,
    onSettled: () => {
      settled++
      if (settled === options.bots) onAllSettled()
    }
  }

  // One timer drives the ramp and every bot's movement: cheaper than a timer per bot. With
  // --stagger K it runs K times per tick and moves the bots of one slot each time.
  let slot = 0
  const tick = setInterval(() => {
    const now = performance.now()
    while (bots.length < options.bots && now >= t0 + (bots.length * 1000) / options.ramp) {
      const index = bots.length
      const name = `${options.namePrefix}${index}`
      const bot = index < options.mineflayer ? new MineflayerBot(name, index, context) : new LightBot(name, index, context)
      bots.push(bot)
      bot.start()
    }
    for (let i = slot; i < bots.length; i += options.stagger) bots[i]!.tick(now)
    slot = (slot + 1) % options.stagger
  }, TICK_MS / options.stagger)

  const metrics: MetricsSample[] = []
  let scrapeErrors = 0
  let lastScrapeError: string | null = null
  let scraping = false
  const urls = metricsUrls(options)
  const scrape = (): void => {
    if (urls.length === 0 || scraping) return
    scraping = true
    scrapeMetrics(urls, Math.min(1500, options.scrapeIntervalMs), () => performance.now())
      .then((sample) => { metrics.push(sample) }, (err: Error) => { scrapeErrors++; lastScrapeError = err.message })
      .finally(() => { scraping = false })
  }
  scrape()
  const scraper = setInterval(scrape, options.scrapeIntervalMs)

  const counts = (): string => {
    const results = bots.map((bot) => bot.result)
    const joined = results.filter((r) => r.joinedAt !== undefined).length
    const failed = results.filter((r) => r.outcome === 'failed').length
    const dropped = results.filter((r) => r.outcome === 'dropped').length
    const last = metrics[metrics.length - 1]
    const tps = last?.tps === null || last === undefined ? '' : `, server TPS ${last.tps.toFixed(1)}`
    return `started ${bots.length}/${options.bots}, joined ${joined}, failed ${failed}, dropped ${dropped}${tps}`
  }
  const progress = setInterval(() => log(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${counts()}`), PROGRESS_MS)

  let rampEnd = t0
  let holdStart = t0
  let holdEnd = t0
  let serverHold: { pid: number, holdCpuSeconds: number, rssBytes: number } | null = null
  let cpuHold0 = cpu0
  let cpuHold1 = cpu0
  try {
    // Ramp: every bot joins or fails (each has its own join timeout); the bound is a backstop.
    const rampBound = (options.bots * 1000) / options.ramp + options.joinTimeoutMs + SETTLE_SLACK_MS
    const rampOver = new AbortController()
    const stopRamp = (): void => rampOver.abort()
    signal?.addEventListener('abort', stopRamp, { once: true })
    if (signal?.aborted === true) stopRamp()
    await Promise.race([allSettled, wait(rampBound, rampOver.signal)])
    stopRamp()
    signal?.removeEventListener('abort', stopRamp)
    rampEnd = performance.now()
    log(`ramp done: ${counts()}`)

    if (options.warmup > 0) {
      log(`warm-up: ${options.warmup} s of load before measuring`)
      await wait(options.warmup * 1000, signal)
    }
    holdStart = performance.now()
    cpuHold0 = process.cpuUsage()
    const server0 = options.serverPid === null ? null : measureProcessTree(options.serverPid)
    hooks.onHold?.('start')
    // The hold phase is the load itself: a fixed duration, cut short only by the signal.
    await wait(options.duration * 1000, signal)
    holdEnd = performance.now()
    cpuHold1 = process.cpuUsage()
    hooks.onHold?.('end')
    if (server0 !== null && options.serverPid !== null) {
      const server1 = measureProcessTree(options.serverPid)
      serverHold = { pid: options.serverPid, holdCpuSeconds: server1.cpuSeconds - server0.cpuSeconds, rssBytes: server1.rssBytes }
    }
  } finally {
    clearInterval(tick)
    clearInterval(scraper)
    clearInterval(progress)
  }
  const rssBytes = process.memoryUsage.rss()
  context.readBatcher?.stop()
  await Promise.all(bots.map((bot) => bot.close()))
  const end = performance.now()
  const cpu1 = process.cpuUsage()
  loopDelay.disable()
  const micros = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => b.user - a.user + b.system - a.system
  const { jsonOut: _jsonOut, ...reportedOptions } = options

  const report = buildReport({
    options: reportedOptions,
    startedAt,
    t0,
    rampEnd,
    holdStart,
    holdEnd,
    end,
    bots: bots.map((bot) => bot.result),
    pingRttMs: context.pingRttMs,
    metricsUrl: urls.length === 0 ? null : urls.join(','),
    metrics,
    scrapeErrors,
    lastScrapeError,
    generator: {
      cpuMicros: micros(cpu0, cpu1),
      holdCpuMicros: micros(cpuHold0, cpuHold1),
      rssBytes,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      loopDelayMs: {
        p50: Number((loopDelay.percentile(50) / 1e6).toFixed(2)),
        p99: Number((loopDelay.percentile(99) / 1e6).toFixed(2)),
        max: Number((loopDelay.max / 1e6).toFixed(2))
      }
    },
    server: serverHold
  })
  if (options.jsonOut !== null) writeFileSync(options.jsonOut, `${JSON.stringify(report, null, 2)}\n`)
  return report
}
