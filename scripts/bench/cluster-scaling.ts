// CLI: npm run bench:cluster -- [--nodes 1,2,3] [--bots 100] [--region-size 2] [--duration 60] ...
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { MOVEMENT_PATTERNS, type MovementPattern } from '../loadtest/movement.ts'
import { killClustersNow } from './cluster-launch.ts'
import { clusterSummaryLine, runClusterScaling, type ClusterScalingOptions } from './cluster-scaling-run.ts'
import { REPO_ROOT } from './servers.ts'

const USAGE = `usage: npm run bench:cluster -- [flags]
  --nodes LIST         world-node counts to run, one fresh Redis + cluster each (default 1,2,3)
  --bots N             bots, spread over the cluster's two gateways (default 100)
  --region-size C      WORLD_REGION_SIZE, chunks per region side (default 2: borders every 32 blocks)
  --duration S         seconds of measured load per node count (default 60)
  --warmup S           unmeasured seconds between the ramp and the hold (default 20)
  --ramp R             joins per second (default 10)
  --pattern P          ${MOVEMENT_PATTERNS.join('|')} (default random)
  --radius B           blocks from spawn bots may walk (default 96: across several regions)
  --view-distance N    server and client view distance (default 10)
  --version V          Minecraft version (default 1.21.4)
  --join-timeout S     seconds each bot may take to join (default 60)
  --read-batch MS      load generator reads sockets together every MS ms (default 5; 0 = per packet)
  --out-dir DIR        results folder (default bench-results/)
  --help`

/** Turns argv into options; throws listing every problem. */
export function parseClusterScalingArgs (args: string[]): ClusterScalingOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      nodes: { type: 'string', default: '1,2,3' },
      bots: { type: 'string', default: '100' },
      'region-size': { type: 'string', default: '2' },
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '20' },
      ramp: { type: 'string', default: '10' },
      pattern: { type: 'string', default: 'random' },
      radius: { type: 'string', default: '96' },
      'view-distance': { type: 'string', default: '10' },
      version: { type: 'string', default: '1.21.4' },
      'join-timeout': { type: 'string', default: '60' },
      'read-batch': { type: 'string', default: '5' },
      'out-dir': { type: 'string', default: join(REPO_ROOT, 'bench-results') },
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) return 'help'
  const problems: string[] = []
  const int = (flag: string, value: string, min: number, max: number): number => {
    const n = Number(value)
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) problems.push(`--${flag} must be an integer ${min}..${max}, got ${value}`)
    return n
  }
  const nodes = values.nodes.split(',').map((item) => int('nodes', item.trim(), 1, 16))
  if (!MOVEMENT_PATTERNS.includes(values.pattern as MovementPattern)) problems.push(`--pattern must be one of ${MOVEMENT_PATTERNS.join('|')}, got ${values.pattern}`)
  const ramp = Number(values.ramp)
  if (!(ramp > 0 && ramp <= 500)) problems.push(`--ramp must be 0..500 joins per second, got ${values.ramp}`)
  const options: ClusterScalingOptions = {
    nodes,
    bots: int('bots', values.bots, 1, 5000),
    regionSize: int('region-size', values['region-size'], 1, 64),
    duration: int('duration', values.duration, 1, 3600),
    warmup: int('warmup', values.warmup, 0, 3600),
    ramp,
    pattern: values.pattern as MovementPattern,
    radius: int('radius', values.radius, 0, 100_000),
    viewDistance: int('view-distance', values['view-distance'], 2, 32),
    version: values.version,
    outDir: values['out-dir'],
    joinTimeoutMs: int('join-timeout', values['join-timeout'], 1, 600) * 1000,
    readBatchMs: int('read-batch', values['read-batch'], 0, 1000)
  }
  if (problems.length > 0) throw new Error(`invalid flags:\n  ${problems.join('\n  ')}`)
  return options
}

async function main (): Promise<number> {
  let options: ClusterScalingOptions | 'help'
  try {
    options = parseClusterScalingArgs(process.argv.slice(2))
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (options === 'help') {
    console.log(USAGE)
    return 0
  }
  // Whatever ends this process, no cluster or Redis outlives it.
  process.once('exit', killClustersNow)
  const abort = new AbortController()
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`${signal}: ending the current step, stopping the cluster and writing results (again: kill everything now)`)
      abort.abort()
      process.once(signal, () => { process.exit(130) })
    })
  }
  const { result, jsonPath } = await runClusterScaling(options, (line) => console.log(line), abort.signal)
  console.log(`results: ${jsonPath}`)
  console.log(clusterSummaryLine(result))
  return 0
}

if (import.meta.main) process.exitCode = await main()
