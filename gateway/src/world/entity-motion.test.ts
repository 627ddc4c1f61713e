import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import mc from 'minecraft-protocol'
import { chunkKey } from '#shared/coords.ts'
import type { PlayerId } from '#shared/ids.ts'
import { OutboundFrames } from '../packets/outbound-frames.ts'
import { isAtBase, motionFrames, syncFrame, SYNC_EVERY_MOVES, type EntityPose } from './entity-motion.ts'
import type { KnownEntity } from './world-router.ts'

const VERSION = '1.21.4'
// A client's view of the frames: no compression (threshold -1), so a frame is length + packet.
const frames = new OutboundFrames(VERSION, -1)
const client = mc.createDeserializer({ state: 'play', isServer: false, version: VERSION } as never) as unknown as {
  parsePacketBuffer (buffer: Buffer): { data: { name: string, params: Record<string, number | boolean> } }
}

function decode (frame: Buffer): { name: string, params: Record<string, number | boolean> } {
  let offset = 0
  while ((frame[offset]! & 0x80) !== 0) offset++
  return client.parsePacketBuffer(frame.subarray(offset + 1)).data
}

function entityAt (x: number, y: number, z: number, yaw = 0): KnownEntity {
  return { entityId: 7, playerId: 'p' as PlayerId, name: 'Walker', x, y, z, yaw, pitch: 0, onGround: true, movesSinceSync: 0, chunk: chunkKey(0, 0) }
}

/** What a client does with the packets: its own copy of the entity. */
function apply (view: { x: number, y: number, z: number, yaw: number }, frame: Buffer): string {
  const { name, params } = decode(frame)
  if (name === 'rel_entity_move' || name === 'entity_move_look') {
    view.x += (params.dX as number) / 4096
    view.y += (params.dY as number) / 4096
    view.z += (params.dZ as number) / 4096
  }
  if (name === 'sync_entity_position') {
    view.x = params.x as number
    view.y = params.y as number
    view.z = params.z as number
  }
  if (name === 'entity_move_look' || name === 'entity_look') view.yaw = params.yaw as number
  return name
}

void describe('entity motion', () => {
  void it('sends a walk as relative moves that never drift from the reported positions', () => {
    const entity = entityAt(8.5, 64, 8.5)
    const view = { x: 8.5, y: 64, z: 8.5, yaw: 0 }
    const names = new Set<string>()
    for (let step = 1; step <= SYNC_EVERY_MOVES - 1; step++) {
      // An awkward stride (not a multiple of 1/4096) and a slope.
      const pose: EntityPose = { x: 8.5 + step * 0.2137, y: 64 + step * 0.01, z: 8.5 - step * 0.1, yaw: 0, pitch: 0, onGround: true }
      for (const frame of motionFrames(frames, entity, pose)) names.add(apply(view, frame))
      assert.ok(Math.abs(view.x - pose.x) <= 1 / 8192 + 1e-9, `x drifted at step ${step}: ${view.x} vs ${pose.x}`)
      assert.ok(Math.abs(view.z - pose.z) <= 1 / 8192 + 1e-9)
      assert.equal(view.x, entity.x, 'the shared base is what the client holds')
    }
    assert.deepEqual([...names], ['rel_entity_move'], 'no rotation change: position only, no head rotation')
  })

  void it('adds rotation and head rotation only when the angle byte changes', () => {
    const entity = entityAt(0, 64, 0, 90)
    const turned = motionFrames(frames, entity, { x: 0.5, y: 64, z: 0, yaw: 180, pitch: 10, onGround: true }).map(decode)
    assert.deepEqual(turned.map((p) => p.name), ['entity_move_look', 'entity_head_rotation'])
    assert.equal(turned[0]!.params.yaw, -128)
    assert.equal(turned[1]!.params.headYaw, -128)
    // Less than one angle step (1.4°) and no movement: nothing a client could see.
    assert.deepEqual(motionFrames(frames, entity, { x: 0.5, y: 64, z: 0, yaw: 180.3, pitch: 10, onGround: true }), [])
    // Looking up without moving: rotation only, head unchanged.
    assert.deepEqual(motionFrames(frames, entity, { x: 0.5, y: 64, z: 0, yaw: 180.3, pitch: -45, onGround: true }).map((f) => decode(f).name), ['entity_look'])
  })

  void it('syncs absolutely when the move does not fit a short, and periodically', () => {
    const entity = entityAt(0, 64, 0)
    const far = motionFrames(frames, entity, { x: 8.01, y: 64, z: 0, yaw: 0, pitch: 0, onGround: true }).map(decode)
    assert.deepEqual(far.map((p) => p.name), ['sync_entity_position'])
    assert.equal(far[0]!.params.x, 8.01)
    let synced = 0
    for (let step = 1; step <= 2 * SYNC_EVERY_MOVES; step++) {
      for (const frame of motionFrames(frames, entity, { x: 8.01 + step * 0.1, y: 64, z: 0, yaw: 0, pitch: 0, onGround: true })) {
        if (decode(frame).name === 'sync_entity_position') synced++
      }
    }
    assert.equal(synced, 2)
  })

  void it('re-bases the entity on an explicit sync', () => {
    const entity = entityAt(0, 64, 0)
    const sync = decode(syncFrame(frames, entity, { x: 100.25, y: 70, z: -3, yaw: 45, pitch: 0, onGround: false }))
    assert.equal(sync.name, 'sync_entity_position')
    assert.deepEqual([entity.x, entity.y, entity.z, entity.onGround], [100.25, 70, -3, false])
    const next = decode(motionFrames(frames, entity, { x: 100.5, y: 70, z: -3, yaw: 45, pitch: 0, onGround: false })[0]!)
    assert.equal(next.params.dX, 1024)
  })

  void it('is at its base exactly when no move would be sent to reach a pose', () => {
    const entity = entityAt(0, 64, 0)
    for (const step of [0.3, 0.7, 1.1]) motionFrames(frames, entity, { x: step, y: 64, z: step / 2, yaw: 10, pitch: 0, onGround: true })
    const reported = { x: 1.1, y: 64, z: 0.55, yaw: 10, pitch: 0, onGround: true }
    assert.ok(isAtBase(entity, reported), 'the last reported pose, up to rounding')
    assert.equal(motionFrames(frames, { ...entity }, reported).length, 0, 'and no frame would be sent for it')
    assert.ok(!isAtBase(entity, { ...reported, x: 1.2 }))
    assert.ok(!isAtBase(entity, { ...reported, yaw: 40 }))
  })
})

