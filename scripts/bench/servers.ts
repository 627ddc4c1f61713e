// The servers a benchmark or smoke test can run, each as a spec for startServer: same version,
// view distance and offline mode, a fresh data folder and a free game and metrics port.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SERVER_NODE_FLAGS } from '#shared/node-flags.ts'
import { freePort } from '../../tests/harness/free-port.ts'
import type { ServerSpec } from './server-process.ts'

/** The repository root (scripts/bench/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Servers we know how to start. */
export type ServerName = 'tessera' | 'flying-squid'

export const SERVER_NAMES: readonly ServerName[] = ['tessera', 'flying-squid']

/** Settings every server under comparison gets. */
export interface ServerSettings {
  version: string
  viewDistance: number
}

/** A spec with fresh ports and a fresh data folder for the named server. */
export async function serverSpec (name: ServerName, settings: ServerSettings): Promise<ServerSpec> {
  const port = await freePort()
  const metricsPort = await freePort()
  const dataDir = mkdtempSync(join(tmpdir(), `${name}-bench-`))
  const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`
  const node = process.execPath
  if (name === 'flying-squid') {
    return {
      name,
      command: node,
      args: [join(REPO_ROOT, 'scripts/bench/flying-squid-server.ts'), '--port', String(port), '--metrics-port', String(metricsPort), '--view-distance', String(settings.viewDistance), '--version', settings.version, '--data-dir', dataDir],
      env: {},
      cwd: REPO_ROOT,
      port,
      metricsUrl
    }
  }
  return {
    name,
    command: node,
    args: [...SERVER_NODE_FLAGS, join(REPO_ROOT, 'embedded/main.ts')],
    env: {
      GATEWAY_PORT: String(port),
      GATEWAY_ONLINE_MODE: 'false',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_METRICS_PORT: String(metricsPort),
      WORLD_VIEW_DISTANCE: String(settings.viewDistance),
      GATEWAY_VERSION: settings.version,
      WORLD_VERSION: settings.version,
      // Every bot comes from 127.0.0.1: lift the per-address limits meant for real players.
      GATEWAY_CONNECTIONS_PER_ADDRESS_PER_MINUTE: '1000000',
      AUTH_RATE_ADMITS_PER_ADDRESS: '1000000',
      GATEWAY_MAX_PLAYERS: '100000'
    },
    cwd: REPO_ROOT,
    port,
    metricsUrl
  }
}
