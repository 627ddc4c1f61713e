/**
 * `npm start`: the whole of Tessera in one process, no Redis, no containers. Wires config,
 * logger and signals; everything else is in create-embedded.ts.
 */
import { ConfigError } from '#shared/env.ts'
import { createLogger } from '#shared/logger.ts'
import { readEmbeddedConfig } from './config.ts'
import { startEmbedded } from './create-embedded.ts'

let config
try {
  config = readEmbeddedConfig(process.env)
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`${err.message}\nSee tessera.env.example for every setting.\n`)
  process.exit(2)
}
const log = createLogger('tessera', { level: config.logLevel })
const system = await startEmbedded(config, log)
const shownHost = config.gateway.host === '0.0.0.0' || config.gateway.host === '::' ? '127.0.0.1' : config.gateway.host
log.info({
  connect: `${shownHost}:${system.gatewayPort}`,
  version: config.gateway.version,
  onlineMode: config.gateway.onlineMode,
  dataDir: config.world.dataDir,
  metrics: system.metricsPort > 0 ? `http://127.0.0.1:${system.metricsPort}/metrics` : 'off',
  authAdmin: system.authUrl
}, `Tessera is ready: connect a Minecraft ${config.gateway.version} client to ${shownHost}:${system.gatewayPort}`)
if (config.auth.adminTokenGenerated) log.info({ adminToken: system.adminToken }, 'admin API token for this run (set AUTH_ADMIN_TOKEN to choose one)')

let stopping = false
async function shutdown (signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'shutting down: saving players and the world')
  const force = setTimeout(() => {
    log.error('shutdown took too long; exiting')
    process.exit(1)
  }, 20_000)
  force.unref()
  await system.stop()
  log.info('stopped')
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { shutdown(signal).catch((err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1) }) })
}
