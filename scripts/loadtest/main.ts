// CLI: npm run loadtest -- --host 127.0.0.1 --port 25565 --bots 50 --ramp 5 --duration 60 ...
import { parseArgs } from 'node:util'
import { LoadTestOptionsError, DEFAULT_OPTIONS, type LoadTestOptions } from './options.ts'
import { formatReport } from './report.ts'
import { runLoadTest } from './run.ts'

const d = DEFAULT_OPTIONS
const USAGE = `usage: npm run loadtest -- [flags]
  --host H              server host (default ${d.host}); the only host contacted
  --port P[,P2...]      game port (default ${d.port}); a list spreads the bots over several gateways
                        of one cluster, bot i on the (i mod count)-th port
  --version V           Minecraft version (default ${d.version})
  --bots N              bots in total (default ${d.bots})
  --ramp R              joins started per second (default ${d.ramp})
  --warmup S            seconds of unmeasured load after the ramp, while initial chunk loading settles (default ${d.warmup})
  --duration S          seconds of measured steady load after the warm-up (default ${d.duration})
  --pattern P           random|line|spread|still (default ${d.pattern})
  --radius B            blocks from spawn bots may walk (default ${d.radius})
  --mineflayer K        how many of the N bots are full mineflayer clients (default ${d.mineflayer})
  --metrics URL[,URL2]  server Prometheus endpoint(s) to scrape (tessera_world_tps, tessera_world_tick_ms,
                        tessera_keepalive_rtt_ms); with a list each figure is the worst over all of them
  --server-pid PID      server process to measure from /proc (CPU per bot-minute, RSS)
  --json-out FILE       write the full report as JSON
  --name-prefix S       bot names are S0, S1, ... (default ${d.namePrefix})
  --join-timeout S      seconds a bot may take to join (default ${d.joinTimeoutMs / 1000})
  --view-distance N     view distance the bots ask for (default ${d.viewDistance})
  --chunks-per-tick F   chunk_batch_received rate the bots request (default ${d.chunksPerTick})
  --probe-interval S    seconds between ping_request probes per bot, 0 = off (default ${d.probeIntervalMs / 1000})
  --read-batch MS       read sockets together every MS ms instead of per packet: far less generator
                        CPU against servers that write a segment per packet, adds up to MS ms to
                        every measured round trip; 0 = off (default ${d.readBatchMs})
  --stagger K           spread the bots' moves over K slots of each 50 ms tick, as independent
                        clients' packets arrive, instead of one burst (default ${d.stagger})
  --help`

const FLAGS = {
  host: { type: 'string' },
  port: { type: 'string' },
  version: { type: 'string' },
  bots: { type: 'string' },
  ramp: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  pattern: { type: 'string' },
  radius: { type: 'string' },
  mineflayer: { type: 'string' },
  metrics: { type: 'string' },
  'server-pid': { type: 'string' },
  'json-out': { type: 'string' },
  'name-prefix': { type: 'string' },
  'join-timeout': { type: 'string' },
  'view-distance': { type: 'string' },
  'chunks-per-tick': { type: 'string' },
  'probe-interval': { type: 'string' },
  'read-batch': { type: 'string' },
  stagger: { type: 'string' },
  help: { type: 'boolean' }
} as const

/** Turns argv into options; numbers stay NaN when unreadable so validation names the flag. */
export function optionsFromArgs (args: string[]): Partial<LoadTestOptions> & { help?: boolean } {
  const { values } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false })
  const num = (value: string | undefined): number | undefined => (value === undefined ? undefined : value.trim() === '' ? NaN : Number(value))
  const ms = (value: string | undefined): number | undefined => { const n = num(value); return n === undefined ? undefined : Math.round(n * 1000) }
  const list = (value: string | undefined): string[] => (value === undefined ? [] : value.split(',').map((item) => item.trim()))
  const ports = list(values.port).map((port) => num(port) ?? NaN)
  const metrics = list(values.metrics)
  return {
    help: values.help,
    host: values.host,
    port: ports[0],
    // One port stays the plain single-server run; a list spreads bots over all of them.
    ports: ports.length > 1 ? ports : undefined,
    version: values.version,
    bots: num(values.bots),
    ramp: num(values.ramp),
    duration: num(values.duration),
    warmup: num(values.warmup),
    pattern: values.pattern as LoadTestOptions['pattern'] | undefined,
    radius: num(values.radius),
    mineflayer: num(values.mineflayer),
    metricsUrl: metrics[0],
    extraMetricsUrls: metrics.length > 1 ? metrics.slice(1) : undefined,
    serverPid: num(values['server-pid']),
    jsonOut: values['json-out'],
    namePrefix: values['name-prefix'],
    joinTimeoutMs: ms(values['join-timeout']),
    viewDistance: num(values['view-distance']),
    chunksPerTick: num(values['chunks-per-tick']),
    probeIntervalMs: ms(values['probe-interval']),
    readBatchMs: num(values['read-batch']),
    stagger: num(values.stagger)
  }
}

async function main (): Promise<number> {
  let parsed: ReturnType<typeof optionsFromArgs>
  try {
    parsed = optionsFromArgs(process.argv.slice(2))
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { help, ...options } = parsed
  if (help === true) {
    console.log(USAGE)
    return 0
  }
  const abort = new AbortController()
  process.once('SIGINT', () => {
    console.error('interrupted: disconnecting bots and reporting')
    abort.abort()
  })
  try {
    const report = await runLoadTest(options, { log: (line) => console.error(line), signal: abort.signal })
    console.log(formatReport(report))
    return 0
  } catch (err) {
    if (err instanceof LoadTestOptionsError) {
      console.error(`${err.message}\n\n${USAGE}`)
      return 2
    }
    throw err
  }
}

process.exitCode = await main()
