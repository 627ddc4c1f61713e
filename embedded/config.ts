/**
 * Embedded-mode configuration: each service's own config reader, run over the same
 * environment, with every problem of every service reported together. The only settings of the
 * launcher itself are TESSERA_METRICS_PORT and TESSERA_LOG_LEVEL.
 */
import { ConfigError, EnvReader, type Env } from '#shared/env.ts'
import { readAuthConfig, type AuthConfig } from '../auth-service/src/config.ts'
import { readGatewayConfig, type GatewayConfig } from '../gateway/src/config.ts'
import { readWorldNodeConfig, type WorldNodeConfig } from '../world-node/src/config.ts'

/** The settings of the whole system in one process. */
export interface EmbeddedConfig {
  readonly gateway: GatewayConfig
  readonly world: WorldNodeConfig
  readonly auth: AuthConfig
  /** Port of the Prometheus /metrics endpoint (0 = off). */
  readonly metricsPort: number
  readonly logLevel: string
}

/** Reads every service's settings; throws one ConfigError listing all problems. */
export function readEmbeddedConfig (env: Env): EmbeddedConfig {
  // One game version for the whole system: the world follows the gateway unless told otherwise.
  const merged: Record<string, string | undefined> = {
    ...env,
    WORLD_VERSION: env.WORLD_VERSION ?? env.GATEWAY_VERSION,
    // auth-service is internal in embedded mode: loopback, a free port.
    AUTH_HOST: env.AUTH_HOST ?? '127.0.0.1',
    AUTH_PORT: env.AUTH_PORT ?? '0'
  }
  const problems: string[] = []
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read()
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      problems.push(...err.problems)
      return undefined
    }
  }
  const gateway = attempt(() => readGatewayConfig(merged))
  const world = attempt(() => readWorldNodeConfig(merged, { embedded: true }))
  const auth = attempt(() => readAuthConfig(merged, { embedded: true }))
  const own = new EnvReader(merged)
  const metricsPort = own.int('TESSERA_METRICS_PORT', 9464, 0, 65535)
  const logLevel = own.string('TESSERA_LOG_LEVEL', 'info')
  own.check(gateway === undefined || world === undefined || gateway.version === world.version,
    `GATEWAY_VERSION=${gateway?.version} and WORLD_VERSION=${world?.version} differ: one game version per cluster`)
  problems.push(...own.problems)
  if (problems.length > 0 || gateway === undefined || world === undefined || auth === undefined) throw new ConfigError('tessera', problems)
  return { gateway, world, auth, metricsPort, logLevel }
}
