/**
 * The world-node process: config, logger, store, node, signals. Nothing else lives here.
 */
import { createLogger } from '#shared/logger.ts'
import { readWorldNodeConfig } from './config.ts'
import { createWorldNode } from './create-world-node.ts'
import { createEmbeddedWorldStore } from './store/embedded-world-store.ts'

const config = readWorldNodeConfig(process.env)
const logger = createLogger('world-node:main', { level: config.logLevel })
const store = createEmbeddedWorldStore(config.dataDir)
const node = createWorldNode(config, { logger, store })

let stopping = false
async function shutdown (signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'stopping')
  try {
    await node.stop()
    await store.close()
    process.exitCode = 0
  } catch (err) {
    logger.error({ err }, 'stop failed')
    process.exitCode = 1
  }
}

process.on('SIGTERM', () => { void shutdown('SIGTERM') })
process.on('SIGINT', () => { void shutdown('SIGINT') })

await node.start()
