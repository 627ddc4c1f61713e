/**
 * Real Redis processes for tests: a standalone server, or a primary with replicas and
 * Sentinels, each on a free loopback port in its own temporary directory. Tests can SIGKILL
 * the primary and watch Sentinel promote a replica.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

/** One redis-server (or sentinel) process. */
export interface RedisProcess {
  readonly port: number
  readonly process: ChildProcess
  /** SIGKILL, and wait for the exit. */
  kill (): Promise<void>
}

/** A primary, its replicas and the Sentinels watching them. */
export interface RedisReplicaSet {
  readonly name: string
  readonly primary: RedisProcess
  readonly replicas: readonly RedisProcess[]
  readonly sentinels: readonly RedisProcess[]
  /** `host:port` of every Sentinel, as TESSERA_REDIS_SENTINELS takes them. */
  readonly sentinelList: string
  /** What each process says about replication, and the tail of its log: for failure messages. */
  describe (): Promise<string>
  stop (): Promise<void>
}

const STARTUP_TIMEOUT_MS = 10_000
const LOG_TAIL_LINES = 25

/** Sends one inline command and returns the raw reply (enough for PING and INFO checks). */
export async function redisCommand (port: number, command: string, timeoutMs = 2000): Promise<string> {
  return await new Promise((resolve, reject) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    let reply = ''
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`redis :${port} did not answer ${command}`)) }, timeoutMs)
    socket.on('error', (err) => { clearTimeout(timer); reject(err) })
    socket.on('data', (data) => {
      reply += data.toString()
      if (reply.endsWith('\r\n') && isComplete(reply)) {
        clearTimeout(timer)
        socket.end()
        resolve(reply)
      }
    })
    socket.write(`${command}\r\n`)
  })
}

function isComplete (reply: string): boolean {
  if (reply.startsWith('$')) {
    const header = reply.indexOf('\r\n')
    const length = Number(reply.slice(1, header))
    return length < 0 || reply.length >= header + 2 + length + 2
  }
  return true
}

async function waitFor (what: string, check: () => Promise<boolean>, timeoutMs = STARTUP_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      if (await check()) return
    } catch (err) {
      lastError = err
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`, { cause: lastError })
}

async function startProcess (args: string[], port: number, dir: string): Promise<RedisProcess> {
  const child = spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (data: Buffer) => { stderr += data.toString() })
  const exited = new Promise<void>((resolve) => { child.once('exit', () => { resolve() }) })
  try {
    await waitFor(`redis on :${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`redis-server exited: ${stderr}`)
      return (await redisCommand(port, 'PING')).startsWith('+PONG')
    })
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
  return {
    port,
    process: child,
    async kill () {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    }
  }
}

