/**
 * Entity movement as vanilla servers send it: a relative move (in 1/4096 block) when the entity
 * moved less than 8 blocks, rotation only when its angle byte changed, the head rotation only
 * when the yaw did, and an absolute sync when the delta does not fit or every SYNC_EVERY_MOVES
 * updates. This replaces an absolute sync_entity_position plus a head rotation per move: a
 * walking player costs each viewer one 10–13 byte frame instead of two frames of about 70 bytes.
 *
 * The frames are shared by every viewer of the entity, so the base the deltas apply to is kept
 * on the entity itself (KnownEntity.x/y/z): every viewer holds that same base, because a viewer
 * that starts showing the entity is spawned at it (entity-view.ts). Deltas are computed from the
 * base, not from the previous report, so rounding never accumulates.
 * Packets: https://minecraft.wiki/w/Java_Edition_protocol/Packets#Update_Entity_Position
 */
import type { OutboundFrames } from '../packets/outbound-frames.ts'
import { angleByte } from '../packets/angles.ts'
import { entityPositionPacket } from '../packets/play-packets.ts'
import type { KnownEntity } from './world-router.ts'

/** Units per block of a relative move. */
const DELTA_UNITS = 4096
/** Largest relative move a short holds, in units (just under 8 blocks). */
const MAX_DELTA_UNITS = 32767
/** An absolute position every this many updates, so a client can never drift for long. */
export const SYNC_EVERY_MOVES = 100

/** Where an entity is now, as a world-node reported it. */
export interface EntityPose {
  readonly x: number
  readonly y: number
  readonly z: number
  readonly yaw: number
  readonly pitch: number
  readonly onGround: boolean
}

/**
 * Moves the entity's shared base to `pose` and returns the frames that take every viewer there
 * (none when nothing a client can see changed). Call once per reported move, whether or not
 * anyone views the entity: the base must follow every move.
 */
export function motionFrames (frames: OutboundFrames, entity: KnownEntity, pose: EntityPose): Buffer[] {
  const dx = Math.round((pose.x - entity.x) * DELTA_UNITS)
  const dy = Math.round((pose.y - entity.y) * DELTA_UNITS)
  const dz = Math.round((pose.z - entity.z) * DELTA_UNITS)
  const yaw = angleByte(pose.yaw)
  const pitch = angleByte(pose.pitch)
  const turned = yaw !== angleByte(entity.yaw) || pitch !== angleByte(entity.pitch)
  const headTurned = yaw !== angleByte(entity.yaw)
  const moved = dx !== 0 || dy !== 0 || dz !== 0 || pose.onGround !== entity.onGround
  entity.yaw = pose.yaw
  entity.pitch = pose.pitch
  entity.onGround = pose.onGround
  const out: Buffer[] = []
  entity.movesSinceSync++
  const far = Math.abs(dx) > MAX_DELTA_UNITS || Math.abs(dy) > MAX_DELTA_UNITS || Math.abs(dz) > MAX_DELTA_UNITS
  if (far || (entity.movesSinceSync >= SYNC_EVERY_MOVES && (moved || turned))) {
    entity.x = pose.x
    entity.y = pose.y
    entity.z = pose.z
    entity.movesSinceSync = 0
    out.push(frames.play('sync_entity_position', entityPositionPacket(entity.entityId, pose.x, pose.y, pose.z, pose.yaw, pose.pitch, pose.onGround)))
  } else if (moved) {
    entity.x += dx / DELTA_UNITS
    entity.y += dy / DELTA_UNITS
    entity.z += dz / DELTA_UNITS
    out.push(turned
      ? frames.play('entity_move_look', { entityId: entity.entityId, dX: dx, dY: dy, dZ: dz, yaw, pitch, onGround: pose.onGround })
      : frames.play('rel_entity_move', { entityId: entity.entityId, dX: dx, dY: dy, dZ: dz, onGround: pose.onGround }))
  } else if (turned) {
    out.push(frames.play('entity_look', { entityId: entity.entityId, yaw, pitch, onGround: pose.onGround }))
  }
  if (headTurned) out.push(frames.play('entity_head_rotation', { entityId: entity.entityId, headYaw: yaw }))
  return out
}

/**
 * True when `pose` is where viewers already show the entity: no relative move would be sent to
 * get there (the same 1/4096-block units and angle bytes motionFrames uses).
 */
export function isAtBase (entity: KnownEntity, pose: EntityPose): boolean {
  return Math.round((pose.x - entity.x) * DELTA_UNITS) === 0 &&
    Math.round((pose.y - entity.y) * DELTA_UNITS) === 0 &&
    Math.round((pose.z - entity.z) * DELTA_UNITS) === 0 &&
    angleByte(pose.yaw) === angleByte(entity.yaw) &&
    angleByte(pose.pitch) === angleByte(entity.pitch)
}

/** The frame that puts every viewer's copy of the entity exactly at `pose` (and resets the base). */
export function syncFrame (frames: OutboundFrames, entity: KnownEntity, pose: EntityPose): Buffer {
  entity.x = pose.x
  entity.y = pose.y
  entity.z = pose.z
  entity.yaw = pose.yaw
  entity.pitch = pose.pitch
  entity.onGround = pose.onGround
  entity.movesSinceSync = 0
  return frames.play('sync_entity_position', entityPositionPacket(entity.entityId, pose.x, pose.y, pose.z, pose.yaw, pose.pitch, pose.onGround))
}
