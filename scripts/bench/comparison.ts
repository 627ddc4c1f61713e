// bench:compare: the same bot loads, at growing bot counts, against each server in turn, each
// step on a freshly started server measured from outside; then ratios, capacity and a chart.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runLoadTest } from '../loadtest/run.ts'
import type { LoadTestReport } from '../loadtest/report.ts'
import { loadTestSettings, type LoadFlags } from './load-flags.ts'
import { renderChart, type ChartPanel } from './chart.ts'
import { measureProcessTree, startServer } from './server-process.ts'
import { serverSpec, type ServerName } from './servers.ts'

/** What one comparison run does. */
export interface ComparisonOptions extends LoadFlags {
  servers: ServerName[]
  maxN: number
  /**
   * Every server runs every step up to this N even when unhealthy (the targets compare the
   * servers at 20 and 50 bots); past it, a broken server is not loaded further.
   */
  compareThrough: number
  /**
   * Runs per server and N, taken in turns (Tessera, flying-squid, Tessera, ...) so that a change in
   * the shared machine's speed falls on both; each step then reports its median run.
   */
  repeat: number
}

/** The numbers a step contributes to the comparison. */
export interface StepResult {
  n: number
  joined: number
  failed: number
  dropped: number
  failReasons: Record<string, number>
  dropReasons: Record<string, number>
  cpuSecondsPerBotMinute: number | null
  idleRssMb: number
  rssMb: number | null
  rssMbPerBot: number | null
  /** (RSS at the end of the hold − RSS before any bot) / bots still connected */
  addedRssMbPerBot: number | null
  joinP99Ms: number | null
  keepAliveP99Ms: number | null
  keepAliveMethod: string
  tpsMin: number | null
  tpsMean: number | null
  tickMsP99: number | null
  generatorCpuSecondsPerBotMinute: number | null
  /** server failed to start, or the run threw */
  error: string | null
  healthy: boolean
  /** with --repeat, the CPU-seconds per bot-minute of every run of this step, in run order */
  cpuRuns?: Array<number | null>
}

/** Bot counts 10, 20, 50, 100, 200, 400, then doubling, up to maxN (always included if smaller). */
export function botLadder (maxN: number): number[] {
  const ladder: number[] = []
  const base = [10, 20, 50, 100, 200, 400]
  for (const n of base) if (n <= maxN) ladder.push(n)
  let n = 800
  while (n <= maxN) { ladder.push(n); n *= 2 }
  if (maxN >= 1 && !ladder.includes(maxN)) ladder.push(maxN)
  return ladder.sort((a, b) => a - b)
}

/** The tick rate a healthy server keeps through the whole hold phase. */
export const MIN_HEALTHY_TPS = 19

/** The capacity rule: every bot joined, none dropped, tick rate never below 19 during the hold. */
export function isHealthy (step: Pick<StepResult, 'n' | 'joined' | 'dropped' | 'tpsMin' | 'error'>): boolean {
  return step.error === null && step.joined === step.n && step.dropped === 0 && step.tpsMin !== null && step.tpsMin >= MIN_HEALTHY_TPS
}

/**
 * The largest N of a healthy step, 0 if none was. With --repeat a step is its median-CPU run,
 * healthy only if every run was: its own figures passing is not enough.
 */
export function capacityOf (steps: readonly StepResult[]): number {
  return steps.filter((step) => step.healthy && isHealthy(step)).reduce((max, step) => Math.max(max, step.n), 0)
}

/** a / b, or null when either is missing or b is 0. */
export function ratio (a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null
  return Number((a / b).toFixed(3))
}

/** Tessera ÷ flying-squid at one N; with --repeat, also the CPU ratio of each pair of runs. */
export type StepRatios = Record<string, number | null | Array<number | null>>

