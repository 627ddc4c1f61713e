// Reads the server's own view of its health from its Prometheus endpoint: tick rate, tick time and
// keep-alive round trip, the same metric names for Tessera and the flying-squid wrapper.
// Text format: https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format

/** Metric names the load tool looks for. */
export const METRIC_NAMES = {
  tps: 'tessera_world_tps',
  tickMs: 'tessera_world_tick_ms',
  keepAliveRttMs: 'tessera_keepalive_rtt_ms'
} as const

/** One sample line of the text format. */
export interface PromSample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Parses Prometheus text exposition; skips comments and lines it cannot read. */
export function parsePrometheusText (text: string): PromSample[] {
  const samples: PromSample[] = []
  for (const line of text.split('\n')) {
    if (line.length === 0 || line.startsWith('#')) continue
    const match = LINE.exec(line)
    if (match === null) continue
    const labels: Record<string, string> = {}
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1] as string] = (label[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    const value = Number(match[3])
    if (Number.isNaN(value)) continue
    samples.push({ name: match[1] as string, labels, value })
  }
  return samples
}

/** The server's health at one moment; null where the server does not expose it. */
export interface MetricsSample {
  /** performance.now() of the scrape */
  at: number
  /** worst (lowest) tick rate over all world series */
  tps: number | null
  /** worst (highest) tick time quantiles over all world series */
  tickMsP50: number | null
  tickMsP99: number | null
  keepAliveMsP50: number | null
  keepAliveMsP99: number | null
}

function worst (samples: PromSample[], name: string, quantile: string | null, pick: (values: number[]) => number): number | null {
  const values = samples
    .filter((s) => s.name === name && (quantile === null || s.labels.quantile === quantile) && Number.isFinite(s.value))
    .map((s) => s.value)
  return values.length === 0 ? null : pick(values)
}

/** Reduces a scrape to the numbers the load test reports. */
export function toMetricsSample (samples: PromSample[], at: number): MetricsSample {
  const max = (v: number[]): number => Math.max(...v)
  return {
    at,
    tps: worst(samples, METRIC_NAMES.tps, null, (v) => Math.min(...v)),
    tickMsP50: worst(samples, METRIC_NAMES.tickMs, '0.5', max),
    tickMsP99: worst(samples, METRIC_NAMES.tickMs, '0.99', max),
    keepAliveMsP50: worst(samples, METRIC_NAMES.keepAliveRttMs, '0.5', max),
    keepAliveMsP99: worst(samples, METRIC_NAMES.keepAliveRttMs, '0.99', max)
  }
}

async function fetchSamples (url: string, timeoutMs: number): Promise<PromSample[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  if (!response.ok) throw new Error(`HTTP ${response.status} from ${url}`)
  return parsePrometheusText(await response.text())
}

/**
 * Fetches every endpoint at once and reduces them together, so each figure is the worst over all
 * of them (a cluster's world-nodes and gateways). Throws if any endpoint fails: a sample missing
 * a node would hide exactly the node in trouble. Bounded by timeoutMs.
 */
export async function scrapeMetrics (urls: string | readonly string[], timeoutMs: number, at: () => number): Promise<MetricsSample> {
  const list = typeof urls === 'string' ? [urls] : urls
  const samples = await Promise.all(list.map(async (url) => await fetchSamples(url, timeoutMs)))
  return toMetricsSample(samples.flat(), at())
}
