// Turns what a run measured into the report: percentiles, per-bot averages, rates per bot-minute,
// and a plain-text rendering for the terminal.
import type { BotResult } from './bot.ts'
import type { MetricsSample } from './server-metrics.ts'

/** Percentile by linear interpolation between closest ranks; null for no samples. p in [0, 100]. */
export function percentile (values: readonly number[], p: number): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1)
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const lowValue = sorted[low] as number
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low)
}

/** The usual latency summary. */
export interface Quantiles {
  count: number
  p50: number | null
  p95: number | null
  p99: number | null
  max: number | null
}

/** p50/p95/p99/max of some samples. */
export function quantiles (values: readonly number[]): Quantiles {
  return {
    count: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    max: values.length === 0 ? null : Math.max(...values)
  }
}

/** Bot-minutes the bots spent connected inside [from, to] (performance.now() ms). */
export function botMinutes (bots: readonly BotResult[], from: number, to: number): number {
  let ms = 0
  for (const bot of bots) {
    if (bot.joinedAt === undefined) continue
    const start = Math.max(from, bot.joinedAt)
    const end = Math.min(to, bot.endedAt ?? to)
    if (end > start) ms += end - start
  }
  return ms / 60_000
}

/** Counts of each distinct reason. */
export function countReasons (reasons: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const reason of reasons) counts[reason] = (counts[reason] ?? 0) + 1
  return counts
}

/** How the keep-alive round trip was measured, see KEEPALIVE_NOTE. */
export type RttMethod = 'server-keepalive-metric' | 'client-ping-request' | 'none'

const KEEPALIVE_NOTE = {
  'server-keepalive-metric': 'server-observed keep-alive round trip (server sends keep_alive → handles our reply), scraped from tessera_keepalive_rtt_ms; p50 = mean of scraped p50, p99 = worst scraped p99',
  'client-ping-request': 'client-observed round trip of play-state ping_request → ping_response; the server did not expose tessera_keepalive_rtt_ms. Replying to keep_alive takes ~0 ms on our side, so timing that would measure nothing',
  none: 'not measured: the server exposes no tessera_keepalive_rtt_ms and does not answer ping_request'
} as const

/** The aggregated result of one load-test run; also the --json-out file. */
export interface LoadTestReport {
  tool: 'tessera-loadtest'
  startedAt: string
  options: Record<string, unknown>
  phasesS: { ramp: number, warmup: number, hold: number, total: number }
  joins: { attempted: number, joined: number, failed: number, failReasons: Record<string, number>, latencyMs: Quantiles, spawnLatencyMs: Quantiles }
  drops: { dropped: number, reasons: Record<string, number> }
  traffic: {
    bytesInPerBot: number
    bytesOutPerBot: number
    packetsInPerBot: number
    chunkPacketsPerBot: number
    bytesInPerBotSecond: number
    topPackets: { name: string, count: number }[]
  }
  keepAliveRtt: { method: RttMethod, p50Ms: number | null, p99Ms: number | null, samples: number, note: string, clientPingMs: Quantiles }
  server: {
    metricsUrl: string | null
    scrapes: number
    scrapeErrors: number
    lastScrapeError: string | null
    /** worst series (region) per scrape, over the hold phase */
    tps: { min: number, mean: number, last: number } | null
    tickMs: { p50: number, p99: number } | null
    pid: number | null
    holdCpuSeconds: number | null
    cpuSecondsPerBotMinute: number | null
    rssMb: number | null
    rssMbPerBot: number | null
  }
  generator: {
    cpuSeconds: number
    holdCpuSeconds: number
    cpuSecondsPerBotMinute: number | null
    rssMb: number
    maxRssMb: number
    eventLoopDelayMs: { p50: number, p99: number, max: number }
  }
  botMinutes: { total: number, hold: number }
  bots: { name: string, kind: string, outcome: string, reason?: string, joinMs?: number, bytesIn: number, chunkPackets: number }[]
}

/** What runLoadTest hands to buildReport. Times are performance.now() ms. */
export interface RunRecord {
  options: Record<string, unknown>
  startedAt: Date
  t0: number
  rampEnd: number
  holdStart: number
  holdEnd: number
  end: number
  bots: readonly BotResult[]
  pingRttMs: readonly number[]
  metricsUrl: string | null
  metrics: readonly MetricsSample[]
  scrapeErrors: number
  lastScrapeError: string | null
  generator: { cpuMicros: number, holdCpuMicros: number, rssBytes: number, maxRssBytes: number, loopDelayMs: { p50: number, p99: number, max: number } }
  server: { pid: number, holdCpuSeconds: number, rssBytes: number } | null
}

