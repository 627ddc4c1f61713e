// CLI: npm run bench:compare -- [--max-n 400] [--duration 60] [--servers tessera,flying-squid] ...
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { MOVEMENT_PATTERNS, type MovementPattern } from '../loadtest/movement.ts'
import { runComparison, summaryLine, type ComparisonOptions } from './comparison.ts'
import { REPO_ROOT, SERVER_NAMES, type ServerName } from './servers.ts'

const USAGE = `usage: npm run bench:compare -- [flags]
  --max-n N            largest bot count to try (default 400); steps are 10, 20, 50, 100, 200, 400, 800, ...
  --duration S         seconds of steady load per step, after the ramp (default 60)
  --warmup S           unmeasured seconds between the ramp and the measured hold (default 30)
  --ramp R             joins per second (default 10)
  --pattern P          ${MOVEMENT_PATTERNS.join('|')} (default random)
  --radius B           blocks from spawn bots may walk (default 32)
  --view-distance N    server and client view distance (default 10)
  --version V          Minecraft version (default 1.21.4)
  --servers LIST       comma-separated, from ${SERVER_NAMES.join(',')} (default both)
  --join-timeout S     seconds each bot may take to join (default 60)
  --compare-through N  both servers run every step up to N bots even when unhealthy (default 50)
  --read-batch MS      load generator reads sockets together every MS ms (default 5; 0 = per packet);
                       cuts its CPU several-fold, adds up to MS ms to measured round trips
  --out-dir DIR        results folder (default bench-results/)
  --help`

function parse (args: string[]): ComparisonOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'max-n': { type: 'string', default: '400' },
      duration: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '30' },
      ramp: { type: 'string', default: '10' },
      pattern: { type: 'string', default: 'random' },
      radius: { type: 'string', default: '32' },
      'view-distance': { type: 'string', default: '10' },
      version: { type: 'string', default: '1.21.4' },
      servers: { type: 'string', default: SERVER_NAMES.join(',') },
      'join-timeout': { type: 'string', default: '60' },
      'compare-through': { type: 'string', default: '50' },
      'read-batch': { type: 'string', default: '5' },
      'out-dir': { type: 'string', default: join(REPO_ROOT, 'bench-results') },
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) return 'help'
  const problems: string[] = []
  const int = (flag: string, value: string, min: number, max: number): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < min || n > max) problems.push(`--${flag} must be an integer ${min}..${max}, got ${value}`)
    return n
  }
  const servers = values.servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  for (const server of servers) if (!SERVER_NAMES.includes(server as ServerName)) problems.push(`--servers: unknown server ${server}; known: ${SERVER_NAMES.join(', ')}`)
  if (servers.length === 0) problems.push('--servers must name at least one server')
  if (!MOVEMENT_PATTERNS.includes(values.pattern as MovementPattern)) problems.push(`--pattern must be one of ${MOVEMENT_PATTERNS.join('|')}, got ${values.pattern}`)
  const ramp = Number(values.ramp)
  if (!(ramp > 0 && ramp <= 500)) problems.push(`--ramp must be 0..500 joins per second, got ${values.ramp}`)
  const options: ComparisonOptions = {
    servers: servers as ServerName[],
    maxN: int('max-n', values['max-n'], 1, 5000),
    duration: int('duration', values.duration, 1, 3600),
    warmup: int('warmup', values.warmup, 0, 3600),
    ramp,
    pattern: values.pattern as MovementPattern,
    radius: int('radius', values.radius, 0, 100_000),
    viewDistance: int('view-distance', values['view-distance'], 2, 32),
    version: values.version,
    outDir: values['out-dir'],
    joinTimeoutMs: int('join-timeout', values['join-timeout'], 1, 600) * 1000,
    readBatchMs: int('read-batch', values['read-batch'], 0, 1000),
    compareThrough: int('compare-through', values['compare-through'], 0, 5000)
  }
  if (problems.length > 0) throw new Error(`invalid flags:\n  ${problems.join('\n  ')}`)
  return options
}

async function main (): Promise<number> {
  let options: ComparisonOptions | 'help'
  try {
    options = parse(process.argv.slice(2))
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  if (options === 'help') {
    console.log(USAGE)
    return 0
  }
  const abort = new AbortController()
  process.once('SIGINT', () => {
    console.error('interrupted: finishing the current step early and writing results')
    abort.abort()
  })
  const { result, jsonPath, svgPath } = await runComparison(options, (line) => console.log(line), abort.signal)
  console.log(`results: ${jsonPath}\nchart:   ${svgPath}`)
  console.log(summaryLine(result))
  return 0
}

process.exitCode = await main()
