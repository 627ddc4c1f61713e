/**
 * Prometheus gauges for tick health. Values are read from tickStats() when scraped, and carry a
 * `node` label, so two nodes in one process can share a registry without clashing.
 */
import { Gauge, type Registry } from 'prom-client'
import type { TickStats } from './tick-stats.ts'

type Source = () => TickStats

// One collector per metric and registry; each node adds its source to it.
const sourcesByRegistry = new WeakMap<Registry, Map<string, Source>>()

/** Registers (or joins) the world gauges in `registry`; returns a function that leaves them. */
export function registerWorldMetrics (registry: Registry, nodeId: string, stats: Source): () => void {
  let sources = sourcesByRegistry.get(registry)
  if (sources === undefined) {
    const created = new Map<string, Source>()
    sources = created
    sourcesByRegistry.set(registry, created)
    const each = (gauge: Gauge, read: (s: TickStats) => number): void => {
      gauge.reset()
      for (const [node, source] of created) gauge.set({ node }, read(source()))
    }
    registry.registerMetric(new Gauge({
      name: 'tessera_world_tps', help: 'Ticks per second over the last 5 s', labelNames: ['node'], registers: [],
      collect () { each(this, (s) => s.tps) }
    }))
    registry.registerMetric(new Gauge({
      name: 'tessera_world_tick_ms', help: 'Tick duration over the last 200 ticks, ms', labelNames: ['node', 'quantile'], registers: [],
      collect () {
        this.reset()
        for (const [node, source] of created) {
          const s = source()
          this.set({ node, quantile: '0.5' }, s.tickMsP50)
          this.set({ node, quantile: '0.99' }, s.tickMsP99)
        }
      }
    }))
    registry.registerMetric(new Gauge({
      name: 'tessera_world_tick_paused', help: '1 while ticking is paused because nobody is online (WORLD_PAUSE_WHEN_EMPTY_S)', labelNames: ['node'], registers: [],
      collect () { each(this, (s) => s.paused ? 1 : 0) }
    }))
    registry.registerMetric(new Gauge({
      name: 'tessera_world_players', help: 'Players simulated by the node', labelNames: ['node'], registers: [],
      collect () { each(this, (s) => s.players) }
    }))
    registry.registerMetric(new Gauge({
      name: 'tessera_world_loaded_chunks', help: 'Chunk columns held in memory', labelNames: ['node'], registers: [],
      collect () { each(this, (s) => s.loadedChunks) }
    }))
  }
  sources.set(nodeId, stats)
  const mine = sources
  return () => { mine.delete(nodeId) }
}
