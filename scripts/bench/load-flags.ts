// The load flags bench:compare and bench:cluster share: their definitions for parseArgs, their
// usage lines, one validation that reports every bad flag at once, and the command-line prologue.
import { join } from 'node:path'
import { MOVEMENT_PATTERNS, type MovementPattern } from '../loadtest/movement.ts'
import type { LoadTestOptions } from '../loadtest/options.ts'
import { REPO_ROOT } from './servers.ts'

/** The load a benchmark puts on each server or cluster it measures. */
export interface LoadFlags {
  /** measured hold, seconds */
  duration: number
  /** unmeasured seconds between the ramp and the hold */
  warmup: number
  /** joins per second */
  ramp: number
  pattern: MovementPattern
  /** blocks from spawn bots may walk */
  radius: number
  viewDistance: number
  version: string
  outDir: string
  /** every bot must join within this */
  joinTimeoutMs: number
  /** load-generator read coalescing, see LoadTestOptions.readBatchMs */
  readBatchMs: number
}

/** Defaults that differ between the benchmarks. */
export interface LoadFlagDefaults {
  warmup: number
  radius: number
  /** printed after the radius default, e.g. "across several regions" */
  radiusWhy?: string
}

/** parseArgs option definitions of the load flags. */
export function loadFlagOptions (defaults: LoadFlagDefaults) {
  return {
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: String(defaults.warmup) },
    ramp: { type: 'string', default: '10' },
    pattern: { type: 'string', default: 'random' },
    radius: { type: 'string', default: String(defaults.radius) },
    'view-distance': { type: 'string', default: '10' },
    version: { type: 'string', default: '1.21.4' },
    'join-timeout': { type: 'string', default: '60' },
    'read-batch': { type: 'string', default: '5' },
    'out-dir': { type: 'string', default: join(REPO_ROOT, 'bench-results') }
  } as const
}

/** Usage lines of the load flags. */
export function loadFlagUsage (defaults: LoadFlagDefaults): string {
  return `  --duration S         seconds of measured load, after the ramp and warm-up (default 60)
  --warmup S           unmeasured seconds between the ramp and the measured hold (default ${defaults.warmup})
  --ramp R             joins per second (default 10)
  --pattern P          ${MOVEMENT_PATTERNS.join('|')} (default random)
  --radius B           blocks from spawn bots may walk (default ${defaults.radius}${defaults.radiusWhy === undefined ? '' : `: ${defaults.radiusWhy}`})
  --view-distance N    server and client view distance (default 10)
  --version V          Minecraft version (default 1.21.4)
  --join-timeout S     seconds each bot may take to join (default 60)
  --read-batch MS      load generator reads sockets together every MS ms (default 5; 0 = per packet);
                       cuts its CPU several-fold, adds up to MS ms to measured round trips
  --out-dir DIR        results folder (default bench-results/)`
}

/** Collects the problems of a command line; `int` reads one integer flag within bounds. */
export class FlagProblems {
  readonly list: string[] = []

  int (flag: string, value: string, min: number, max: number): number {
    const n = Number(value)
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) this.list.push(`--${flag} must be an integer ${min}..${max}, got ${value}`)
    return n
  }

  /** Throws listing every problem, if there is any. */
  throwIfAny (): void {
    if (this.list.length > 0) throw new Error(`invalid flags:\n  ${this.list.join('\n  ')}`)
  }
}

type LoadFlagValues = { [K in keyof ReturnType<typeof loadFlagOptions>]: string }

/** Reads the load flags, adding any problem to `problems`. */
export function readLoadFlags (values: LoadFlagValues, problems: FlagProblems): LoadFlags {
  if (!MOVEMENT_PATTERNS.includes(values.pattern as MovementPattern)) problems.list.push(`--pattern must be one of ${MOVEMENT_PATTERNS.join('|')}, got ${values.pattern}`)
  const ramp = Number(values.ramp)
  if (!(ramp > 0 && ramp <= 500)) problems.list.push(`--ramp must be 0..500 joins per second, got ${values.ramp}`)
  return {
    duration: problems.int('duration', values.duration, 1, 3600),
    warmup: problems.int('warmup', values.warmup, 0, 3600),
    ramp,
    pattern: values.pattern as MovementPattern,
    radius: problems.int('radius', values.radius, 0, 100_000),
    viewDistance: problems.int('view-distance', values['view-distance'], 2, 32),
    version: values.version,
    outDir: values['out-dir'],
    joinTimeoutMs: problems.int('join-timeout', values['join-timeout'], 1, 600) * 1000,
    readBatchMs: problems.int('read-batch', values['read-batch'], 0, 1000)
  }
}

/** The load-test settings the flags give (everything but the target and the bot count). */
export function loadTestSettings (flags: LoadFlags): Pick<LoadTestOptions, 'version' | 'ramp' | 'duration' | 'warmup' | 'pattern' | 'radius' | 'viewDistance' | 'joinTimeoutMs' | 'readBatchMs'> {
  const { version, ramp, duration, warmup, pattern, radius, viewDistance, joinTimeoutMs, readBatchMs } = flags
  return { version, ramp, duration, warmup, pattern, radius, viewDistance, joinTimeoutMs, readBatchMs }
}

/**
 * Parses a benchmark's command line: the options, or the exit code after printing the usage
 * (--help: 0) or the problems and the usage (2).
 */
export function parseCommandLine<T> (parse: (args: string[]) => T | 'help', usage: string, args = process.argv.slice(2)): T | number {
  let options: T | 'help'
  try {
    options = parse(args)
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`)
    return 2
  }
  if (options === 'help') {
    console.log(usage)
    return 0
  }
  return options
}
