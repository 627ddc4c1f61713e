// CLI: npm run bench:compare -- [--max-n 400] [--duration 60] [--servers tessera,flying-squid] ...
import { parseArgs } from 'node:util'
import { runComparison, summaryLine, type ComparisonOptions } from './comparison.ts'
import { FlagProblems, loadFlagOptions, loadFlagUsage, parseCommandLine, readLoadFlags } from './load-flags.ts'
import { SERVER_NAMES, type ServerName } from './servers.ts'

const LOAD_DEFAULTS = { warmup: 30, radius: 32 }

const USAGE = `usage: npm run bench:compare -- [flags]
  --max-n N            largest bot count to try (default 400); steps are 10, 20, 50, 100, 200, 400, 800, ...
  --servers LIST       comma-separated, from ${SERVER_NAMES.join(',')} (default both)
  --compare-through N  both servers run every step up to N bots even when unhealthy (default 50)
  --repeat K           runs per server and N, in turns (Tessera, flying-squid, Tessera, ...), each
                       step reporting its median-CPU run and every run's CPU (default 1)
${loadFlagUsage(LOAD_DEFAULTS)}
  --help`

function parse (args: string[]): ComparisonOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'max-n': { type: 'string', default: '400' },
      servers: { type: 'string', default: SERVER_NAMES.join(',') },
      'compare-through': { type: 'string', default: '50' },
      repeat: { type: 'string', default: '1' },
      ...loadFlagOptions(LOAD_DEFAULTS),
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) return 'help'
  const problems = new FlagProblems()
  const servers = values.servers.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
  for (const server of servers) if (!SERVER_NAMES.includes(server as ServerName)) problems.list.push(`--servers: unknown server ${server}; known: ${SERVER_NAMES.join(', ')}`)
  if (servers.length === 0) problems.list.push('--servers must name at least one server')
  const options: ComparisonOptions = {
    servers: servers as ServerName[],
    maxN: problems.int('max-n', values['max-n'], 1, 5000),
    compareThrough: problems.int('compare-through', values['compare-through'], 0, 5000),
    repeat: problems.int('repeat', values.repeat, 1, 20),
    ...readLoadFlags(values, problems)
  }
  problems.throwIfAny()
  return options
}

async function main (): Promise<number> {
  const options = parseCommandLine(parse, USAGE)
  if (typeof options === 'number') return options
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
