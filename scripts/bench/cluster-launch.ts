// A private Redis and `npm run cluster` (scripts/cluster/main.ts) with N world-nodes on free
// ports, for benchmarks: started fresh, measured from outside through /proc, and always stopped
// within a bounded time, even when the caller fails or is interrupted.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePortRange } from '../../tests/harness/free-port.ts'
import { startRedis } from '../../tests/harness/redis.ts'
import { REPO_ROOT } from './servers.ts'

/** What shapes one cluster under test. */
export interface ClusterSettings {
  worldNodes: number
  /** WORLD_REGION_SIZE: chunks per region side */
  regionSize: number
  viewDistance: number
  version: string
}

/** Where each process of an N-node cluster listens, from one base port (2N + 6 ports). */
export interface ClusterPorts {
  gateways: number[]
  auth: number
  /** first world-node link port; node i links on linkBase + i */
  linkBase: number
  /** CLUSTER_METRICS_PORT: world-node i on metricsBase + i, gateway i on metricsBase + N + i */
  metricsBase: number
  worldMetrics: number[]
  gatewayMetrics: number[]
}

/** Consecutive ports the layout of clusterPorts takes. */
export const clusterPortCount = (worldNodes: number): number => 2 * worldNodes + 6

/** The layout scripts/cluster/main.ts derives from its CLUSTER_* settings. */
export function clusterPorts (base: number, worldNodes: number): ClusterPorts {
  const metricsBase = base + 4 + worldNodes
  return {
    gateways: [base, base + 1],
    auth: base + 2,
    linkBase: base + 4,
    metricsBase,
    worldMetrics: Array.from({ length: worldNodes }, (_, i) => metricsBase + i),
    gatewayMetrics: [metricsBase + worldNodes, metricsBase + worldNodes + 1]
  }
}

/** A running cluster and its Redis. */
export interface RunningCluster {
  readonly settings: ClusterSettings
  readonly ports: ClusterPorts
  /** the launcher: its process tree is the whole cluster except Redis */
  readonly pid: number
  readonly redisPid: number
  readonly worldMetricsUrls: string[]
  readonly gatewayMetricsUrls: string[]
  /** the last lines the cluster printed, for error messages */
  output(): string
  /** SIGTERM, SIGKILL of the whole process group after graceMs; then Redis. Idempotent. */
  stop(graceMs?: number): Promise<void>
}

const READY_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 45_000
const TAIL_LINES = 60
// Clusters not yet stopped: killed synchronously if the process exits with them still up.
const live = new Set<{ kill(): void }>()

/** SIGKILLs every cluster and Redis still running; for process 'exit' handlers. */
export function killClustersNow (): void {
  for (const entry of live) entry.kill()
}

function killGroup (child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try { process.kill(-child.pid, signal) } catch { /* already gone */ }
}

async function metricsUp (url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok
  } catch {
    return false
  }
}

/**
 * Starts Redis and the cluster, and resolves once the launcher says `ready` and every /metrics
 * endpoint answers; on failure everything started is stopped and the error carries its output.
 */
export async function startCluster (settings: ClusterSettings, logPath: string | null = null, readyTimeoutMs = READY_TIMEOUT_MS): Promise<RunningCluster> {
  const redis = await startRedis()
  const base = await freePortRange(clusterPortCount(settings.worldNodes))
  const ports = clusterPorts(base, settings.worldNodes)
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-cluster-bench-'))
  // Its own process group, so a SIGKILL of the group reaches every node even if the launcher hangs.
  const child = spawn(process.execPath, [join(REPO_ROOT, 'scripts/cluster/main.ts')], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TESSERA_REDIS_URL: redis.url,
      TESSERA_DATA_DIR: dataDir,
      TESSERA_LOG_LEVEL: 'warn',
      CLUSTER_WORLD_NODES: String(settings.worldNodes),
      CLUSTER_GATEWAY_PORT: String(ports.gateways[0]),
      CLUSTER_AUTH_PORT: String(ports.auth),
      CLUSTER_PORT_OFFSET: String(ports.linkBase - 25601),
      CLUSTER_METRICS_PORT: String(ports.metricsBase),
      WORLD_REGION_SIZE: String(settings.regionSize),
      WORLD_VIEW_DISTANCE: String(settings.viewDistance),
      WORLD_VERSION: settings.version,
      GATEWAY_VERSION: settings.version,
      GATEWAY_ONLINE_MODE: 'false',
      // Every bot comes from 127.0.0.1: lift the per-address limits meant for real players.
      GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '1000000',
      AUTH_RATE_ADMITS_PER_ADDRESS: '1000000',
      GATEWAY_MAX_PLAYERS: '100000'
    }
  })
  const tail: string[] = []
  let log = ''
  // Every line the cluster prints (warnings and errors at this log level), for post-mortems.
  const logFile = logPath === null ? null : createWriteStream(logPath)
  const keep = (chunk: Buffer): void => {
    logFile?.write(chunk)
    const text = chunk.toString('utf8')
    if (!log.includes('[cluster] ready')) log += text
    tail.push(...text.split('\n').filter((line) => line.length > 0))
    if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  const output = (): string => tail.join('\n')
  const entry = { kill: () => { killGroup(child, 'SIGKILL'); if (redis.process.exitCode === null) redis.process.kill('SIGKILL') } }
  live.add(entry)

  let stopped: Promise<void> | undefined
  const stop = async (graceMs = STOP_GRACE_MS): Promise<void> => {
    stopped ??= (async () => {
      // The launcher forwards SIGTERM to every node and exits once they have saved and stopped.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      const timer = setTimeout(() => { killGroup(child, 'SIGKILL') }, graceMs)
      await exited
      clearTimeout(timer)
      // Nodes orphaned by a launcher that died first.
      killGroup(child, 'SIGKILL')
      await redis.stop()
      rmSync(dataDir, { recursive: true, force: true })
      logFile?.end()
      live.delete(entry)
    })()
    await stopped
  }

  const url = (port: number): string => `http://127.0.0.1:${port}/metrics`
  const cluster: RunningCluster = {
    settings,
    ports,
    pid: child.pid as number,
    redisPid: redis.process.pid as number,
    worldMetricsUrls: ports.worldMetrics.map(url),
    gatewayMetricsUrls: ports.gatewayMetrics.map(url),
    output,
    stop
  }
  try {
    const deadline = Date.now() + readyTimeoutMs
    const allUrls = [...cluster.worldMetricsUrls, ...cluster.gatewayMetricsUrls]
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the cluster exited (${String(child.exitCode ?? child.signalCode)}) before it was ready`)
      if (Date.now() > deadline) throw new Error(`the cluster was not ready within ${readyTimeoutMs / 1000} s`)
      if (log.includes('[cluster] ready') && (await Promise.all(allUrls.map(metricsUp))).every(Boolean)) return cluster
      await sleep(250)
    }
  } catch (err) {
    await stop(5000)
    throw new Error(`${(err as Error).message}:\n${output()}`, { cause: err })
  }
}
