/**
 * `npm run cluster`: a local Tessera cluster as separate OS processes — 2 gateways (25565,
 * 25566), CLUSTER_WORLD_NODES world-nodes (default 3), 2 auth-service replicas — against
 * TESSERA_REDIS_URL (default redis://127.0.0.1:6379). Prints a line containing `ready` once every
 * process is up, and stops them all on Ctrl-C or SIGTERM. WORLD_REGION_SIZE and the other
 * settings pass through.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createConnection } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { SERVER_NODE_FLAGS } from '#shared/node-flags.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const READY_TIMEOUT_MS = 60_000
const MAX_WORLD_NODES = 16

interface Child { readonly name: string, readonly process: ChildProcess }

const base: Record<string, string | undefined> = {
  ...process.env,
  TESSERA_REDIS_URL: process.env.TESSERA_REDIS_URL ?? (process.env.TESSERA_REDIS_SENTINELS === undefined ? 'redis://127.0.0.1:6379' : undefined),
  TESSERA_CLUSTER_SECRET: process.env.TESSERA_CLUSTER_SECRET ?? randomBytes(24).toString('hex'),
  AUTH_ADMIN_TOKEN: process.env.AUTH_ADMIN_TOKEN ?? randomBytes(16).toString('hex')
}
const authPorts = [Number(process.env.CLUSTER_AUTH_PORT ?? 8081), Number(process.env.CLUSTER_AUTH_PORT ?? 8081) + 1]
const worldNodes = Number(process.env.CLUSTER_WORLD_NODES ?? 3)
if (!Number.isInteger(worldNodes) || worldNodes < 1 || worldNodes > MAX_WORLD_NODES) {
  process.stderr.write(`[cluster] CLUSTER_WORLD_NODES must be an integer 1..${MAX_WORLD_NODES}, got ${process.env.CLUSTER_WORLD_NODES}\n`)
  process.exit(2)
}
// World-node i links on 25601 + i (+ CLUSTER_PORT_OFFSET).
const linkPorts = Array.from({ length: worldNodes }, (_, i) => 25601 + i + Number(process.env.CLUSTER_PORT_OFFSET ?? 0))
const gatewayPorts = [Number(process.env.CLUSTER_GATEWAY_PORT ?? 25565), Number(process.env.CLUSTER_GATEWAY_PORT ?? 25565) + 1]
const children: Child[] = []
let stopping = false

function start (name: string, script: string, env: Record<string, string>): void {
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(root, script)], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const prefix = (stream: NodeJS.ReadableStream | null, out: NodeJS.WritableStream): void => {
    let rest = ''
    stream?.on('data', (data: Buffer) => {
      const lines = (rest + data.toString()).split('\n')
      rest = lines.pop() ?? ''
      for (const line of lines) out.write(`[${name}] ${line}\n`)
    })
  }
  prefix(child.stdout, process.stdout)
  prefix(child.stderr, process.stderr)
  child.once('exit', (code, signal) => {
    if (!stopping) {
      process.stderr.write(`[cluster] ${name} exited (${signal ?? code}); stopping the cluster\n`)
      void stopAll(1)
    }
  })
  children.push({ name, process: child })
}

async function accepts (port: number, path?: string): Promise<boolean> {
  if (path !== undefined) {
    try {
      return (await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) })).ok
    } catch {
      return false
    }
  }
  return await new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => { resolve(false) })
  })
}

async function waitReady (what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (!await check()) {
    if (stopping) throw new Error('stopping')
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${READY_TIMEOUT_MS / 1000} s`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

async function stopAll (code: number): Promise<void> {
  if (stopping) return
  stopping = true
  process.stderr.write('[cluster] stopping every process\n')
  const exits = children.map(async (child) => {
    if (child.process.exitCode !== null || child.process.signalCode !== null) return
    const exited = new Promise<void>((resolve) => { child.process.once('exit', () => { resolve() }) })
    child.process.kill('SIGTERM')
    const timer = setTimeout(() => child.process.kill('SIGKILL'), 30_000)
    await exited
    clearTimeout(timer)
  })
  await Promise.all(exits)
  process.exit(code)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => { void stopAll(0) })

authPorts.forEach((port, i) => { start(`auth-${i + 1}`, 'auth-service/src/main.ts', { AUTH_PORT: String(port), AUTH_HOST: '127.0.0.1' }) })
// Metrics: world-node i on CLUSTER_METRICS_PORT + i (default 9465…); 0 turns them off.
const metricsBase = Number(process.env.CLUSTER_METRICS_PORT ?? 9465)
linkPorts.forEach((port, i) => {
  start(`world-${i + 1}`, 'world-node/src/main.ts', {
    WORLD_NODE_ID: `world-${i + 1}`,
    WORLD_LINK_PORT: String(port),
    WORLD_ADVERTISE_HOST: '127.0.0.1',
    TESSERA_METRICS_PORT: String(metricsBase === 0 ? 0 : metricsBase + i)
  })
})
try {
  await Promise.all(authPorts.map(async (port) => { await waitReady(`auth-service :${port}`, async () => await accepts(port, '/v1/health')) }))
  await Promise.all(linkPorts.map(async (port) => { await waitReady(`world-node :${port}`, async () => await accepts(port)) }))
  const authUrl = authPorts.map((port) => `http://127.0.0.1:${port}`).join(',')
  gatewayPorts.forEach((port, i) => {
    start(`gateway-${i + 1}`, 'gateway/src/main.ts', {
      GATEWAY_ID: `gateway-${i + 1}`,
      GATEWAY_PORT: String(port),
      GATEWAY_AUTH_URL: authUrl,
      ...(base.AUTH_ADMIN_TOKEN === undefined ? {} : { GATEWAY_AUTH_ADMIN_TOKEN: base.AUTH_ADMIN_TOKEN }),
      // Gateway i's /metrics right after the world-nodes': CLUSTER_METRICS_PORT + worldNodes + i.
      GATEWAY_METRICS_PORT: String(metricsBase === 0 ? 0 : metricsBase + worldNodes + i)
    })
  })
  await Promise.all(gatewayPorts.map(async (port) => { await waitReady(`gateway :${port}`, async () => await accepts(port)) }))
  process.stdout.write(`[cluster] ready: gateways on 127.0.0.1:${gatewayPorts.join(' and :')}, ${worldNodes} world-node${worldNodes === 1 ? '' : 's'}, 2 auth-service replicas (admin token ${base.AUTH_ADMIN_TOKEN})\n`)
} catch (err) {
  process.stderr.write(`[cluster] ${(err as Error).message}\n`)
  await stopAll(1)
}
