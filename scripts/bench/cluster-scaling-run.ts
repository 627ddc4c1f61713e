// bench:cluster: the same bot load against a fresh `npm run cluster` with 1, 2, 3... world-nodes
// and small regions, so bots keep crossing region borders. Each step reports bench:compare's
// figures for the whole cluster plus Redis's CPU and the handoff rate and latency.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadTestSettings, type LoadFlags } from './load-flags.ts'
import type { LoadTestReport } from '../loadtest/report.ts'
import { runLoadTest } from '../loadtest/run.ts'
import { startCluster, type RunningCluster } from './cluster-launch.ts'
import { stepFromReport, type StepResult } from './comparison.ts'
import { handoffWindow, readHandoffs, type HandoffSnapshot, type HandoffWindow } from './gateway-handoffs.ts'
import { listProcessTree, machineBusySeconds, measureProcessTree } from './server-process.ts'

/** What one scaling run does; its load flags' ramp is joins per second over both gateways. */
export interface ClusterScalingOptions extends LoadFlags {
  /** world-node counts, one fresh cluster each */
  nodes: number[]
  bots: number
  /** WORLD_REGION_SIZE, chunks per region side */
  regionSize: number
}

/** The kinds of process in a cluster's tree, for the CPU breakdown. */
export type ClusterRole = 'worldNodes' | 'gateways' | 'auth' | 'launcher'

/** One node count's figures: bench:compare's, for the whole cluster, and the cluster's own. */
export interface ClusterStep extends StepResult {
  worldNodes: number
  /** server CPU split by kind of process, CPU-seconds per bot-minute of the hold */
  cpuByRole: Record<ClusterRole, number> | null
  /** the private redis-server, which is not in the cluster's process tree */
  redisCpuSecondsPerBotMinute: number | null
  redisRssMb: number | null
  /** counter deltas over the hold of both gateways; latency of their recent handoffs */
  handoffs: HandoffWindow | null
  handoffError: string | null
  /** cores' worth of CPU that processes other than the cluster, Redis and the bots took during the hold */
  otherCores: number | null
}

/** Which role a process of the cluster's tree plays, from its command line. */
export function roleOf (command: string): ClusterRole {
  if (command.includes('world-node/src/main.ts')) return 'worldNodes'
  if (command.includes('gateway/src/main.ts')) return 'gateways'
  if (command.includes('auth-service/src/main.ts')) return 'auth'
  return 'launcher'
}

function cpuByPid (rootPid: number): Map<number, { role: ClusterRole, cpuSeconds: number }> {
  return new Map(listProcessTree(rootPid).map((p) => [p.pid, { role: roleOf(p.command), cpuSeconds: p.cpuSeconds }]))
}

/** CPU-seconds per role between two readings of the same tree; processes that left are skipped. */
export function roleCpuSeconds (before: ReadonlyMap<number, { role: ClusterRole, cpuSeconds: number }>, after: ReadonlyMap<number, { role: ClusterRole, cpuSeconds: number }>): Record<ClusterRole, number> {
  const totals: Record<ClusterRole, number> = { worldNodes: 0, gateways: 0, auth: 0, launcher: 0 }
  for (const [pid, end] of after) totals[end.role] += end.cpuSeconds - (before.get(pid)?.cpuSeconds ?? 0)
  return totals
}

/** Everything measured outside the load test over its hold. */
interface HoldReadings {
  roles0?: Map<number, { role: ClusterRole, cpuSeconds: number }>
  roles1?: Map<number, { role: ClusterRole, cpuSeconds: number }>
  redis0?: number
  redis1?: number
  redisRssBytes?: number
  machine0?: number
  machine1?: number
  handoffs0?: Promise<{ at: number, snapshots: HandoffSnapshot[] }>
  handoffs1?: Promise<{ at: number, snapshots: HandoffSnapshot[] }>
}

async function readAllHandoffs (cluster: RunningCluster): Promise<{ at: number, snapshots: HandoffSnapshot[] }> {
  const snapshots = await Promise.all(cluster.gatewayMetricsUrls.map(async (url) => await readHandoffs(url)))
  return { at: performance.now(), snapshots }
}

const round = (value: number, digits = 4): number => Number(value.toFixed(digits))

