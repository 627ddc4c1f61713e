/**
 * Typed readers for environment settings. Each service's config module is the only reader of
 * process.env; it hands the record here and collects every problem before failing once.
 */

/** A raw environment: the subset of process.env a config module reads. */
export type Env = Readonly<Record<string, string | undefined>>

/** Collects config problems so they can all be reported together. */
export class EnvReader {
  readonly problems: string[] = []
  readonly #env: Env

  constructor (env: Env) {
    this.#env = env
  }

  /** A string setting, or its default when unset or empty. */
  string (name: string, fallback: string): string {
    const raw = this.#env[name]
    return raw === undefined || raw === '' ? fallback : raw
  }

  /** An optional string setting. */
  optional (name: string): string | undefined {
    const raw = this.#env[name]
    return raw === undefined || raw === '' ? undefined : raw
  }

  /** An integer in [min, max]. */
  int (name: string, fallback: number, min: number, max: number): number {
    const raw = this.#env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: expected an integer from ${min} to ${max}`)
      return fallback
    }
    return value
  }

  /** A boolean written as true/false/1/0/yes/no. */
  bool (name: string, fallback: boolean): boolean {
    const raw = this.#env[name]
    if (raw === undefined || raw === '') return fallback
    const lower = raw.toLowerCase()
    if (['true', '1', 'yes', 'on'].includes(lower)) return true
    if (['false', '0', 'no', 'off'].includes(lower)) return false
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`)
    return fallback
  }

  /** One of a fixed set of values. */
  oneOf<T extends string> (name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.#env[name]
    if (raw === undefined || raw === '') return fallback
    if ((allowed as readonly string[]).includes(raw)) return raw as T
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${allowed.join(', ')}`)
    return fallback
  }

  /** A custom check: push a problem when `ok` is false. */
  check (ok: boolean, problem: string): void {
    if (!ok) this.problems.push(problem)
  }

  /** Throws one ConfigError listing every problem found, if any. */
  done (service: string): void {
    if (this.problems.length > 0) throw new ConfigError(service, this.problems)
  }
}

/** Thrown at start when the configuration is invalid; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: readonly string[]

  constructor (service: string, problems: readonly string[]) {
    super(`invalid ${service} configuration:\n  - ${problems.join('\n  - ')}`)
    this.name = 'ConfigError'
    this.problems = problems
  }
}