/** Tessera ÷ flying-squid for the comparable measures of one N. */
export function ratiosOf (tessera: StepResult, flyingSquid: StepResult): Record<string, number | null> {
  return {
    cpuSecondsPerBotMinute: ratio(tessera.cpuSecondsPerBotMinute, flyingSquid.cpuSecondsPerBotMinute),
    rssMbPerBot: ratio(tessera.rssMbPerBot, flyingSquid.rssMbPerBot),
    addedRssMbPerBot: ratio(tessera.addedRssMbPerBot, flyingSquid.addedRssMbPerBot),
    joinP99Ms: ratio(tessera.joinP99Ms, flyingSquid.joinP99Ms),
    // Only comparable when both were measured the same way.
    keepAliveP99Ms: tessera.keepAliveMethod === flyingSquid.keepAliveMethod ? ratio(tessera.keepAliveP99Ms, flyingSquid.keepAliveP99Ms) : null,
    tpsMean: ratio(tessera.tpsMean, flyingSquid.tpsMean)
  }
}

/** Reduces a load-test report to a comparison step. */
export function stepFromReport (n: number, idleRssMb: number, report: LoadTestReport): StepResult {
  const connected = report.joins.joined - report.drops.dropped
  const step: StepResult = {
    n,
    joined: report.joins.joined,
    failed: report.joins.failed,
    dropped: report.drops.dropped,
    failReasons: report.joins.failReasons,
    dropReasons: report.drops.reasons,
    cpuSecondsPerBotMinute: report.server.cpuSecondsPerBotMinute,
    idleRssMb,
    rssMb: report.server.rssMb,
    rssMbPerBot: report.server.rssMbPerBot,
    addedRssMbPerBot: report.server.rssMb === null || connected === 0 ? null : Number(((report.server.rssMb - idleRssMb) / connected).toFixed(2)),
    joinP99Ms: report.joins.latencyMs.p99,
    keepAliveP99Ms: report.keepAliveRtt.p99Ms,
    keepAliveMethod: report.keepAliveRtt.method,
    tpsMin: report.server.tps?.min ?? null,
    tpsMean: report.server.tps?.mean ?? null,
    tickMsP99: report.server.tickMs?.p99 ?? null,
    generatorCpuSecondsPerBotMinute: report.generator.cpuSecondsPerBotMinute,
    error: null,
    healthy: false
  }
  step.healthy = isHealthy(step)
  return step
}

/**
 * One step out of the repeated runs of a server at one N: the run with the median CPU per
 * bot-minute (the lower middle one for an even count; runs without a figure sort last), healthy
 * only if every run was, with every run's CPU figure.
 */
export function medianStep (runs: readonly StepResult[]): StepResult {
  if (runs.length === 0) throw new Error('medianStep needs at least one run')
  const byCpu = [...runs].sort((a, b) => (a.cpuSecondsPerBotMinute ?? Infinity) - (b.cpuSecondsPerBotMinute ?? Infinity))
  const median = byCpu[Math.floor((byCpu.length - 1) / 2)]!
  if (runs.length === 1) return median
  return { ...median, healthy: runs.every((run) => run.healthy), cpuRuns: runs.map((run) => run.cpuSecondsPerBotMinute) }
}

/** Tessera ÷ flying-squid CPU of each pair of runs taken in turn (the i-th of each). */
export function pairedCpuRatios (tessera: StepResult, flyingSquid: StepResult): Array<number | null> {
  const t = tessera.cpuRuns ?? [tessera.cpuSecondsPerBotMinute]
  const f = flyingSquid.cpuRuns ?? [flyingSquid.cpuSecondsPerBotMinute]
  return Array.from({ length: Math.min(t.length, f.length) }, (_, i) => ratio(t[i] ?? null, f[i] ?? null))
}

function failedStep (n: number, error: string): StepResult {
  return {
    n, joined: 0, failed: n, dropped: 0, failReasons: {}, dropReasons: {}, cpuSecondsPerBotMinute: null, idleRssMb: 0, rssMb: null, rssMbPerBot: null, addedRssMbPerBot: null,
    joinP99Ms: null, keepAliveP99Ms: null, keepAliveMethod: 'none', tpsMin: null, tpsMean: null, tickMsP99: null, generatorCpuSecondsPerBotMinute: null, error, healthy: false
  }
}

/** The whole comparison, as written to the results file. */
export interface ComparisonResult {
  startedAt: string
  options: ComparisonOptions
  steps: Record<ServerName, StepResult[]>
  ratios: Record<string, StepRatios>
  capacity: Record<ServerName, number | null>
  reports: Record<string, LoadTestReport>
}

const fmt = (v: number | null, digits = 2): string => (v === null ? 'n/a' : v.toFixed(digits))

