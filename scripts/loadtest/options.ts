// Load-test options: defaults, and one validation pass that reports every problem at once.
import { MOVEMENT_PATTERNS, type MovementPattern } from './movement.ts'

/** Everything that shapes a load-test run. */
export interface LoadTestOptions {
  host: string
  port: number
  /** game ports the bots spread over (bot i uses ports[i % length]); empty = just `port` */
  ports: number[]
  version: string
  /** bots in total, mineflayer ones included */
  bots: number
  /** joins started per second */
  ramp: number
  /** seconds of steady load after every bot has joined or failed and the warm-up is over */
  duration: number
  /** seconds between the last join and the measured hold: initial chunk loading settles */
  warmup: number
  pattern: MovementPattern
  /** blocks from spawn a bot may walk */
  radius: number
  /** how many of the bots are full mineflayer clients */
  mineflayer: number
  /** Prometheus endpoint of the server, or null */
  metricsUrl: string | null
  /** further endpoints scraped with it (a cluster's nodes); every figure is the worst of them all */
  extraMetricsUrls: string[]
  /** pid of the server, to read its CPU and memory from /proc, or null */
  serverPid: number | null
  jsonOut: string | null
  namePrefix: string
  joinTimeoutMs: number
  viewDistance: number
  chunksPerTick: number
  /** ms between ping_request probes per bot; 0 disables them */
  probeIntervalMs: number
  scrapeIntervalMs: number
  /** coalesce socket reads every this many ms (0 = read at once); adds up to it to round trips */
  readBatchMs: number
  /**
   * Spread the bots' moves over this many slots of each 50 ms tick (bot i moves in slot i mod
   * stagger), as independent clients' packets arrive, instead of all at once; 1 = one burst.
   */
  stagger: number
}

/** Defaults for everything but the target. */
export const DEFAULT_OPTIONS: LoadTestOptions = {
  host: '127.0.0.1',
  port: 25565,
  ports: [],
  version: '1.21.4',
  bots: 10,
  ramp: 5,
  duration: 60,
  warmup: 10,
  pattern: 'random',
  radius: 32,
  mineflayer: 0,
  metricsUrl: null,
  extraMetricsUrls: [],
  serverPid: null,
  jsonOut: null,
  namePrefix: 'lt',
  joinTimeoutMs: 30_000,
  viewDistance: 10,
  chunksPerTick: 25,
  probeIntervalMs: 5000,
  scrapeIntervalMs: 2000,
  readBatchMs: 5,
  stagger: 1
}

/** Bounds that keep every run finite and the generator on one machine. */
export const LIMITS = { maxBots: 5000, maxRamp: 500, maxDurationS: 24 * 3600, maxRadius: 100_000 } as const

/** Thrown with every problem found in the options. */
export class LoadTestOptionsError extends Error {
  readonly problems: string[]
  constructor (problems: string[]) {
    super(`invalid load-test options:\n  ${problems.join('\n  ')}`)
    this.name = 'LoadTestOptionsError'
    this.problems = problems
  }
}

const isInt = (value: number, min: number, max: number): boolean => Number.isInteger(value) && value >= min && value <= max
const isNum = (value: number, min: number, max: number): boolean => Number.isFinite(value) && value >= min && value <= max

