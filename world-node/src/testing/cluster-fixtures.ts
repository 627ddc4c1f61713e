/**
 * Fixtures for distributed-mode tests: world-nodes on a real Redis with real TCP links, each
 * with a scripted gateway linked to it, and a gateway's side of the handoff. Test support only.
 */
import { randomUUID } from 'node:crypto'
import { isNodeToGateway } from '#shared/cluster/frame-codec.ts'
import { placeRegion } from '#shared/cluster/placement.ts'
import { connectLink } from '#shared/cluster/tcp-link.ts'
import { regionOfChunk } from '#shared/coords.ts'
import { toNodeId, type NodeId } from '#shared/ids.ts'
import { createLogger } from '#shared/logger.ts'
import {
  WorldCommand, WorldFact, type GatewayToNode, type NodeToGateway, type PlayerProfile, type PlayerSnapshot, type TransferRequested
} from '#shared/world-messages.ts'
import { startDistributedWorldNode, type DistributedWorldNode } from '../cluster/distributed-node.ts'
import { readWorldNodeConfig } from '../config.ts'
import { ScriptedGateway } from './scripted-gateway.ts'
import { terrain, VERSION } from './world-fixtures.ts'

/** The cluster secret of the fixtures. */
export const SECRET = 'a-test-cluster-secret-of-32-bytes!'
const logger = createLogger('world-node:test', { level: process.env.WN_TEST_LOG === undefined ? 'silent' : 'debug' })

/** One node and the scripted gateway linked to it. */
export interface Side {
  readonly id: NodeId
  readonly running: DistributedWorldNode
  readonly gateway: ScriptedGateway
}

/** Nodes sharing one key prefix. */
export interface Cluster {
  readonly prefix: string
  readonly sides: Side[]
  stop (): Promise<void>
}

/** Settings of the fixture nodes. */
export interface SideOptions {
  readonly leaseTtlMs?: number
  readonly tickMs?: number
  readonly idleReleaseMs?: number
  /** WORLD_PAUSE_WHEN_EMPTY_S (default: the node's own, 60). */
  readonly pauseWhenEmptyS?: number
}

/** Links a scripted gateway to a node's link port over TCP and greets it. */
export async function linkGateway (port: number): Promise<ScriptedGateway> {
  const link = await connectLink<GatewayToNode, NodeToGateway>({ host: '127.0.0.1', port, secret: SECRET, identity: 'gateway:gw-test', isMessage: isNodeToGateway })
  const gateway = new ScriptedGateway({ link })
  await gateway.hello(VERSION)
  await gateway.expect(WorldFact.RegionsOwned)
  return gateway
}

/** Starts one distributed node (region size 1) and links a gateway to it. */
export async function startSide (redisUrl: string, id: string, prefix: string, options: SideOptions = {}): Promise<Side> {
  const config = readWorldNodeConfig({
    TESSERA_REDIS_URL: redisUrl,
    TESSERA_CLUSTER_SECRET: SECRET,
    WORLD_LINK_HOST: '127.0.0.1',
    WORLD_LINK_PORT: '0',
    WORLD_NODE_ID: id,
    WORLD_REGION_SIZE: '1',
    WORLD_LEASE_TTL_MS: String(options.leaseTtlMs ?? 1500),
    WORLD_VIEW_DISTANCE: '2',
    WORLD_VERSION: VERSION,
    ...(options.pauseWhenEmptyS === undefined ? {} : { WORLD_PAUSE_WHEN_EMPTY_S: String(options.pauseWhenEmptyS) })
  })
  const running = await startDistributedWorldNode(config, {
    logger,
    prefix,
    tickMs: options.tickMs ?? 50,
    ...(options.idleReleaseMs === undefined ? {} : { idleReleaseMs: options.idleReleaseMs })
  })
  return { id: toNodeId(id), running, gateway: await linkGateway(running.port) }
}

/** A fresh key prefix, so clusters in one Redis do not meet. */
export function freshPrefix (): string {
  return `dist-${randomUUID().slice(0, 8)}:`
}

/** Polls until every node sees `count` live world-nodes. */
export async function waitForMembers (sides: readonly Side[], count: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!sides.every((s) => s.running.regions.members().length === count)) {
    if (Date.now() > deadline) throw new Error(`nodes did not see ${count} members within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** Starts nodes with these ids on one prefix and waits until they all see each other. */
export async function startCluster (redisUrl: string, ids: string[], options: SideOptions = {}): Promise<Cluster> {
  const prefix = freshPrefix()
  const sides: Side[] = []
  for (const id of ids) sides.push(await startSide(redisUrl, id, prefix, options))
  await waitForMembers(sides, ids.length)
  return {
    prefix,
    sides,
    async stop () {
      for (const side of sides) {
        side.gateway.link.close('test over')
        await side.running.stop()
      }
    }
  }
}

/** Two horizontally adjacent land chunks: the left one placed on `left`, the right one on `right`. */
export function borderBetween (left: NodeId, right: NodeId, nodes: NodeId[], fromZ = 0): { cx: number, cz: number } {
  for (let cz = fromZ; cz < fromZ + 40; cz++) {
    for (let cx = -20; cx < 20; cx++) {
      const a = placeRegion(regionOfChunk(cx, cz, 1), nodes)
      const b = placeRegion(regionOfChunk(cx + 1, cz, 1), nodes)
      if (a === left && b === right && terrain.isLand(cx * 16 + 15, cz * 16 + 8) && terrain.isLand(cx * 16 + 16, cz * 16 + 8)) return { cx, cz }
    }
  }
  throw new Error('no border found')
}

/** A known inventory. */
export function knownInventory (): Array<{ name: string, count: number } | null> {
  const inventory = Array.from({ length: 46 }, () => null) as Array<{ name: string, count: number } | null>
  inventory[36] = { name: 'diamond', count: 8 }
  inventory[9] = { name: 'oak_planks', count: 17 }
  inventory[45] = { name: 'torch', count: 3 }
  return inventory
}

/** A saved state standing on the terrain at x, z. */
export function snapshotAt (x: number, z: number, gameMode: PlayerSnapshot['gameMode'] = 'survival'): PlayerSnapshot {
  return { x, y: terrain.surfaceY(Math.floor(x), Math.floor(z)) + 1, z, yaw: 0, pitch: 0, gameMode, inventory: knownInventory(), selectedSlot: 0, onGround: true }
}

/** Drives one handoff as a gateway would: accept at the target, commit at the source, complete (then `then`). */
export async function handOff (from: Side, to: Side, profile: PlayerProfile, request: TransferRequested, then: GatewayToNode[] = []): Promise<void> {
  const { transferId } = request
  to.gateway.send({ type: WorldCommand.AcceptTransfer, transferId, profile, snapshot: request.snapshot, entityId: request.entityId, viewDistance: 2 })
  await to.gateway.expect(WorldFact.TransferAccepted, (m) => m.transferId === transferId)
  from.gateway.send({ type: WorldCommand.CommitTransfer, transferId, playerId: profile.id })
  await from.gateway.expect(WorldFact.TransferCommitted, (m) => m.transferId === transferId)
  to.gateway.send({ type: WorldCommand.CompleteTransfer, transferId, playerId: profile.id })
  for (const command of then) to.gateway.send(command)
}

/** A MovePlayer to x, y, z. */
export function move (profile: PlayerProfile, x: number, z: number, y: number): GatewayToNode {
  return { type: WorldCommand.MovePlayer, playerId: profile.id, x, y, z, onGround: true }
}
