/**
 * Microbenchmark: entity-move fan-out per tick with 100 players in view of each other, all in one
 * chunk. Each tick every player moves and turns once; the gateway encodes each relative move and
 * head rotation once, lays the chunk's moves end to end (move-fanout.ts) and queues them to every
 * session in one push (two slices around the viewer's own), and the ProtocolConnections write
 * one socket write per turn (the sockets here discard the bytes). Prints ticks per second.
 */
import { EventEmitter } from 'node:events'
import type { Socket } from 'node:net'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { WorldFact, type NodeToGateway } from '#shared/world-messages.ts'
import type { GatewayContext } from '../../../gateway/src/gateway-context.ts'
import { OutboundFrames } from '../../../gateway/src/packets/outbound-frames.ts'
import { ProtocolConnection } from '../../../gateway/src/protocol/protocol-connection.ts'
import type { PlayerSession } from '../../../gateway/src/session/player-session.ts'
import { ShownEntities } from '../../../gateway/src/session/shown-entities.ts'
import { handleFact } from '../../../gateway/src/world/fact-handlers.ts'
import { ChunkIndex } from '../../../gateway/src/world/chunk-index.ts'
import { EntityRegistry } from '../../../gateway/src/world/entity-registry.ts'
import { EntityViewers } from '../../../gateway/src/world/entity-viewers.ts'
import { measure, report } from './measure.ts'

const PLAYERS = 100
const VERSION = '1.21.4'

/** A socket that accepts and drops every write. */
class NullSocket extends EventEmitter {
  remoteAddress = '127.0.0.1'
  destroyed = false
  writable = true
  writableLength = 0
  bytes = 0
  writes = 0
  setNoDelay (): this { return this }
  write (data: Buffer): boolean { this.bytes += data.length; this.writes++; return true }
}

const chunkIndex = new ChunkIndex()
const entities = new EntityRegistry()
const entityViewers = new EntityViewers<PlayerSession>()
const frames = new OutboundFrames(VERSION, 256)
const ctx = { world: { chunkIndex, entities, entityViewers }, frames } as unknown as GatewayContext
const sockets: NullSocket[] = []
const centre = chunkKey(0, 0)
for (let i = 0; i < PLAYERS; i++) {
  entities.add({ entityId: i + 1, playerId: `player-${i}` as PlayerId, name: `p${i}`, x: 8, y: 64, z: 8, yaw: 0, pitch: 0, onGround: true, movesSinceSync: 0, chunk: centre })
}
for (let i = 0; i < PLAYERS; i++) {
  const socket = new NullSocket()
  sockets.push(socket)
  const protocol = new ProtocolConnection(socket as unknown as Socket, VERSION, { packet () {}, failure () {}, close () {} })
  protocol.setState('play')
  protocol.enableCompression(256)
  const entityId = i + 1
  const session = { entityId, loaded: new Set([centre]), client: { protocol } } as unknown as PlayerSession
  Object.assign(session, { visibleEntities: new ShownEntities(entityViewers, session) })
  for (const entity of entities.values()) if (entity.entityId !== entityId) session.visibleEntities.add(entity)
  chunkIndex.add(centre, session)
}

let tick = 0
function oneTick (): void {
  tick++
  for (let entityId = 1; entityId <= PLAYERS; entityId++) {
    const fact: NodeToGateway = {
      type: WorldFact.EntityMoved, entityId, chunk: centre, fromChunk: centre, onGround: true,
      x: 8 + Math.sin(tick + entityId) * 4, y: 64, z: 8 + Math.cos(tick + entityId) * 4, yaw: (tick * 7) % 360, pitch: 0
    }
    handleFact(ctx, fact)
  }
}

const result = await measure('entity-move fan-out, 100 players in view', 'ticks', oneTick, { flushEachOp: true })
const writes = sockets.reduce((sum, s) => sum + s.writes, 0)
const bytes = sockets.reduce((sum, s) => sum + s.bytes, 0)
report(result, `${Math.round(result.opsPerSecond * PLAYERS * (PLAYERS - 1))} moves delivered/s (${PLAYERS} moves × ${PLAYERS - 1} viewers per tick, each turning); ` +
  `${(writes / tick).toFixed(0)} socket writes and ${Math.round(bytes / tick / 1024)} KiB per tick`)