/** Fills in defaults and validates; throws LoadTestOptionsError listing all problems. */
export function resolveOptions (input: Partial<LoadTestOptions>): LoadTestOptions {
  const options: LoadTestOptions = { ...DEFAULT_OPTIONS }
  for (const [key, value] of Object.entries(input)) {
    if (value !== undefined) (options as unknown as Record<string, unknown>)[key] = value
  }
  const problems: string[] = []
  if (typeof options.host !== 'string' || options.host.length === 0) problems.push('--host must be a host name or address')
  if (!isInt(options.port, 1, 65535)) problems.push(`--port must be an integer 1..65535, got ${options.port}`)
  if (!Array.isArray(options.ports) || options.ports.some((port) => !isInt(port, 1, 65535))) problems.push(`--port list must hold integers 1..65535, got ${String(options.ports)}`)
  if (!/^\d+\.\d+(\.\d+)?$/.test(options.version)) problems.push(`--version must look like 1.21.4, got ${options.version}`)
  if (!isInt(options.bots, 1, LIMITS.maxBots)) problems.push(`--bots must be an integer 1..${LIMITS.maxBots}, got ${options.bots}`)
  if (!isNum(options.ramp, 0.01, LIMITS.maxRamp)) problems.push(`--ramp must be 0.01..${LIMITS.maxRamp} joins per second, got ${options.ramp}`)
  if (!isNum(options.duration, 0, LIMITS.maxDurationS)) problems.push(`--duration must be 0..${LIMITS.maxDurationS} seconds, got ${options.duration}`)
  if (!isNum(options.warmup, 0, LIMITS.maxDurationS)) problems.push(`--warmup must be 0..${LIMITS.maxDurationS} seconds, got ${options.warmup}`)
  if (!MOVEMENT_PATTERNS.includes(options.pattern)) problems.push(`--pattern must be one of ${MOVEMENT_PATTERNS.join('|')}, got ${String(options.pattern)}`)
  if (!isNum(options.radius, 0, LIMITS.maxRadius)) problems.push(`--radius must be 0..${LIMITS.maxRadius} blocks, got ${options.radius}`)
  if (!isInt(options.mineflayer, 0, options.bots)) problems.push(`--mineflayer must be an integer 0..--bots (${options.bots}), got ${options.mineflayer}`)
  if (options.metricsUrl !== null && !/^https?:\/\//.test(options.metricsUrl)) problems.push(`--metrics must be an http(s) URL, got ${options.metricsUrl}`)
  if (!Array.isArray(options.extraMetricsUrls) || options.extraMetricsUrls.some((url) => !/^https?:\/\//.test(url))) problems.push(`--metrics list must hold http(s) URLs, got ${String(options.extraMetricsUrls)}`)
  if (options.metricsUrl === null && options.extraMetricsUrls.length > 0) problems.push('extra metrics URLs need a first --metrics URL')
  if (options.serverPid !== null && !isInt(options.serverPid, 1, 2 ** 31)) problems.push(`--server-pid must be a process id, got ${options.serverPid}`)
  if (!/^[A-Za-z0-9_]{1,10}$/.test(options.namePrefix)) problems.push(`--name-prefix must be 1..10 of [A-Za-z0-9_] (names are prefix + index, at most 16), got ${options.namePrefix}`)
  if (!isInt(options.joinTimeoutMs, 1000, 600_000)) problems.push(`--join-timeout must be 1..600 seconds, got ${options.joinTimeoutMs / 1000}`)
  if (!isInt(options.viewDistance, 2, 32)) problems.push(`--view-distance must be an integer 2..32, got ${options.viewDistance}`)
  if (!isNum(options.chunksPerTick, 0.01, 1000)) problems.push(`--chunks-per-tick must be 0.01..1000, got ${options.chunksPerTick}`)
  if (!isInt(options.probeIntervalMs, 0, 600_000)) problems.push(`--probe-interval must be 0..600 seconds, got ${options.probeIntervalMs / 1000}`)
  if (!isInt(options.scrapeIntervalMs, 100, 600_000)) problems.push(`scrape interval must be 100..600000 ms, got ${options.scrapeIntervalMs}`)
  if (!isInt(options.stagger, 1, 50)) problems.push(`--stagger must be an integer 1..50 slots per 50 ms tick, got ${options.stagger}`)
  if (!isInt(options.readBatchMs, 0, 1000)) problems.push(`--read-batch must be an integer 0..1000 ms, got ${options.readBatchMs}`)
  if (problems.length > 0) throw new LoadTestOptionsError(problems)
  return options
}

/** The game ports bots connect to: bot i uses the result's [i % length]. */
export function gamePorts (options: Pick<LoadTestOptions, 'port' | 'ports'>): number[] {
  return options.ports.length > 0 ? options.ports : [options.port]
}

/** Every Prometheus endpoint the run scrapes, in order; empty when none was given. */
export function metricsUrls (options: Pick<LoadTestOptions, 'metricsUrl' | 'extraMetricsUrls'>): string[] {
  return options.metricsUrl === null ? [] : [options.metricsUrl, ...options.extraMetricsUrls]
}
