// Reads a gateway's handoff figures from its /metrics (gateway/src/metrics.ts): the counters of
// completed and aborted handoffs, and the latency quantiles of its recent handoffs.
import { parsePrometheusText, type PromSample } from '../loadtest/server-metrics.ts'

/** One gateway's handoff figures at one moment. */
export interface HandoffSnapshot {
  completed: number
  aborted: number
  /** over the gateway's recent handoffs (it keeps the last 5 000–10 000), null before the first */
  p50Ms: number | null
  p99Ms: number | null
  maxMs: number | null
}

const value = (samples: readonly PromSample[], name: string, label: string, is: string): number | null =>
  samples.find((s) => s.name === name && s.labels[label] === is)?.value ?? null

/** Picks the handoff figures out of a scrape; counters a gateway has not exposed read as 0. */
export function handoffSnapshot (samples: readonly PromSample[]): HandoffSnapshot {
  return {
    completed: value(samples, 'tessera_handoffs_total', 'result', 'completed') ?? 0,
    aborted: value(samples, 'tessera_handoffs_total', 'result', 'aborted') ?? 0,
    p50Ms: value(samples, 'tessera_handoff_ms', 'quantile', '0.5'),
    p99Ms: value(samples, 'tessera_handoff_ms', 'quantile', '0.99'),
    maxMs: value(samples, 'tessera_handoff_ms', 'quantile', '1')
  }
}

/**
 * Scrapes one gateway; throws on HTTP errors, and when the counter is missing altogether (the
 * endpoint is not a Tessera gateway), bounded by timeoutMs.
 */
export async function readHandoffs (url: string, timeoutMs = 3000): Promise<HandoffSnapshot> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`)
  const samples = parsePrometheusText(await response.text())
  if (!samples.some((s) => s.name === 'tessera_handoffs_total')) throw new Error(`${url} exposes no tessera_handoffs_total`)
  return handoffSnapshot(samples)
}

/** Handoffs over a window of several gateways: counter deltas and the worst gateway's latency. */
export interface HandoffWindow {
  completed: number
  aborted: number
  perSecond: number
  /** the highest p50 / p99 / max over the gateways (their recent handoffs, warm-up included) */
  p50Ms: number | null
  p99Ms: number | null
  maxMs: number | null
}

const worst = (values: (number | null)[]): number | null => {
  const known = values.filter((v): v is number => v !== null)
  return known.length === 0 ? null : Number(Math.max(...known).toFixed(1))
}

/** Combines per-gateway snapshots taken at the start and the end of a window of `seconds`. */
export function handoffWindow (start: readonly HandoffSnapshot[], end: readonly HandoffSnapshot[], seconds: number): HandoffWindow {
  const sum = (list: readonly HandoffSnapshot[], pick: (s: HandoffSnapshot) => number): number => list.reduce((total, s) => total + pick(s), 0)
  const completed = sum(end, (s) => s.completed) - sum(start, (s) => s.completed)
  return {
    completed,
    aborted: sum(end, (s) => s.aborted) - sum(start, (s) => s.aborted),
    perSecond: seconds > 0 ? Number((completed / seconds).toFixed(2)) : 0,
    p50Ms: worst(end.map((s) => s.p50Ms)),
    p99Ms: worst(end.map((s) => s.p99Ms)),
    maxMs: worst(end.map((s) => s.maxMs))
  }
}
