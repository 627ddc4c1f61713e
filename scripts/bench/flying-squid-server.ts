// flying-squid as a benchmark baseline: a fresh offline world in a temporary folder, with its tick
// instrumented and exposed under Tessera's metric names so both servers are measured alike.
// Usage: node scripts/bench/flying-squid-server.ts --port P --metrics-port M [--view-distance 10]
//        [--version 1.21.4] [--data-dir DIR] [--generation diamond_square|superflat]
import { createServer } from 'node:http'
import { mkdtempSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import client from 'prom-client'

const require = createRequire(import.meta.url)

const TPS_WINDOW_MS = 5000

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'metrics-port': { type: 'string' },
    'view-distance': { type: 'string', default: '10' },
    version: { type: 'string', default: '1.21.4' },
    'data-dir': { type: 'string' },
    generation: { type: 'string', default: 'diamond_square' },
    'max-players': { type: 'string', default: '2000' }
  }
})
const port = Number(values.port)
const metricsPort = Number(values['metrics-port'])
if (!Number.isInteger(port) || !Number.isInteger(metricsPort)) {
  console.error('usage: flying-squid-server.ts --port P --metrics-port M [--view-distance N] [--version V] [--data-dir DIR] [--generation NAME]')
  process.exit(2)
}
const dataDir = values['data-dir'] ?? mkdtempSync(join(tmpdir(), 'flying-squid-bench-'))

// Tick rate: over the ticks of the last TPS_WINDOW_MS. flying-squid ticks from setInterval(50 ms), so
// a busy event loop shows up as fewer ticks. Tick time: the synchronous work of the tick listeners.
const tickTimes: number[] = []
const registry = new client.Registry()
new client.Gauge({
  name: 'tessera_world_tps',
  help: 'ticks per second over the last 5 s',
  registers: [registry],
  collect () {
    const now = performance.now()
    while (tickTimes.length > 0 && (tickTimes[0] as number) < now - TPS_WINDOW_MS) tickTimes.shift()
    // Ticks per second between the first and last tick of the window: exact at any window edge.
    const first = tickTimes[0]
    const last = tickTimes[tickTimes.length - 1]
    this.set(first === undefined || last === undefined || last === first ? 0 : ((tickTimes.length - 1) * 1000) / (last - first))
  }
})
const tickMs = new client.Summary({
  name: 'tessera_world_tick_ms',
  help: 'time spent in tick listeners, ms',
  percentiles: [0.5, 0.99],
  maxAgeSeconds: 10,
  ageBuckets: 2,
  registers: [registry]
})
const keepAliveMs = new client.Summary({
  name: 'tessera_keepalive_rtt_ms',
  help: 'server-observed keep-alive round trip (keep_alive sent → reply handled), ms',
  percentiles: [0.5, 0.99],
  maxAgeSeconds: 30,
  ageBuckets: 3,
  registers: [registry]
})

const flyingSquid = require('flying-squid')
const startedAt = performance.now()
const serv = flyingSquid.createMCServer({
  motd: 'flying-squid benchmark baseline',
  port,
  host: '127.0.0.1',
  'max-players': Number(values['max-players']),
  'online-mode': false,
  logging: false,
  gameMode: 1,
  difficulty: 1,
  worldFolder: dataDir,
  generation: { name: values.generation, options: { worldHeight: 80 } },
  kickTimeout: 10000,
  plugins: {},
  modpe: false,
  'view-distance': Number(values['view-distance']),
  'player-list-text': { header: { text: 'flying-squid' }, footer: { text: 'bench' } },
  'everybody-op': false,
  'max-entities': 100,
  version: values.version
})

let tickStart = 0
serv.prependListener('tick', () => {
  tickStart = performance.now()
  tickTimes.push(tickStart)
})
// Added once every plugin has registered its own tick listeners, so it runs last.
serv.once('pluginsReady', () => {
  serv.on('tick', () => tickMs.observe(performance.now() - tickStart))
})

// minecraft-protocol's server keep-alive sets client.latency when the reply is handled.
serv._server.on('playerJoin', (mcClient: any) => {
  mcClient.on('keep_alive', () => {
    process.nextTick(() => {
      if (typeof mcClient.latency === 'number' && mcClient.latency > 0) keepAliveMs.observe(mcClient.latency)
    })
  })
})
serv.on('error', (err: Error) => console.error(`flying-squid error: ${err.message}`))

const metricsServer = createServer((req, res) => {
  if (req.url !== '/metrics') {
    res.writeHead(404).end()
    return
  }
  registry.metrics().then((text) => {
    res.writeHead(200, { 'content-type': registry.contentType }).end(text)
  }, (err: Error) => {
    res.writeHead(500).end(err.message)
  })
})
metricsServer.listen(metricsPort, '127.0.0.1')

serv.once('listening', () => {
  console.log(JSON.stringify({ msg: 'flying-squid ready', port, metricsPort, dataDir, startupMs: Math.round(performance.now() - startedAt) }))
})

function shutdown (): void {
  metricsServer.close()
  // flying-squid may hang on close with players connected; exit regardless once it has tried.
  Promise.resolve(serv.destroy()).catch(() => {}).finally(() => process.exit(0))
  setTimeout(() => process.exit(0), 2000).unref()
}
process.once('SIGTERM', shutdown)
process.once('SIGINT', shutdown)