const mean = (values: readonly number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length
const round = (value: number, digits = 3): number => Number(value.toFixed(digits))
const MB = 1024 * 1024

/** Aggregates a run into the report. */
export function buildReport (run: RunRecord): LoadTestReport {
  const { bots } = run
  const joined = bots.filter((bot) => bot.joinedAt !== undefined)
  const failed = bots.filter((bot) => bot.outcome === 'failed')
  const dropped = bots.filter((bot) => bot.outcome === 'dropped')
  const perJoined = (pick: (bot: BotResult) => number): number => (joined.length === 0 ? 0 : round(joined.reduce((sum, bot) => sum + pick(bot), 0) / joined.length, 1))
  const connectedSeconds = joined.reduce((sum, bot) => sum + ((bot.endedAt ?? run.end) - (bot.joinedAt ?? run.end)) / 1000, 0)
  const totals: Record<string, number> = {}
  for (const bot of bots) for (const [name, count] of Object.entries(bot.packetsByName)) totals[name] = (totals[name] ?? 0) + count
  const topPackets = Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 12).map(([name, count]) => ({ name, count }))

  const hold = run.metrics.filter((sample) => sample.at >= run.holdStart && sample.at <= run.holdEnd)
  const window = hold.length > 0 ? hold : run.metrics
  const tpsValues = window.map((s) => s.tps).filter((v): v is number => v !== null)
  const tickP50 = window.map((s) => s.tickMsP50).filter((v): v is number => v !== null)
  const tickP99 = window.map((s) => s.tickMsP99).filter((v): v is number => v !== null)
  const kaP50 = window.map((s) => s.keepAliveMsP50).filter((v): v is number => v !== null)
  const kaP99 = window.map((s) => s.keepAliveMsP99).filter((v): v is number => v !== null)
  const clientPing = quantiles(run.pingRttMs)
  let method: RttMethod = 'none'
  if (kaP99.length > 0) method = 'server-keepalive-metric'
  else if (clientPing.count > 0) method = 'client-ping-request'

  const totalBotMinutes = botMinutes(bots, run.t0, run.end)
  const holdBotMinutes = botMinutes(bots, run.holdStart, run.holdEnd)
  const connectedAtEnd = bots.filter((bot) => bot.joinedAt !== undefined && (bot.endedAt === undefined || bot.endedAt >= run.holdEnd)).length
  const perBotMinute = (cpuSeconds: number): number | null => (holdBotMinutes > 0 ? round(cpuSeconds / holdBotMinutes, 4) : null)
  const server = run.server
  return {
    tool: 'tessera-loadtest',
    startedAt: run.startedAt.toISOString(),
    options: run.options,
    phasesS: { ramp: round((run.rampEnd - run.t0) / 1000, 1), warmup: round((run.holdStart - run.rampEnd) / 1000, 1), hold: round((run.holdEnd - run.holdStart) / 1000, 1), total: round((run.end - run.t0) / 1000, 1) },
    joins: {
      attempted: bots.length,
      joined: joined.length,
      failed: failed.length,
      failReasons: countReasons(failed.map((bot) => bot.reason ?? 'unknown')),
      latencyMs: roundQuantiles(quantiles(joined.map((bot) => bot.joinMs ?? 0))),
      spawnLatencyMs: roundQuantiles(quantiles(bots.flatMap((bot) => (bot.spawnMs === undefined ? [] : [bot.spawnMs]))))
    },
    drops: { dropped: dropped.length, reasons: countReasons(dropped.map((bot) => bot.reason ?? 'unknown')) },
    traffic: {
      bytesInPerBot: perJoined((bot) => bot.bytesIn),
      bytesOutPerBot: perJoined((bot) => bot.bytesOut),
      packetsInPerBot: perJoined((bot) => bot.packetsIn),
      chunkPacketsPerBot: perJoined((bot) => bot.chunkPackets),
      bytesInPerBotSecond: connectedSeconds > 0 ? round(joined.reduce((sum, bot) => sum + bot.bytesIn, 0) / connectedSeconds, 0) : 0,
      topPackets
    },
    keepAliveRtt: {
      method,
      p50Ms: method === 'server-keepalive-metric' ? round(mean(kaP50), 2) : method === 'client-ping-request' ? round(clientPing.p50 ?? 0, 2) : null,
      p99Ms: method === 'server-keepalive-metric' ? round(Math.max(...kaP99), 2) : method === 'client-ping-request' ? round(clientPing.p99 ?? 0, 2) : null,
      samples: method === 'server-keepalive-metric' ? kaP99.length : clientPing.count,
      note: KEEPALIVE_NOTE[method],
      clientPingMs: roundQuantiles(clientPing)
    },
    server: {
      metricsUrl: run.metricsUrl,
      scrapes: run.metrics.length,
      scrapeErrors: run.scrapeErrors,
      lastScrapeError: run.lastScrapeError,
      tps: tpsValues.length === 0 ? null : { min: round(Math.min(...tpsValues), 2), mean: round(mean(tpsValues), 2), last: round(tpsValues[tpsValues.length - 1] as number, 2) },
      tickMs: tickP99.length === 0 ? null : { p50: round(tickP50.length > 0 ? mean(tickP50) : 0, 3), p99: round(Math.max(...tickP99), 3) },
      pid: server?.pid ?? null,
      holdCpuSeconds: server === null ? null : round(server.holdCpuSeconds, 2),
      cpuSecondsPerBotMinute: server === null ? null : perBotMinute(server.holdCpuSeconds),
      rssMb: server === null ? null : round(server.rssBytes / MB, 1),
      rssMbPerBot: server === null || connectedAtEnd === 0 ? null : round(server.rssBytes / MB / connectedAtEnd, 2)
    },
    generator: {
      cpuSeconds: round(run.generator.cpuMicros / 1e6, 2),
      holdCpuSeconds: round(run.generator.holdCpuMicros / 1e6, 2),
      cpuSecondsPerBotMinute: perBotMinute(run.generator.holdCpuMicros / 1e6),
      rssMb: round(run.generator.rssBytes / MB, 1),
      maxRssMb: round(run.generator.maxRssBytes / MB, 1),
      eventLoopDelayMs: run.generator.loopDelayMs
    },
    botMinutes: { total: round(totalBotMinutes, 2), hold: round(holdBotMinutes, 2) },
    bots: bots.map((bot) => ({
      name: bot.name,
      kind: bot.kind,
      outcome: bot.outcome,
      ...(bot.reason === undefined ? {} : { reason: bot.reason }),
      ...(bot.joinMs === undefined ? {} : { joinMs: round(bot.joinMs, 1) }),
      bytesIn: bot.bytesIn,
      chunkPackets: bot.chunkPackets
    }))
  }
}

