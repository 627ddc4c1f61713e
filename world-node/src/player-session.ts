/**
 * Attaching and detaching players: load the saved state (or spawn), announce them to viewers
 * and the tab list; on leave, save durably and withdraw them.
 */
import type { PlayerId } from '#shared/ids.ts'
import { isValidUsername } from '#shared/ids.ts'
import { WorldFact, type AttachPlayer, type DetachPlayer, type PlayerSnapshot } from '#shared/world-messages.ts'
import { announceEntity, withdrawEntity } from './entities.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { removeListEntry, upsertListEntries } from './player-list.ts'
import { playerFromSnapshot, snapshotOf, type OnlinePlayer } from './players.ts'
import { newPlayerSnapshot } from './spawn.ts'
import type { World } from './world.ts'

/** An attach waiting for the player's saved state. */
interface PendingAttach {
  readonly connection: GatewayConnection
  readonly command: AttachPlayer
}

const GAME_MODES = new Set(['survival', 'creative', 'adventure', 'spectator'])

/** Attaches in flight, per world. */
const pendingByWorld = new WeakMap<World, Map<PlayerId, PendingAttach>>()

function pendingOf (world: World): Map<PlayerId, PendingAttach> {
  let pending = pendingByWorld.get(world)
  if (pending === undefined) pendingByWorld.set(world, pending = new Map())
  return pending
}

/** True when a stored snapshot can be used as is. */
function isUsable (world: World, snapshot: PlayerSnapshot): boolean {
  const numbers = [snapshot.x, snapshot.y, snapshot.z, snapshot.yaw, snapshot.pitch]
  return numbers.every(Number.isFinite) && snapshot.y >= world.game.minY - 64 &&
    GAME_MODES.has(snapshot.gameMode) && Array.isArray(snapshot.inventory)
}

/** AttachPlayer: load the player's state in the background; they enter the world next tick. */
export function attachPlayer (world: World, connection: GatewayConnection, command: AttachPlayer): void {
  const { profile } = command
  // Queued before its link closed: nobody is left to play, and an older session must not be kicked.
  if (connection.link.closed) return
  if (!isValidUsername(profile.name)) {
    world.links.send(connection, { type: WorldFact.AttachRefused, playerId: profile.id, reason: 'Invalid username' })
    return
  }
  const pending = pendingOf(world)
  const earlier = pending.get(profile.id)
  if (earlier !== undefined && earlier.connection !== connection) {
    world.links.send(earlier.connection, { type: WorldFact.AttachRefused, playerId: profile.id, reason: 'You logged in from another location' })
  }
  const online = world.players.get(profile.id)
  if (online !== undefined) {
    // One writer per player: the older session goes (and is saved) before the new one loads.
    world.links.send(online.connection, { type: WorldFact.PlayerKicked, playerId: online.id, reason: 'You logged in from another location' })
    detachPlayer(world, online, 'logged in again')
  }
  const entry: PendingAttach = { connection, command }
  pending.set(profile.id, entry)
  world.outbox.read(async () => {
    // Distributed mode: this node becomes the player's only writer before reading its state.
    await world.store.claimPlayer?.(profile.id)
    return await world.store.loadPlayer(profile.id)
  }).then((stored) => {
    world.enqueue(() => { enterWorld(world, entry, stored) })
  }, (err: unknown) => {
    world.log.error({ err, player: profile.name }, 'loading player failed')
    world.enqueue(() => {
      if (pending.get(profile.id) !== entry) return
      pending.delete(profile.id)
      world.links.send(connection, { type: WorldFact.AttachRefused, playerId: profile.id, reason: 'The world is unavailable right now; try again in a moment' })
    })
  })
}

/** Second half of an attach, in the tick: the player appears. */
function enterWorld (world: World, entry: PendingAttach, stored: PlayerSnapshot | null): void {
  const { connection, command } = entry
  const { profile } = command
  const pending = pendingOf(world)
  if (pending.get(profile.id) !== entry) return
  pending.delete(profile.id)
  if (connection.link.closed) return
  const snapshot = stored !== null && isUsable(world, stored) ? stored : newPlayerSnapshot(world)
  const player = playerFromSnapshot(profile, world.nextEntityId(), connection, snapshot)
  world.players.add(player)
  world.log.info({ player: profile.name, playerId: profile.id, entityId: player.entityId, returning: stored !== null }, 'player attached')
  world.links.send(connection, {
    type: WorldFact.PlayerAttached,
    playerId: player.id,
    entityId: player.entityId,
    snapshot: snapshotOf(player),
    worldAge: world.clock.worldAge,
    timeOfDay: world.clock.timeOfDay
  })
  announceEntity(world, player)
  upsertListEntries(world, [player])
}

/** Removes a player: saved in this tick's durable batch, withdrawn from viewers and the list. */
export function detachPlayer (world: World, player: OnlinePlayer, reason: string): void {
  world.players.remove(player.id)
  world.outbox.savePlayer(player.id, snapshotOf(player))
  withdrawEntity(world, player)
  removeListEntry(world, player)
  world.subscriptions.removePlayer(player.connection, player.id)
  world.log.info({ player: player.profile.name, playerId: player.id, reason }, 'player detached')
}

/** DetachPlayer from the gateway that attached the player. */
export function handleDetach (world: World, connection: GatewayConnection, command: DetachPlayer): void {
  const pending = pendingOf(world)
  if (pending.get(command.playerId)?.connection === connection) pending.delete(command.playerId)
  const player = world.players.get(command.playerId)
  if (player === undefined || player.connection !== connection) {
    world.subscriptions.removePlayer(connection, command.playerId)
    return
  }
  detachPlayer(world, player, command.reason)
}

/** A link closed: its players leave (and are saved), its subscriptions go. */
export function dropConnection (world: World, connection: GatewayConnection): void {
  const pending = pendingOf(world)
  for (const [id, entry] of pending) if (entry.connection === connection) pending.delete(id)
  for (const player of [...world.players.all()]) {
    if (player.connection === connection) detachPlayer(world, player, 'gateway link closed')
  }
  world.subscriptions.removeConnection(connection)
}

/** Another node became the player's writer (a save here was refused): forget it without saving. */
export function dropStalePlayer (world: World, playerId: PlayerId, reason: string): void {
  const player = world.players.get(playerId)
  if (player === undefined) return
  world.players.remove(player.id)
  world.log.warn({ player: player.profile.name, playerId, reason }, 'player dropped: another node writes it now')
}
