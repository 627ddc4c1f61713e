/**
 * The whole system started in this process on a free port with a fresh data directory, for
 * end-to-end tests with real bots. Restartable on the same data directory.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger } from '#shared/logger.ts'
import { readEmbeddedConfig } from '../../embedded/config.ts'
import { startEmbedded, type EmbeddedSystem } from '../../embedded/create-embedded.ts'
import { freePort } from './free-port.ts'

/** A test server; `env` overrides settings. */
export interface TestServer {
  readonly port: number
  readonly dataDir: string
  readonly system: EmbeddedSystem
  /** Stops and starts again on the same data directory and port. */
  restart (): Promise<void>
  /** Stops and deletes the data directory. */
  stop (): Promise<void>
}

/** Starts an embedded server for a test. */
export async function startTestServer (env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-test-'))
  const port = await freePort()
  const settings = {
    GATEWAY_PORT: String(port),
    GATEWAY_HOST: '127.0.0.1',
    TESSERA_DATA_DIR: dataDir,
    TESSERA_METRICS_PORT: '0',
    TESSERA_LOG_LEVEL: process.env.TESSERA_TEST_LOG_LEVEL ?? 'warn',
    GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '0',
    ...env
  }
  const log = createLogger('test', { level: settings.TESSERA_LOG_LEVEL })
  let system = await startEmbedded(readEmbeddedConfig(settings), log)
  return {
    port,
    dataDir,
    get system () { return system },
    async restart () {
      await system.stop()
      system = await startEmbedded(readEmbeddedConfig(settings), log)
    },
    async stop () {
      await system.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}
