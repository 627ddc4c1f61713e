/**
 * The tab list: entries for online players, latency updates batched every 2 s.
 */
import { WorldFact, type PlayerListEntry, type ReportLatency } from '#shared/world-messages.ts'
import type { GatewayConnection } from './gateway-links.ts'
import type { OnlinePlayer } from './players.ts'
import type { World } from './world.ts'

/** Latency changes go out at most this often (ticks). */
export const LATENCY_BATCH_TICKS = 40

/** A player's tab-list entry. */
export function listEntryOf (player: OnlinePlayer): PlayerListEntry {
  return {
    playerId: player.id,
    name: player.profile.name,
    properties: player.profile.properties,
    gameMode: player.gameMode,
    latencyMs: player.latencyMs
  }
}

/** Sends a freshly greeted link the whole list. */
export function sendPlayerList (world: World, connection: GatewayConnection): void {
  const entries = [...world.players.all()].map(listEntryOf)
  world.links.send(connection, { type: WorldFact.PlayerListUpserted, entries })
}

/** Tells every link that these players' entries changed (joined, game mode, …). */
export function upsertListEntries (world: World, players: readonly OnlinePlayer[]): void {
  if (players.length === 0) return
  world.links.broadcast({ type: WorldFact.PlayerListUpserted, entries: players.map(listEntryOf) })
}

/** Tells every link that a player left. */
export function removeListEntry (world: World, player: OnlinePlayer): void {
  world.links.broadcast({ type: WorldFact.PlayerListRemoved, playerIds: [player.id] })
}

/** ReportLatency: remembered now, sent with the next batch. */
export function reportLatency (_world: World, player: OnlinePlayer, command: ReportLatency): void {
  if (!Number.isFinite(command.latencyMs) || command.latencyMs < 0) return
  const latencyMs = Math.min(Math.round(command.latencyMs), 60_000)
  if (latencyMs === player.latencyMs) return
  player.latencyMs = latencyMs
  player.latencyDirty = true
}

/** End of tick: every 2 s, one PlayerListUpserted with the latencies that changed. */
export function flushLatencies (world: World): void {
  if (world.clock.worldAge % LATENCY_BATCH_TICKS !== 0) return
  const changed: OnlinePlayer[] = []
  for (const player of world.players.all()) {
    if (!player.latencyDirty) continue
    player.latencyDirty = false
    changed.push(player)
  }
  upsertListEntries(world, changed)
}
