/**
 * auth-service entry point: config, store, service, signals. Everything else is in
 * createAuthService so tests build the same thing.
 */
import process from 'node:process'
import { createLogger } from '#shared/logger.ts'
import { readAuthConfig } from './config.ts'
import { createAuthService } from './create-auth-service.ts'
import { createAuthStore } from './store/create-auth-store.ts'

const config = readAuthConfig(process.env)
const logger = createLogger('auth-service', { level: config.logLevel })
if (config.adminTokenGenerated) logger.warn({ adminToken: config.adminToken }, 'AUTH_ADMIN_TOKEN not set: generated one for this run (loopback only)')
const store = await createAuthStore(config, logger.child({ name: 'auth-service:store' }))
const service = createAuthService(config, { logger, store })

let stopping = false
async function shutdown (signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  logger.info({ signal }, 'stopping')
  try {
    await service.stop()
    process.exitCode = 0
  } catch (err) {
    logger.error({ err }, 'stop failed')
    process.exitCode = 1
  }
}
process.once('SIGTERM', () => { void shutdown('SIGTERM') })
process.once('SIGINT', () => { void shutdown('SIGINT') })

try {
  await service.start()
} catch (err) {
  logger.fatal({ err }, 'start failed')
  process.exitCode = 1
  await service.stop().catch(() => undefined)
}
