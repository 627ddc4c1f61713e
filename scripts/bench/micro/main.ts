/**
 * `npm run bench:micro`: the hot-path microbenchmarks, each in its own process (so one's JIT
 * state and heap do not colour the next), each printing operations per second.
 * Flags: --only NAME (chunk, walking-player, fan-out); MICRO_SECONDS sets the measured time.
 */
import { spawnSync } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const BENCHES = ['chunk', 'walking-player', 'fan-out'] as const

const onlyIndex = process.argv.indexOf('--only')
const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1] : undefined
if (process.argv.includes('--help')) {
  process.stdout.write(`usage: npm run bench:micro -- [--only ${BENCHES.join('|')}|handoff]  (MICRO_SECONDS=3 per benchmark)\n`)
  process.exit(0)
}

process.stdout.write(`node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`)
let failed = false
for (const name of BENCHES) {
  if (only !== undefined && only !== name) continue
  const run = spawnSync(process.execPath, [join(HERE, `${name}.ts`)], { stdio: 'inherit' })
  if (run.status !== 0) {
    failed = true
    process.stderr.write(`${name}: exited with ${run.status ?? run.signal}\n`)
  }
}
if (only === undefined || only === 'handoff') {
  // A handoff needs Redis and several world-node processes: it has its own benchmark, which
  // starts `npm run cluster` and crosses a region border with a real bot.
  process.stdout.write('handoff round trip: run `npm run bench:handoff` (Redis + npm run cluster; prints handoff latency p50/p99)\n')
}
process.exit(failed ? 1 : 0)
