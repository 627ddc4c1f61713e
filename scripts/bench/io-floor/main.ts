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
import { measureIoFloor } from './measure.ts'

const USAGE = 'usage: npm run bench:floor -- [--bots 20,50] [--duration 1..3600 s] [--warmup 0..600 s]'
const { values } = parseArgs({ options: { bots: { type: 'string', default: '20,50' }, duration: { type: 'string', default: '30' }, warmup: { type: 'string', default: '5' }, help: { type: 'boolean', default: false } } })
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}
const ladder = values.bots.split(',').map(Number)
const durationS = Number(values.duration)
const warmupS = Number(values.warmup)
if (ladder.some((n) => !Number.isInteger(n) || n < 1 || n > 2000) || !(durationS >= 1 && durationS <= 3600) || !(warmupS >= 0 && warmupS <= 600)) {
  console.error(USAGE)
  process.exit(2)
}

const results: Record<string, number> = {}
for (const bots of ladder) {
  const { cpuSecondsPerBotMinute } = await measureIoFloor(bots, durationS, warmupS)
  results[bots] = Math.round(cpuSecondsPerBotMinute * 10_000) / 10_000
  console.log(`${String(bots).padStart(5)} bots: ${cpuSecondsPerBotMinute.toFixed(4)} CPU-s per bot-minute (${(cpuSecondsPerBotMinute * bots / 60 * 1000).toFixed(1)} ms of CPU a second)`)
}
console.log(JSON.stringify({ ioFloorCpuSecondsPerBotMinute: results }))
