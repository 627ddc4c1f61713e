/**
 * Picks the AuthStore the configuration asks for: embedded SQLite, or Redis (standalone URL or
 * Sentinel). The only place that knows both implementations.
 */
import type { Logger } from '#shared/logger.ts'
import type { Clock } from '../clock.ts'
import type { AuthConfig } from '../config.ts'
import type { AuthStore } from './auth-store.ts'
import { EmbeddedAuthStore } from './embedded-auth-store.ts'
import { RedisAuthStore } from './redis-auth-store.ts'

/** Builds (without opening: the service's start() opens it) the store config.store asks for. */
export async function createAuthStore (config: Pick<AuthConfig, 'store'>, logger: Logger, options: { clock?: Clock } = {}): Promise<AuthStore> {
  await Promise.resolve()
  const store = config.store
  if (store.kind === 'embedded') return new EmbeddedAuthStore(options.clock === undefined ? { path: store.path } : { path: store.path, clock: options.clock })
  return new RedisAuthStore({ connection: store, logger })
}