/** Starts a standalone redis-server that keeps nothing on disk. */
export async function startRedis (): Promise<RedisProcess & { url: string, stop (): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-redis-'))
  const port = await freePort()
  const server = await startProcess(['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], port, dir)
  return {
    ...server,
    url: `redis://127.0.0.1:${port}`,
    async stop () {
      await server.kill()
      await rm(dir, { recursive: true, force: true })
    }
  }
}

/** Starts a primary, `replicas` replicas and `sentinels` Sentinels (quorum 2), failover after 1 s. */
export async function startReplicaSet (options: { replicas?: number, sentinels?: number, name?: string } = {}): Promise<RedisReplicaSet> {
  const name = options.name ?? 'tessera'
  const dir = await mkdtemp(join(tmpdir(), 'tessera-redis-set-'))
  const all: RedisProcess[] = []
  try {
    // Each server gets its own directory (a replica loading a full sync renames its temporary
    // file to dump.rdb: two replicas in one directory could load each other's) and a log file.
    const server = async (port: number, extra: string[]): Promise<RedisProcess> => {
      const own = join(dir, String(port))
      await mkdir(own)
      return await startProcess(['--port', String(port), '--dir', own, '--logfile', join(dir, `redis-${port}.log`), ...extra,
        '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0'], port, own)
    }
    const primaryPort = await freePort()
    const primary = await server(primaryPort, [])
    all.push(primary)
    const replicas: RedisProcess[] = []
    for (let i = 0; i < (options.replicas ?? 2); i++) {
      const replica = await server(await freePort(), ['--replicaof', '127.0.0.1', String(primaryPort)])
      all.push(replica)
      replicas.push(replica)
    }
    for (const replica of replicas) {
      await waitFor(`replica :${replica.port} in sync`, async () => (await redisCommand(replica.port, 'INFO replication')).includes('master_link_status:up'))
    }
    const sentinels: RedisProcess[] = []
    for (let i = 0; i < (options.sentinels ?? 3); i++) {
      const port = await freePort()
      const conf = join(dir, `sentinel-${port}.conf`)
      await writeFile(conf, [
        `port ${port}`,
        'bind 127.0.0.1',
        `sentinel monitor ${name} 127.0.0.1 ${primaryPort} 2`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        `sentinel parallel-syncs ${name} 1`,
        `logfile ${join(dir, `sentinel-${port}.log`)}`,
        ''
      ].join('\n'))
      const sentinel = await startProcess([conf, '--sentinel'], port, dir)
      all.push(sentinel)
      sentinels.push(sentinel)
    }
    for (const sentinel of sentinels) {
      await waitFor(`sentinel :${sentinel.port} sees the replicas`, async () => {
        const info = await redisCommand(sentinel.port, 'INFO sentinel')
        return info.includes(`slaves=${replicas.length}`) && info.includes(`sentinels=${sentinels.length}`)
      })
    }
    return {
      name,
      primary,
      replicas,
      sentinels,
      sentinelList: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      async describe () {
        const parts: string[] = []
        for (const p of [primary, ...replicas]) {
          const info = await redisCommand(p.port, 'INFO replication').catch((err: Error) => err.message)
          parts.push(`redis :${p.port}: ${info.split('\r\n').filter((line) => /^(role|master_port|master_link_status|slave\d+|connected_slaves)/.test(line)).join(' ') || info}`)
        }
        for (const s of sentinels) {
          const master = await redisCommand(s.port, `SENTINEL get-master-addr-by-name ${name}`).catch((err: Error) => err.message)
          parts.push(`sentinel :${s.port} names ${/\r\n(\d+)\r\n$/.exec(master)?.[1] ?? JSON.stringify(master)} primary`)
        }
        for (const p of all) {
          const kind = sentinels.includes(p) ? 'sentinel' : 'redis'
          const log = await readFile(join(dir, `${kind}-${p.port}.log`), 'utf8').catch(() => '')
          parts.push(`--- ${kind} :${p.port} log (last ${LOG_TAIL_LINES} lines)`, ...log.trimEnd().split('\n').slice(-LOG_TAIL_LINES))
        }
        return parts.join('\n')
      },
      async stop () {
        await Promise.all(all.map(async (p) => { await p.kill() }))
        await rm(dir, { recursive: true, force: true })
      }
    }
  } catch (err) {
    await Promise.all(all.map(async (p) => { await p.kill() }))
    await rm(dir, { recursive: true, force: true })
    throw err
  }
}

/** Polls the Sentinels until they report a primary other than `oldPort`; returns its port. */
export async function waitForFailover (set: RedisReplicaSet, oldPort: number, timeoutMs = 30_000): Promise<number> {
  let newPort = oldPort
  await explained(set, waitFor('sentinel failover', async () => {
    const port = await namedPrimary(set)
    if (port !== null && port !== oldPort) newPort = port
    return newPort !== oldPort
  }, timeoutMs))
  return newPort
}

/**
 * Waits until the primary the Sentinels name has a replica online, so writes confirmed by WAIT
 * can succeed again. It asks each time: should Sentinel fail over once more, the new primary counts.
 */
export async function waitForOnlineReplica (set: RedisReplicaSet, timeoutMs = 30_000): Promise<number> {
  let primary = 0
  await explained(set, waitFor('a replica online at the primary Sentinel names', async () => {
    primary = await namedPrimary(set) ?? 0
    return primary !== 0 && /slave\d+:[^\r\n]*state=online/.test(await redisCommand(primary, 'INFO replication'))
  }, timeoutMs))
  return primary
}

async function namedPrimary (set: RedisReplicaSet): Promise<number | null> {
  const reply = await redisCommand(set.sentinels[0]!.port, `SENTINEL get-master-addr-by-name ${set.name}`)
  const port = Number(/\r\n(\d+)\r\n$/.exec(reply)?.[1])
  return Number.isInteger(port) ? port : null
}

/** A wait that fails with what every process of the set says and logged. */
export async function explained<T> (set: RedisReplicaSet, wait: Promise<T>): Promise<T> {
  try {
    return await wait
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${await set.describe()}`, { cause: err })
  }
}