/** Reduces a report and the readings around its hold to a step. */
function stepOf (worldNodes: number, bots: number, idleRssMb: number, report: LoadTestReport, readings: HoldReadings, handoffs: HandoffWindow | null, handoffError: string | null): ClusterStep {
  const botMinutes = report.botMinutes.hold
  const perBotMinute = (seconds: number): number | null => (botMinutes > 0 ? round(seconds / botMinutes) : null)
  let cpuByRole: Record<ClusterRole, number> | null = null
  if (readings.roles0 !== undefined && readings.roles1 !== undefined && botMinutes > 0) {
    const seconds = roleCpuSeconds(readings.roles0, readings.roles1)
    cpuByRole = { worldNodes: round(seconds.worldNodes / botMinutes), gateways: round(seconds.gateways / botMinutes), auth: round(seconds.auth / botMinutes), launcher: round(seconds.launcher / botMinutes) }
  }
  const redisCpu = readings.redis0 !== undefined && readings.redis1 !== undefined ? readings.redis1 - readings.redis0 : null
  let otherCores: number | null = null
  if (readings.machine0 !== undefined && readings.machine1 !== undefined && redisCpu !== null && report.server.holdCpuSeconds !== null && report.phasesS.hold > 0) {
    const ours = report.server.holdCpuSeconds + redisCpu + report.generator.holdCpuSeconds
    otherCores = round(Math.max(0, readings.machine1 - readings.machine0 - ours) / report.phasesS.hold, 2)
  }
  return {
    ...stepFromReport(bots, idleRssMb, report),
    worldNodes,
    cpuByRole,
    redisCpuSecondsPerBotMinute: redisCpu === null ? null : perBotMinute(redisCpu),
    redisRssMb: readings.redisRssBytes === undefined ? null : round(readings.redisRssBytes / (1024 * 1024), 1),
    handoffs,
    handoffError,
    otherCores
  }
}

function failedStep (worldNodes: number, bots: number, error: string): ClusterStep {
  return {
    n: bots, joined: 0, failed: bots, dropped: 0, failReasons: {}, dropReasons: {}, cpuSecondsPerBotMinute: null, idleRssMb: 0, rssMb: null, rssMbPerBot: null, addedRssMbPerBot: null,
    joinP99Ms: null, keepAliveP99Ms: null, keepAliveMethod: 'none', tpsMin: null, tpsMean: null, tickMsP99: null, generatorCpuSecondsPerBotMinute: null, error, healthy: false,
    worldNodes, cpuByRole: null, redisCpuSecondsPerBotMinute: null, redisRssMb: null, handoffs: null, handoffError: null, otherCores: null
  }
}

/** One node count: fresh Redis and cluster, the load through both gateways, then a stop. */
async function runStep (worldNodes: number, options: ClusterScalingOptions, logPath: string, log: (line: string) => void, signal: AbortSignal | undefined): Promise<{ step: ClusterStep, report: LoadTestReport | null }> {
  log(`-- ${worldNodes} world-node${worldNodes === 1 ? '' : 's'}, ${options.bots} bots: starting Redis and the cluster (its log: ${logPath})`)
  let cluster: RunningCluster | undefined
  try {
    cluster = await startCluster({ worldNodes, regionSize: options.regionSize, viewDistance: options.viewDistance, version: options.version }, logPath)
    const running = cluster
    const idleRssMb = round(measureProcessTree(running.pid).rssBytes / (1024 * 1024), 1)
    const readings: HoldReadings = {}
    const report = await runLoadTest({
      host: '127.0.0.1',
      port: running.ports.gateways[0],
      ports: running.ports.gateways,
      ...loadTestSettings(options),
      bots: options.bots,
      metricsUrl: running.worldMetricsUrls[0] ?? null,
      extraMetricsUrls: [...running.worldMetricsUrls.slice(1), ...running.gatewayMetricsUrls],
      serverPid: running.pid,
      namePrefix: 'cb'
    }, {
      log: (line) => log(`   ${line}`),
      ...(signal === undefined ? {} : { signal }),
      onHold: (phase) => {
        const redis = measureProcessTree(running.redisPid)
        if (phase === 'start') {
          readings.machine0 = machineBusySeconds()
          readings.roles0 = cpuByPid(running.pid)
          readings.redis0 = redis.cpuSeconds
          readings.handoffs0 = readAllHandoffs(running)
          readings.handoffs0.catch(() => {})
        } else {
          readings.machine1 = machineBusySeconds()
          readings.roles1 = cpuByPid(running.pid)
          readings.redis1 = redis.cpuSeconds
          readings.redisRssBytes = redis.rssBytes
          readings.handoffs1 = readAllHandoffs(running)
          readings.handoffs1.catch(() => {})
        }
      }
    })
    let handoffs: HandoffWindow | null = null
    let handoffError: string | null = null
    try {
      if (readings.handoffs0 === undefined || readings.handoffs1 === undefined) throw new Error('the hold never started')
      const [start, end] = [await readings.handoffs0, await readings.handoffs1]
      handoffs = handoffWindow(start.snapshots, end.snapshots, (end.at - start.at) / 1000)
    } catch (err) {
      handoffError = (err as Error).message
    }
    return { step: stepOf(worldNodes, options.bots, idleRssMb, report, readings, handoffs, handoffError), report }
  } catch (err) {
    return { step: failedStep(worldNodes, options.bots, (err as Error).message), report: null }
  } finally {
    await cluster?.stop()
  }
}

/** The machine a run measured, for the results file and the README. */
export interface MachineInfo {
  cpus: number
  cpuModel: string
  memoryGiB: number
  node: string
  loadAverageAtStart: number[]
}

