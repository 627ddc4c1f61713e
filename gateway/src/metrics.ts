/**
 * The gateway's Prometheus metrics, in a registry of its own (never prom-client's global one):
 * keep-alive round trips, players, bytes in and out, chunk cache hits. Keyed by the gateway
 * context, so two gateways in one process (tests, embedded) never share counters; the embedded
 * launcher serves this registry next to the world-node's on /metrics.
 */
import { Counter, Gauge, Registry } from 'prom-client'
import { nearestRank, RecentSamples } from '#shared/recent-samples.ts'
import { HANDOFF_LATENCY_SAMPLES } from './world/world-router.ts'
import type { GatewayContext } from './gateway-context.ts'
import type { ProtocolConnection } from './protocol/protocol-connection.ts'

/** One gateway's metrics. */
export interface GatewayMetrics {
  readonly registry: Registry
  /** A keep-alive answered after `ms` milliseconds. */
  observeKeepAliveRtt (ms: number): void
  /** Counts this connection's bytes in tessera_gateway_bytes_{in,out}_total, until and after it closes. */
  track (protocol: ProtocolConnection): void
}

/** Keep-alive round trips are reported over this window... */
const KEEPALIVE_WINDOW_MS = 60_000
/** ...and at most this many of them (the newest). */
const KEEPALIVE_WINDOW_SAMPLES = 4096

/** Sets one series per quantile (none when there are no samples). */
function setQuantiles (gauge: Gauge<'quantile'>, sorted: Float64Array, quantiles: readonly number[]): void {
  gauge.reset()
  for (const q of quantiles) {
    const value = nearestRank(sorted, q)
    if (value !== undefined) gauge.set({ quantile: String(q) }, value)
  }
}

const byContext = new WeakMap<GatewayContext, GatewayMetrics>()

/** The metrics of the gateway owning `ctx`, created on first use. */
export function gatewayMetrics (ctx: GatewayContext): GatewayMetrics {
  let metrics = byContext.get(ctx)
  if (metrics === undefined) {
    metrics = createGatewayMetrics(ctx)
    byContext.set(ctx, metrics)
  }
  return metrics
}

function createGatewayMetrics (ctx: GatewayContext): GatewayMetrics {
  const registry = new Registry()
  const live = new Set<ProtocolConnection>()
  let closedIn = 0
  let closedOut = 0
  const total = (read: (p: ProtocolConnection) => number, closed: number): number => {
    let sum = closed
    for (const protocol of live) sum += read(protocol)
    return sum
  }

  const rtt = new RecentSamples(KEEPALIVE_WINDOW_MS, KEEPALIVE_WINDOW_SAMPLES)
  new Gauge({
    name: 'tessera_keepalive_rtt_ms',
    help: `Keep-alive round trip of players on this gateway over the last ${KEEPALIVE_WINDOW_MS / 1000} s (at most the last ${KEEPALIVE_WINDOW_SAMPLES}), ms`,
    labelNames: ['quantile'],
    registers: [registry],
    collect () { setQuantiles(this, rtt.sorted(), [0.5, 0.99]) }
  })
  new Gauge({
    name: 'tessera_gateway_players', help: 'Play sessions on this gateway', registers: [registry],
    collect () { this.set(ctx.players.size) }
  })
  new Counter({
    name: 'tessera_gateway_bytes_in_total', help: 'Bytes received from clients that reached play', registers: [registry],
    collect () { this.reset(); this.inc(total((p) => p.bytesIn, closedIn)) }
  })
  new Counter({
    name: 'tessera_gateway_bytes_out_total', help: 'Bytes sent to clients that reached play', registers: [registry],
    collect () { this.reset(); this.inc(total((p) => p.bytesOut, closedOut)) }
  })
  new Counter({
    name: 'tessera_gateway_chunk_cache_hits_total', help: 'Chunk packets served from the encode-once cache', registers: [registry],
    collect () { this.reset(); this.inc(ctx.frames.chunkCacheHits) }
  })

  new Counter({
    name: 'tessera_handoffs_total', help: 'Player handoffs between world-nodes coordinated by this gateway', labelNames: ['result'], registers: [registry],
    collect () {
      this.reset()
      this.inc({ result: 'completed' }, ctx.world.handoffs.completed)
      this.inc({ result: 'aborted' }, ctx.world.handoffs.aborted)
    }
  })
  new Gauge({
    name: 'tessera_handoff_ms',
    help: `Handoff latency (TransferRequested to CompleteTransfer; the player's input is buffered meanwhile) over the last ${HANDOFF_LATENCY_SAMPLES} handoffs, ms`,
    labelNames: ['quantile'],
    registers: [registry],
    collect () { setQuantiles(this, ctx.world.handoffs.latenciesMs.sorted(), [0.5, 0.99, 1]) }
  })

  return {
    registry,
    observeKeepAliveRtt (ms) { rtt.add(ms) },
    track (protocol) {
      if (live.has(protocol) || protocol.closed) return
      live.add(protocol)
      protocol.socket.once('close', () => {
        live.delete(protocol)
        closedIn += protocol.bytesIn
        closedOut += protocol.bytesOut
      })
    }
  }
}
