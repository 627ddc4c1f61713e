// CLI: npm run bench:cluster -- [--nodes 1,2,3] [--bots 100] [--region-size 2] [--duration 60] ...
import { parseArgs } from 'node:util'
import { killClustersNow } from './cluster-launch.ts'
import { clusterSummaryLine, runClusterScaling, type ClusterScalingOptions } from './cluster-scaling-run.ts'
import { FlagProblems, loadFlagOptions, loadFlagUsage, parseCommandLine, readLoadFlags } from './load-flags.ts'

const LOAD_DEFAULTS = { warmup: 20, radius: 96, radiusWhy: 'across several regions' }

const USAGE = `usage: npm run bench:cluster -- [flags]
  --nodes LIST         world-node counts to run, one fresh Redis + cluster each (default 1,2,3)
  --bots N             bots, spread over the cluster's two gateways (default 100)
  --region-size C      WORLD_REGION_SIZE, chunks per region side (default 2: borders every 32 blocks)
${loadFlagUsage(LOAD_DEFAULTS)}
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
      ...loadFlagOptions(LOAD_DEFAULTS),
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) return 'help'
  const problems = new FlagProblems()
  const options: ClusterScalingOptions = {
    nodes: values.nodes.split(',').map((item) => problems.int('nodes', item.trim(), 1, 16)),
    bots: problems.int('bots', values.bots, 1, 5000),
    regionSize: problems.int('region-size', values['region-size'], 1, 64),
    ...readLoadFlags(values, problems)
  }
  problems.throwIfAny()
  return options
}

async function main (): Promise<number> {
  const options = parseCommandLine(parseClusterScalingArgs, USAGE)
  if (typeof options === 'number') return options
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