/** The whole scaling run, as written to the results file. */
export interface ClusterScalingResult {
  startedAt: string
  options: ClusterScalingOptions
  machine: MachineInfo
  steps: ClusterStep[]
  reports: Record<string, LoadTestReport>
}

/**
 * Runs every node count in turn, each on a fresh Redis and cluster, stopping early (with what it
 * has) when the signal aborts. Writes <outDir>/cluster-scaling-<time>.json, and each cluster's
 * output to cluster-scaling-<time>-<N>-nodes.log.
 */
export async function runClusterScaling (options: ClusterScalingOptions, log: (line: string) => void, signal?: AbortSignal): Promise<{ result: ClusterScalingResult, jsonPath: string }> {
  const startedAt = new Date()
  const machine: MachineInfo = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    loadAverageAtStart: loadavg().map((v) => round(v, 2))
  }
  const steps: ClusterStep[] = []
  const reports: Record<string, LoadTestReport> = {}
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-')
  mkdirSync(options.outDir, { recursive: true })
  log(CLUSTER_STEP_HEADER)
  for (const worldNodes of options.nodes) {
    if (signal?.aborted === true) break
    const logPath = join(options.outDir, `cluster-scaling-${stamp}-${worldNodes}-nodes.log`)
    const { step, report } = await runStep(worldNodes, options, logPath, log, signal)
    steps.push(step)
    if (report !== null) reports[String(worldNodes)] = report
    log(formatClusterStep(step))
  }
  const result: ClusterScalingResult = { startedAt: startedAt.toISOString(), options, machine, steps, reports }
  const jsonPath = join(options.outDir, `cluster-scaling-${stamp}.json`)
  writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`)
  return { result, jsonPath }
}

const fmt = (v: number | null | undefined, digits = 2): string => (v === null || v === undefined ? 'n/a' : v.toFixed(digits))

/** The table header matching formatClusterStep. */
export const CLUSTER_STEP_HEADER = `${'nodes'.padStart(5)} ${'joined'.padStart(9)} ${'failed'.padStart(6)} ${'dropped'.padStart(7)} ${'CPU-s/bm'.padStart(9)} ${'redis'.padStart(7)} ${'MB/bot'.padStart(7)} ${'join p99'.padStart(8)} ${'KA p99'.padStart(7)} ${'TPS min/avg'.padStart(11)} ${'hoff/s'.padStart(7)} ${'hoff p50/p99'.padStart(13)} ${'abort'.padStart(5)} ${'gen CPU'.padStart(7)} status
      (CPU-s/bm: cluster CPU-seconds per bot-minute during the hold, Redis apart; MB/bot: cluster RSS / bots; join, KA (keep-alive) and handoff latencies in ms;
       TPS: worst world-node; hoff/s: handoffs completed per second of the hold, both gateways; gen CPU: load generator CPU-s per bot-minute)`

/** One table row of a step, and its CPU breakdown by role. */
export function formatClusterStep (s: ClusterStep): string {
  const h = s.handoffs
  const cols = [
    String(s.worldNodes).padStart(5), `${s.joined}/${s.n}`.padStart(9), String(s.failed).padStart(6), String(s.dropped).padStart(7),
    fmt(s.cpuSecondsPerBotMinute, 3).padStart(9), fmt(s.redisCpuSecondsPerBotMinute, 3).padStart(7), fmt(s.rssMbPerBot).padStart(7), fmt(s.joinP99Ms, 0).padStart(8),
    fmt(s.keepAliveP99Ms, 1).padStart(7), `${fmt(s.tpsMin, 1)}/${fmt(s.tpsMean, 1)}`.padStart(11), fmt(h?.perSecond).padStart(7),
    `${fmt(h?.p50Ms, 0)}/${fmt(h?.p99Ms, 0)}`.padStart(13), (h === null ? 'n/a' : String(h.aborted)).padStart(5), fmt(s.generatorCpuSecondsPerBotMinute, 3).padStart(7),
    s.error !== null ? `ERROR ${s.error.split('\n')[0]}` : s.healthy ? 'ok' : 'BROKEN'
  ]
  const roles = s.cpuByRole === null ? '' : `\n      CPU-s/bm by role: world-nodes ${fmt(s.cpuByRole.worldNodes, 3)}, gateways ${fmt(s.cpuByRole.gateways, 3)}, auth ${fmt(s.cpuByRole.auth, 3)}, launcher ${fmt(s.cpuByRole.launcher, 3)}; other processes on the machine used ${fmt(s.otherCores)} cores`
  const handoffError = s.handoffError === null ? '' : `\n      handoff metrics not read: ${s.handoffError}`
  return cols.join(' ') + roles + handoffError
}

/** The single summary line: per node count, every figure but the reasons lists. */
export function clusterSummaryLine (result: ClusterScalingResult): string {
  return JSON.stringify(Object.fromEntries(result.steps.map(({ worldNodes, n: _n, failReasons: _f, dropReasons: _d, ...rest }) => [String(worldNodes), rest])))
}
