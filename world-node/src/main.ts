/**
 * The world-node process: config, logger, store, node, signals. Nothing else lives here.
 * Embedded (SQLite, one node owning every region) unless Redis is configured; then distributed
 * (leases, Redis store, authenticated TCP links), and SIGTERM drains the regions to other nodes.
 */
import { createServer } from 'node:http'
import { createLogger } from '#shared/logger.ts'
import { startDistributedWorldNode } from './cluster/distributed-node.ts'
import { readWorldNodeConfig } from './config.ts'
import { createWorldNode } from './create-world-node.ts'
import { createEmbeddedWorldStore } from './store/embedded-world-store.ts'

const config = readWorldNodeConfig(process.env)
const logger = createLogger('world-node:main', { level: config.logLevel })

let stopping = false
function onSignals (stop: (signal: string) => Promise<void>): void {
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'stopping')
    try {
      await stop(signal)
      process.exitCode = 0
    } catch (err) {
      logger.error({ err }, 'stop failed')
      process.exitCode = 1
    }
  }
  process.on('SIGTERM', () => { void shutdown('SIGTERM') })
  process.on('SIGINT', () => { void shutdown('SIGINT') })
}

if (config.cluster === null) {
  const store = createEmbeddedWorldStore(config.dataDir)
  const node = createWorldNode(config, { logger, store })
  onSignals(async () => {
    await node.stop()
    await store.close()
  })
  await node.start()
} else {
  const running = await startDistributedWorldNode(config, { logger })
  const metrics = config.metricsPort === 0
    ? null
    : createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end()
        return
      }
      const { registry } = running.node
      registry.metrics().then((text) => { response.writeHead(200, { 'content-type': registry.contentType }).end(text) }, (err: unknown) => {
        logger.error({ err }, 'metrics failed')
        response.writeHead(500).end()
      })
    }).listen(config.metricsPort, '127.0.0.1')
  metrics?.on('error', (err) => { logger.error({ err }, 'metrics endpoint failed') })
  // SIGTERM drains (a rolling restart disconnects nobody); SIGINT too, a second signal is ignored.
  onSignals(async () => {
    metrics?.close()
    await running.drain()
  })
  logger.info({ address: running.address, metricsPort: config.metricsPort }, 'world-node ready (distributed)')
}
