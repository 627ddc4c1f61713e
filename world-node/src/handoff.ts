/**
 * Handoff (DESIGN decision 2), both roles. Source: at the end of a tick, a player standing in a
 * region this node does not own is frozen and offered to the gateway (TransferRequested); a
 * CommitTransfer makes the node forget it without writing it again, an AbortTransfer unfreezes
 * it (and the offer is repeated no sooner than TRANSFER_RETRY_MS later). Target: AcceptTransfer
 * holds the player pending when this node owns (or can acquire now) the region of its position,
 * CompleteTransfer makes it live here, with the same entity id, and this node its only writer.
 */
import { randomUUID } from 'node:crypto'
import { chunkKeyAt, chunkOf } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { WorldFact, type AbortTransfer, type AcceptTransfer, type CommitTransfer, type CompleteTransfer } from '#shared/world-messages.ts'
import { entityMovedOf, entitySpawnedOf } from './entities.ts'
import type { GatewayConnection } from './gateway-links.ts'
import { upsertListEntries } from './player-list.ts'
import { playerFromSnapshot, snapshotOf, type OnlinePlayer } from './players.ts'
import { regionAt } from './regions.ts'
import type { World } from './world.ts'

/** After an aborted transfer, the player is offered again no sooner than this. */
export const TRANSFER_RETRY_MS = 1000

/** A player this node accepted and holds until CompleteTransfer or AbortTransfer. */
interface PendingTransfer {
  readonly connection: GatewayConnection
  readonly command: AcceptTransfer
}

const pendingByWorld = new WeakMap<World, Map<string, PendingTransfer>>()

function pendingOf (world: World): Map<string, PendingTransfer> {
  let pending = pendingByWorld.get(world)
  if (pending === undefined) pendingByWorld.set(world, pending = new Map())
  return pending
}

/** Players held pending at this node (target side), for tests and metrics. */
export function pendingTransfers (world: World): number {
  return pendingOf(world).size
}

// ── source ────────────────────────────────────────────────────────────────────────────────

/**
 * End of tick: offers every player standing in a region this node does not own to its gateway.
 * A region placement names this node is acquired instead (the player waits for it).
 */
export function offerStrayPlayers (world: World, now = Date.now()): void {
  if (world.regions.all) return
  for (const player of world.players.all()) {
    if (player.frozen !== null || now < player.transferRetryAt) continue
    const region = regionAt(player.x, player.z, world.config.regionSize)
    if (world.regions.owns(region)) continue
    if (world.regions.want(region) !== 'elsewhere') continue
    requestTransfer(world, player)
  }
}

/** Freezes the player and sends TransferRequested to its gateway. */
export function requestTransfer (world: World, player: OnlinePlayer): void {
  const transferId = randomUUID()
  player.frozen = transferId
  const chunk = chunkOf(player.x, player.z)
  const snapshot = snapshotOf(player)
  world.log.info({ player: player.profile.name, transferId, chunk }, 'player left the owned regions; transfer requested')
  // Offered once everything the player did here is durable (its last digs and places included).
  world.outbox.afterDurable(() => {
    if (world.players.get(player.id) !== player || player.frozen !== transferId) return
    world.links.send(player.connection, { type: WorldFact.TransferRequested, transferId, playerId: player.id, entityId: player.entityId, snapshot, chunk })
  })
}

/** The frozen player of this transfer on this link, if any. */
function frozenFor (world: World, connection: GatewayConnection, playerId: PlayerId, transferId: string): OnlinePlayer | undefined {
  const player = world.players.get(playerId)
  if (player === undefined || player.connection !== connection || player.frozen !== transferId) return undefined
  return player
}

/** CommitTransfer: the target holds the player; forget it here without writing it again. */
export function commitTransfer (world: World, connection: GatewayConnection, command: CommitTransfer): void {
  const player = frozenFor(world, connection, command.playerId, command.transferId)
  if (player === undefined) {
    world.log.warn({ transferId: command.transferId, playerId: command.playerId }, 'CommitTransfer for no frozen player; ignored')
    return
  }
  world.players.remove(player.id)
  world.store.releasePlayer?.(player.id)
  // No EntityRemoved, no PlayerListRemoved: the entity and its tab entry live on at the target.
  world.log.info({ player: player.profile.name, transferId: command.transferId }, 'player handed off')
  world.links.send(connection, { type: WorldFact.TransferCommitted, transferId: command.transferId, playerId: player.id })
}

