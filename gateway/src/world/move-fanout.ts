/**
 * Moves within one chunk, fanned out per chunk instead of per mover. When everyone stands near
 * everyone, a broadcast of N moves is N² frames; written one mover at a time it is also N² queue
 * pushes. Here the frames of the movers of one chunk are gathered while their EntityMoved facts
 * arrive, laid end to end once, and each viewer of the chunk gets that one buffer (or the two
 * slices around its own moves) in a single push: N² bytes, but only about N × chunks pushes.
 *
 * Order is kept: the gathered moves are written before any other fact is handled, before any
 * entity is spawned for a viewer (a spawn carries the entity's newest position, which already
 * includes the gathered deltas), and at the latest in a microtask after the facts that brought
 * them, so before the end-of-turn socket flush. Frames of different entities commute; those of
 * one entity stay in order, since an entity's moves all gather in the chunk it stands in.
 */
import type { ChunkKey } from '#shared/ids.ts'
import type { EntityMoved } from '#shared/world-messages.ts'
import type { GatewayContext } from '../gateway-context.ts'
import { moveEntity, showEntity } from '../session/entity-view.ts'
import { motionFrames } from './entity-motion.ts'
import type { KnownEntity } from './world-router.ts'

/** One entity's frames, in the order they were made. */
export interface Mover {
  readonly entity: KnownEntity
  readonly frames: Buffer[]
}

/** Movers per chunk, waiting to be written; swapped out whole when written. */
interface Pending {
  byChunk: Map<ChunkKey, Mover[]>
  byEntity: Map<number, Mover>
  scheduled: boolean
}

const pendingByContext = new WeakMap<GatewayContext, Pending>()

function pendingOf (ctx: GatewayContext): Pending {
  let pending = pendingByContext.get(ctx)
  if (pending === undefined) pendingByContext.set(ctx, pending = { byChunk: new Map(), byEntity: new Map(), scheduled: false })
  return pending
}

/**
 * An entity moved within its chunk: its shared base moves now (entity-motion.ts), its frames
 * wait for the chunk's other movers.
 */
export function gatherMove (ctx: GatewayContext, fact: EntityMoved): void {
  const entity = ctx.world.entities.get(fact.entityId)
  if (entity === undefined) return
  const frames = motionFrames(ctx.frames, entity, fact)
  moveEntity(ctx, entity, fact.chunk)
  const pending = pendingOf(ctx)
  const known = pending.byEntity.get(entity.entityId)
  if (known !== undefined) {
    known.frames.push(...frames)
  } else {
    const mover = { entity, frames }
    pending.byEntity.set(entity.entityId, mover)
    let movers = pending.byChunk.get(fact.chunk)
    if (movers === undefined) pending.byChunk.set(fact.chunk, movers = [])
    movers.push(mover)
  }
  if (pending.scheduled) return
  pending.scheduled = true
  queueMicrotask(() => {
    pending.scheduled = false
    // Outside the router's per-fact guard: a failure here is logged, never a crash.
    try {
      writeGatheredMoves(ctx)
    } catch (err) {
      ctx.log.error({ err }, 'writing gathered moves failed')
    }
  })
}

/** Writes every gathered move to the viewers of its chunk (nothing when none wait). */
export function writeGatheredMoves (ctx: GatewayContext): void {
  const pending = pendingByContext.get(ctx)
  if (pending === undefined || pending.byChunk.size === 0) return
  const { byChunk } = pending
  pending.byChunk = new Map()
  pending.byEntity = new Map()
  for (const [chunk, movers] of byChunk) writeMoves(ctx, chunk, movers)
}

/**
 * Writes the frames of entities standing in `chunk` to its viewers: all of them in one push to a
 * viewer that shows them all (two slices around its own), else each shown mover's frames and a
 * spawn for each mover new to the viewer. Also serves a single move across a chunk border.
 */
export function writeMoves (ctx: GatewayContext, chunk: ChunkKey, movers: readonly Mover[]): void {
  // Every mover's frames as one contiguous run of `all`: [starts[i], starts[i + 1]).
  const parts: Buffer[] = []
  const starts = new Array<number>(movers.length + 1)
  let length = 0
  for (let i = 0; i < movers.length; i++) {
    starts[i] = length
    for (const frame of movers[i]!.frames) {
      parts.push(frame)
      length += frame.length
    }
  }
  starts[movers.length] = length
  const all = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length)
  // The movers stand in `chunk`. A viewer showing every entity there (its count for the chunk is
  // the registry's, less its own entity) shows every mover: no lookup per mover and viewer,
  // which with everyone in view is N² per broadcast.
  const { entities } = ctx.world
  const inChunk = entities.countIn(chunk)
  let moverIndex: Map<number, number> | undefined
  for (const viewer of ctx.world.chunkIndex.viewers(chunk)) {
    let own = -1
    let showsAll = true
    const ownHere = entities.get(viewer.entityId)?.chunk === chunk
    if (viewer.visibleEntities.countIn(chunk) === inChunk - (ownHere ? 1 : 0)) {
      if (ownHere) {
        moverIndex ??= new Map(movers.map((mover, i) => [mover.entity.entityId, i]))
        own = moverIndex.get(viewer.entityId) ?? -1
      }
    } else {
      for (let i = 0; i < movers.length; i++) {
        const id = movers[i]!.entity.entityId
        if (id === viewer.entityId) own = i
        else if (!viewer.visibleEntities.has(id)) {
          showsAll = false
          break
        }
      }
    }
    const { protocol } = viewer.client
    if (showsAll) {
      if (own < 0) {
        if (length > 0) protocol.writeFrame(all)
        continue
      }
      if (starts[own]! > 0) protocol.writeFrame(all.subarray(0, starts[own]))
      if (starts[own + 1]! < length) protocol.writeFrame(all.subarray(starts[own + 1]))
      continue
    }
    // Some mover is new to this viewer: spawned where it is now, which includes its gathered moves.
    for (let i = 0; i < movers.length; i++) {
      const { entity } = movers[i]!
      if (entity.entityId === viewer.entityId) continue
      if (!viewer.visibleEntities.has(entity.entityId)) showEntity(ctx, viewer, entity)
      else if (starts[i + 1]! > starts[i]!) protocol.writeFrame(all.subarray(starts[i], starts[i + 1]))
    }
  }
}
