/**
 * `npm run bench:floor`: what the load test's bare socket traffic costs a Node.js process, with
 * no game logic at all. N clients each send a 28-byte movement frame 20 times a second; the
 * server writes each of them the other clients' moves every 100 ms (io-floor/server.ts). The
 * server's CPU-seconds per bot-minute is the floor under any Node.js server's figure in
 * bench:compare at the same N, since a real server does this I/O and more.
 *
 *   npm run bench:floor -- --bots 20,50 --duration 30 --warmup 5
 */
import { parseArgs } from 'node:util'
import { FlagProblems, parseCommandLine } from '../load-flags.ts'
import { measureIoFloor } from './measure.ts'

const USAGE = `usage: npm run bench:floor -- [flags]
  --bots LIST          comma-separated bot counts, each 1..2000 (default 20,50)
  --duration S         measured seconds per count, 1..3600 (default 30)
  --warmup S           seconds of traffic before measuring, 0..600 (default 5)
  --help`

interface FloorOptions { bots: number[], duration: number, warmup: number }

function parse (args: string[]): FloorOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      bots: { type: 'string', default: '20,50' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '5' },
      help: { type: 'boolean' }
    }
  })
  if (values.help === true) return 'help'
  const problems = new FlagProblems()
  const options = {
    bots: values.bots.split(',').map((item) => problems.int('bots', item.trim(), 1, 2000)),
    duration: problems.int('duration', values.duration, 1, 3600),
    warmup: problems.int('warmup', values.warmup, 0, 600)
  }
  problems.throwIfAny()
  return options
}

const options = parseCommandLine(parse, USAGE)
if (typeof options === 'number') process.exit(options)

const results: Record<string, number> = {}
for (const bots of options.bots) {
  const { cpuSecondsPerBotMinute } = await measureIoFloor(bots, options.duration, options.warmup)
  results[bots] = Math.round(cpuSecondsPerBotMinute * 10_000) / 10_000
  console.log(`${String(bots).padStart(5)} bots: ${cpuSecondsPerBotMinute.toFixed(4)} CPU-s per bot-minute (${(cpuSecondsPerBotMinute * bots / 60 * 1000).toFixed(1)} ms of CPU a second)`)
}
console.log(JSON.stringify({ ioFloorCpuSecondsPerBotMinute: results }))
