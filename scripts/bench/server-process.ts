// Spawns a server under test and measures it from outside through /proc, the same way for every
// server: CPU time and resident memory of the whole process tree, children included.
// /proc fields: https://man7.org/linux/man-pages/man5/proc_pid_stat.5.html
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

let clockTicks: number | undefined

function clockTicksPerSecond (): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      clockTicks = 100
    }
  }
  return clockTicks
}

interface ProcStat {
  pid: number
  ppid: number
  /** utime + stime + cutime + cstime, in clock ticks */
  ticks: number
}

function readStat (pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name may hold spaces and parentheses; fields resume after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    // fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17.
    const at = (field: number): number => Number(fields[field - 3])
    return { pid, ppid: at(4), ticks: at(14) + at(15) + at(16) + at(17) }
  } catch {
    return undefined
  }
}

/** The pid and all its live descendants. */
export function processTree (rootPid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    const stat = readStat(Number(entry))
    if (stat === undefined) continue
    const siblings = children.get(stat.ppid) ?? []
    siblings.push(stat.pid)
    children.set(stat.ppid, siblings)
  }
  const tree: number[] = []
  const queue = [rootPid]
  while (queue.length > 0) {
    const pid = queue.shift() as number
    tree.push(pid)
    queue.push(...(children.get(pid) ?? []))
  }
  return tree
}

/** CPU and memory of a process tree at one moment. */
export interface ProcessUsage {
  /** user + system CPU-seconds of the tree, including reaped children */
  cpuSeconds: number
  /** sum of VmRSS over the live tree */
  rssBytes: number
  processes: number
}

/** Reads the usage of a pid and its descendants; zeros if the process is gone. */
export function measureProcessTree (rootPid: number): ProcessUsage {
  let ticks = 0
  let rssBytes = 0
  let processes = 0
  for (const pid of processTree(rootPid)) {
    const stat = readStat(pid)
    if (stat === undefined) continue
    processes++
    ticks += stat.ticks
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
      if (match !== null) rssBytes += Number(match[1]) * 1024
    } catch {
      // exited between the two reads
    }
  }
  return { cpuSeconds: ticks / clockTicksPerSecond(), rssBytes, processes }
}

/**
 * CPU-seconds the whole machine has spent busy since boot (every core; /proc/stat user, nice,
 * system, irq, softirq and steal), to tell how much of a window other processes took.
 */
export function machineBusySeconds (): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number)
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields
  return (user + nice + system + irq + softirq + steal) / clockTicksPerSecond()
}

/** One live process of a tree, for per-role breakdowns of a cluster's CPU. */
export interface ProcessEntry {
  pid: number
  /** argv joined with spaces, from /proc/<pid>/cmdline */
  command: string
  /** its own user + system CPU-seconds (plus those of its reaped children) */
  cpuSeconds: number
}

/** Every live process of the tree with its command line and CPU-seconds. */
export function listProcessTree (rootPid: number): ProcessEntry[] {
  const entries: ProcessEntry[] = []
  for (const pid of processTree(rootPid)) {
    const stat = readStat(pid)
    if (stat === undefined) continue
    let command = ''
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
    } catch {
      // exited between the two reads
    }
    entries.push({ pid, command, cpuSeconds: stat.ticks / clockTicksPerSecond() })
  }
  return entries
}

/** How to start one server under test. */
export interface ServerSpec {
  /** short name used in reports: "tessera", "flying-squid" */
  name: string
  command: string
  args: string[]
  env: Record<string, string>
  cwd: string
  /** game port the server will listen on */
  port: number
  /** Prometheus endpoint, or null if the server has none */
  metricsUrl: string | null
}

/** A running server under test. */
export interface RunningServer {
  spec: ServerSpec
  pid: number
  /** the last lines of its stdout and stderr, for error messages */
  output(): string
  /** SIGTERM, then SIGKILL after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>
}

function canConnect (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port })
    socket.setTimeout(1000)
    socket.once('connect', () => { socket.destroy(); resolve(true) })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => { socket.destroy(); resolve(false) })
  })
}

/**
 * Starts the server and resolves once its game port (and metrics endpoint, if any) accept
 * connections; rejects with its output if it exits first or is not ready within readyTimeoutMs.
 */
export async function startServer (spec: ServerSpec, readyTimeoutMs = 90_000): Promise<RunningServer> {
  // Its own process group, so stop() also reaches any worker processes it spawned.
  const child: ChildProcess = spawn(spec.command, spec.args, { cwd: spec.cwd, env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
  const tail: string[] = []
  const keep = (chunk: Buffer): void => {
    tail.push(...chunk.toString('utf8').split('\n').filter((line) => line.length > 0))
    if (tail.length > 40) tail.splice(0, tail.length - 40)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  let exitCode: number | string | null = null
  const exited = new Promise<void>((resolve) => child.once('exit', (code, signal) => { exitCode = code ?? signal; resolve() }))
  const pid = child.pid
  if (pid === undefined) throw new Error(`could not spawn ${spec.command}`)
  const output = (): string => tail.join('\n')
  const running: RunningServer = {
    spec,
    pid,
    output,
    async stop (graceMs = 5000) {
      if (exitCode !== null) return
      try { process.kill(-pid, 'SIGTERM') } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-pid, 'SIGKILL') } catch { /* already gone */ } }, graceMs)
      await exited
      clearTimeout(timer)
    }
  }
  const deadline = Date.now() + readyTimeoutMs
  while (Date.now() < deadline) {
    if (exitCode !== null) throw new Error(`${spec.name} exited (${String(exitCode)}) before it was ready:\n${output()}`)
    const gameUp = await canConnect(spec.port)
    const metricsUp = spec.metricsUrl === null || (gameUp && await fetch(spec.metricsUrl, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false))
    if (gameUp && metricsUp) return running
    await sleep(250)
  }
  await running.stop()
  throw new Error(`${spec.name} was not ready on port ${spec.port} within ${readyTimeoutMs} ms:\n${output()}`)
}