/** AbortTransfer: the source keeps the player (unfrozen); a target drops its pending copy. */
export function abortTransfer (world: World, connection: GatewayConnection, command: AbortTransfer): void {
  const pending = pendingOf(world)
  const held = pending.get(command.transferId)
  if (held !== undefined && held.connection === connection) pending.delete(command.transferId)
  const player = frozenFor(world, connection, command.playerId, command.transferId)
  if (player === undefined) return
  player.frozen = null
  player.transferRetryAt = Date.now() + TRANSFER_RETRY_MS
  world.log.info({ player: player.profile.name, transferId: command.transferId, reason: command.reason }, 'transfer aborted; player stays')
}

// ── target ────────────────────────────────────────────────────────────────────────────────

/** AcceptTransfer: hold the player pending when this node owns the region of its position. */
export function acceptTransfer (world: World, connection: GatewayConnection, command: AcceptTransfer): void {
  const { snapshot, transferId } = command
  const playerId = command.profile.id
  const reject = (reason: string): void => {
    world.links.send(connection, { type: WorldFact.TransferRejected, transferId, playerId, reason })
  }
  if (world.regions.all) {
    reject('this node owns every region and takes no transfers')
    return
  }
  if (![snapshot.x, snapshot.y, snapshot.z].every(Number.isFinite) || !Number.isInteger(command.entityId)) {
    reject('malformed transfer')
    return
  }
  if (world.players.get(playerId) !== undefined) {
    reject('the player is already live here')
    return
  }
  const region = regionAt(snapshot.x, snapshot.z, world.config.regionSize)
  world.regions.whenOwned(region, (owned) => {
    if (connection.link.closed) return
    if (!owned) {
      reject(`this node does not own ${region}`)
      return
    }
    if (world.players.get(playerId) !== undefined) {
      reject('the player is already live here')
      return
    }
    pendingOf(world).set(transferId, { connection, command })
    world.links.send(connection, { type: WorldFact.TransferAccepted, transferId, playerId })
  })
}

/** CompleteTransfer: the player is live here with its entity id; this node is its only writer. */
export function completeTransfer (world: World, connection: GatewayConnection, command: CompleteTransfer): void {
  const pending = pendingOf(world)
  const held = pending.get(command.transferId)
  if (held === undefined || held.connection !== connection || held.command.profile.id !== command.playerId) {
    world.log.warn({ transferId: command.transferId, playerId: command.playerId }, 'CompleteTransfer for no pending transfer; ignored')
    return
  }
  pending.delete(command.transferId)
  const { profile, snapshot, entityId } = held.command
  const earlier = world.players.get(profile.id)
  if (earlier !== undefined) world.players.remove(earlier.id)
  const player = playerFromSnapshot(profile, entityId, connection, snapshot)
  world.players.add(player)
  // Bump the player's epoch first: every later save waits for it, any save of the source is refused.
  world.store.claimPlayer?.(player.id).catch((err: unknown) => {
    world.log.error({ err, player: profile.name }, 'claiming the player failed')
  })
  world.outbox.savePlayer(player.id, snapshotOf(player))
  const chunk = chunkKeyAt(player.x, player.z)
  const viewers = [...world.subscriptions.linksFor(chunk)]
  // Viewers keep seeing the entity: the gateway de-duplicates a spawn of a visible entity id.
  world.links.sendToEach(viewers, entitySpawnedOf(player))
  world.links.sendToEach(viewers, entityMovedOf(player, chunk, chunk))
  upsertListEntries(world, [player])
  world.log.info({ player: profile.name, transferId: command.transferId, entityId }, 'player taken over')
}

/** A link closed: the transfers it held pending here are off. */
export function dropPendingTransfers (world: World, connection: GatewayConnection): void {
  const pending = pendingOf(world)
  for (const [id, held] of pending) if (held.connection === connection) pending.delete(id)
}

/** True when a transfer of this player is held pending here (tests). */
export function isPending (world: World, playerId: PlayerId): boolean {
  for (const held of pendingOf(world).values()) if (held.command.profile.id === playerId) return true
  return false
}