/** One table row of a step. */
export function formatStep (server: string, s: StepResult): string {
  const cols = [
    String(s.n).padStart(5), server.padEnd(13), `${s.joined}/${s.n}`.padStart(9), String(s.failed).padStart(6), String(s.dropped).padStart(7),
    fmt(s.cpuSecondsPerBotMinute, 3).padStart(10), fmt(s.rssMbPerBot).padStart(9), fmt(s.joinP99Ms, 0).padStart(9), `${fmt(s.keepAliveP99Ms, 1)}`.padStart(8),
    `${fmt(s.tpsMin, 1)}/${fmt(s.tpsMean, 1)}`.padStart(11), fmt(s.generatorCpuSecondsPerBotMinute, 3).padStart(9), s.error !== null ? `ERROR ${s.error.split('\n')[0]}` : s.healthy ? 'ok' : 'BROKEN'
  ]
  return cols.join(' ')
}

/** The table header matching formatStep. */
export const STEP_HEADER = `${'N'.padStart(5)} ${'server'.padEnd(13)} ${'joined'.padStart(9)} ${'failed'.padStart(6)} ${'dropped'.padStart(7)} ${'CPU-s/bm'.padStart(10)} ${'MB/bot'.padStart(9)} ${'join p99'.padStart(9)} ${'KA p99'.padStart(8)} ${'TPS min/avg'.padStart(11)} ${'gen CPU'.padStart(9)} status
      (CPU-s/bm: server CPU-seconds per bot-minute during the hold; MB/bot: server RSS / bots; join p99 and KA p99 in ms; gen CPU: load generator CPU-s per bot-minute)`

/** Chart panels: CPU per bot, memory per bot and tick rate against N. */
export function comparisonPanels (steps: Record<ServerName, StepResult[]>): ChartPanel[] {
  const colors: Record<ServerName, string> = { tessera: '#1f77b4', 'flying-squid': '#ff7f0e' }
  const series = (pick: (s: StepResult) => number | null) => (Object.entries(steps) as [ServerName, StepResult[]][]).map(([name, list]) => ({
    name, color: colors[name], points: list.map((s) => ({ n: s.n, value: pick(s) }))
  }))
  return [
    { title: 'Server CPU per bot', unit: 'CPU-seconds per bot-minute', series: series((s) => s.cpuSecondsPerBotMinute) },
    { title: 'Server memory', unit: 'RSS MB at end of hold', series: series((s) => s.rssMb) },
    { title: 'Tick rate (lowest during hold)', unit: 'ticks per second', series: series((s) => s.tpsMin), guide: { value: MIN_HEALTHY_TPS, label: `${MIN_HEALTHY_TPS} TPS` } }
  ]
}

/** Consecutive unhealthy steps after which a server is not loaded further. */
export const UNHEALTHY_STEPS_TO_BREAK = 2

/**
 * A server has broken when it failed to run, or its last UNHEALTHY_STEPS_TO_BREAK steps were all
 * unhealthy: one tick-rate dip below 19 at a small N (flying-squid's chunk generation does that)
 * does not end its ladder. Below `compareThrough` bots only an error ends it, so both servers are
 * measured at every N the comparison is made at.
 */
export function hasBroken (steps: readonly StepResult[], compareThrough = 0): boolean {
  const last = steps.at(-1)
  if (last === undefined) return false
  if (last.error !== null) return true
  if (last.n < compareThrough) return false
  const tail = steps.slice(-UNHEALTHY_STEPS_TO_BREAK)
  return tail.length === UNHEALTHY_STEPS_TO_BREAK && tail.every((step) => !step.healthy)
}

/** One run of the load at `n` bots against a freshly started server. */
async function measureStep (name: ServerName, n: number, options: ComparisonOptions, log: (line: string) => void, signal?: AbortSignal): Promise<{ step: StepResult, report?: LoadTestReport }> {
  const spec = await serverSpec(name, { version: options.version, viewDistance: options.viewDistance })
  try {
    const server = await startServer(spec)
    try {
      const idleRssMb = measureProcessTree(server.pid).rssBytes / (1024 * 1024)
      const report = await runLoadTest({
        host: '127.0.0.1',
        port: spec.port,
        ...loadTestSettings(options),
        bots: n,
        metricsUrl: spec.metricsUrl,
        serverPid: server.pid,
        namePrefix: 'bench'
      }, { log: (line) => log(`   ${line}`), ...(signal === undefined ? {} : { signal }) })
      return { step: stepFromReport(n, Number(idleRssMb.toFixed(1)), report), report }
    } finally {
      await server.stop()
    }
  } catch (err) {
    return { step: failedStep(n, (err as Error).message) }
  }
}