function roundQuantiles (q: Quantiles): Quantiles {
  const r = (v: number | null): number | null => (v === null ? null : round(v, 1))
  return { count: q.count, p50: r(q.p50), p95: r(q.p95), p99: r(q.p99), max: r(q.max) }
}

const fmt = (value: number | null | undefined, unit = ''): string => (value === null || value === undefined ? 'n/a' : `${value}${unit}`)

function formatCounts (counts: Record<string, number>): string[] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([reason, count]) => `    ${count} × ${reason}`)
}

/** A terminal rendering of the report. */
export function formatReport (report: LoadTestReport): string {
  const { joins, drops, traffic, keepAliveRtt: rtt, server, generator } = report
  const lines = [
    `load test: ${joins.attempted} bots, ramp ${report.phasesS.ramp} s, warm-up ${report.phasesS.warmup} s, hold ${report.phasesS.hold} s, total ${report.phasesS.total} s`,
    `  joined ${joins.joined}/${joins.attempted}, failed ${joins.failed}`,
    ...formatCounts(joins.failReasons),
    `  join latency ms (connect → play login): p50 ${fmt(joins.latencyMs.p50)} p95 ${fmt(joins.latencyMs.p95)} p99 ${fmt(joins.latencyMs.p99)} max ${fmt(joins.latencyMs.max)}`,
    `  spawn latency ms (connect → first teleport): p50 ${fmt(joins.spawnLatencyMs.p50)} p99 ${fmt(joins.spawnLatencyMs.p99)}`,
    `  dropped during run: ${drops.dropped}`,
    ...formatCounts(drops.reasons),
    `  per joined bot: ${(traffic.bytesInPerBot / 1024).toFixed(1)} KiB in, ${(traffic.bytesOutPerBot / 1024).toFixed(1)} KiB out, ${traffic.packetsInPerBot} packets, ${traffic.chunkPacketsPerBot} chunk packets; ${(traffic.bytesInPerBotSecond / 1024).toFixed(1)} KiB/s in`,
    `  keep-alive RTT [${rtt.method}]: p50 ${fmt(rtt.p50Ms, ' ms')} p99 ${fmt(rtt.p99Ms, ' ms')} (${rtt.samples} samples)${Number(report.options.readBatchMs) > 0 ? `, includes up to ${String(report.options.readBatchMs)} ms of read batching` : ''}`,
    `    ${rtt.note}`,
    server.metricsUrl === null
      ? '  server metrics: not scraped (no --metrics URL)'
      : `  server metrics (${server.scrapes} scrapes, ${server.scrapeErrors} errors${server.lastScrapeError === null ? '' : `: ${server.lastScrapeError}`}): TPS min ${fmt(server.tps?.min)} mean ${fmt(server.tps?.mean)}; tick ms p50 ${fmt(server.tickMs?.p50)} p99 ${fmt(server.tickMs?.p99)}`,
    server.pid === null
      ? '  server process: not measured (no --server-pid)'
      : `  server process ${server.pid}: ${fmt(server.holdCpuSeconds)} CPU-s during hold = ${fmt(server.cpuSecondsPerBotMinute)} CPU-s per bot-minute; RSS ${fmt(server.rssMb)} MB (${fmt(server.rssMbPerBot)} MB per bot)`,
    `  load generator: ${generator.cpuSeconds} CPU-s total, ${generator.holdCpuSeconds} during hold = ${fmt(generator.cpuSecondsPerBotMinute)} CPU-s per bot-minute; RSS ${generator.rssMb} MB (max ${generator.maxRssMb}); event-loop delay p99 ${generator.eventLoopDelayMs.p99} ms`,
    `  top packets: ${traffic.topPackets.slice(0, 8).map((p) => `${p.name} ${p.count}`).join(', ')}`
  ]
  return lines.join('\n')
}