/**
 * Runs the comparison: for each N of the ladder, each server not yet broken gets a fresh start,
 * the load, and a stop. Writes <outDir>/compare-<time>.json and .svg; returns the result.
 */
export async function runComparison (options: ComparisonOptions, log: (line: string) => void, signal?: AbortSignal): Promise<{ result: ComparisonResult, jsonPath: string, svgPath: string }> {
  const startedAt = new Date()
  const steps = Object.fromEntries(options.servers.map((name) => [name, [] as StepResult[]])) as unknown as Record<ServerName, StepResult[]>
  const reports: Record<string, LoadTestReport> = {}
  const broken = new Set<ServerName>()
  const aborted = (): boolean => signal?.aborted === true
  log(STEP_HEADER)
  for (const n of botLadder(options.maxN)) {
    if (aborted() || broken.size === options.servers.length) break
    const loaded = options.servers.filter((name) => !broken.has(name))
    const runs = new Map<ServerName, StepResult[]>(loaded.map((name) => [name, []]))
    for (let run = 1; run <= options.repeat; run++) {
      for (const name of loaded) {
        if (aborted()) break
        const label = options.repeat > 1 ? `${name}@${n}#${run}` : `${name}@${n}`
        log(`-- ${name}, ${n} bots${options.repeat > 1 ? `, run ${run} of ${options.repeat}` : ''}: starting server`)
        const { step, report } = await measureStep(name, n, options, log, signal)
        if (report !== undefined) reports[label] = report
        runs.get(name)!.push(step)
        if (options.repeat > 1) log(formatStep(name, step))
      }
    }
    for (const name of loaded) {
      const done = runs.get(name)!
      if (done.length === 0) continue
      const step = medianStep(done)
      steps[name].push(step)
      if (hasBroken(steps[name], options.compareThrough)) broken.add(name)
      log(options.repeat > 1 ? `${formatStep(name, step)} (median of ${done.length})` : formatStep(name, step))
    }
  }

  const ratios: Record<string, StepRatios> = {}
  for (const t of steps.tessera ?? []) {
    const f = (steps['flying-squid'] ?? []).find((s) => s.n === t.n)
    if (f === undefined) continue
    ratios[String(t.n)] = options.repeat > 1 ? { ...ratiosOf(t, f), cpuRuns: pairedCpuRatios(t, f) } : ratiosOf(t, f)
  }
  const capacity = Object.fromEntries(options.servers.map((name) => [name, capacityOf(steps[name])])) as Record<ServerName, number | null>
  const result: ComparisonResult = { startedAt: startedAt.toISOString(), options, steps, ratios, capacity, reports }
  mkdirSync(options.outDir, { recursive: true })
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-')
  const jsonPath = join(options.outDir, `compare-${stamp}.json`)
  const svgPath = join(options.outDir, `compare-${stamp}.svg`)
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`)
  writeFileSync(svgPath, renderChart(`Tessera vs flying-squid: ${options.pattern} pattern, view distance ${options.viewDistance}, ${options.duration} s measured per step`, comparisonPanels(steps)))
  return { result, jsonPath, svgPath }
}

/** The single summary line: per-N results of each server, ratios and capacity. */
export function summaryLine (result: ComparisonResult): string {
  const byN = (list: StepResult[] | undefined): Record<string, Omit<StepResult, 'n' | 'failReasons' | 'dropReasons'>> =>
    Object.fromEntries((list ?? []).map(({ n, failReasons: _f, dropReasons: _d, ...rest }) => [String(n), rest]))
  return JSON.stringify({
    tessera: byN(result.steps.tessera),
    flyingSquid: byN(result.steps['flying-squid']),
    ratios: result.ratios,
    capacity: { tessera: result.capacity.tessera ?? null, flyingSquid: result.capacity['flying-squid'] ?? null }
  })
}
