import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PlayerId } from '#shared/ids.ts'
import { WorldCommand, WorldFact } from '#shared/world-messages.ts'
import type { GatewayContext } from '../gateway-context.ts'
import { loadGameRegistries } from '../packets/game-registries.ts'
import { OutboundFrames } from '../packets/outbound-frames.ts'
import type { PlayerSession } from '../session/player-session.ts'
import { handleFact } from './fact-handlers.ts'

test('time updates from several world-nodes reach players once a second, clock jumps at once', () => {
  const written: Buffer[] = []
  const session = { client: { protocol: { writeFrame: (frame: Buffer) => { written.push(frame) } } } } as unknown as PlayerSession
  const ctx = {
    world: { time: { worldAge: 0, timeOfDay: 0 } },
    players: { sessions: () => [session][Symbol.iterator]() },
    frames: new OutboundFrames('1.21.4', -1),
    registries: loadGameRegistries('1.21.4')
  } as unknown as GatewayContext
  const report = (worldAge: number, timeOfDay = 1000 + worldAge): void => { handleFact(ctx, { type: WorldFact.TimeUpdated, worldAge, timeOfDay }) }
  // Three nodes, one second: their clocks a tick or two apart.
  report(1000)
  report(999)
  report(1001)
  assert.equal(written.length, 1)
  // The next second.
  report(1020)
  report(1019)
  report(1021)
  assert.equal(written.length, 2)
  assert.equal(ctx.world.time.worldAge, 1020)
  // Time set by a command: passes at once.
  report(1022, 18000)
  assert.equal(written.length, 3)
  assert.deepEqual(ctx.world.time, { worldAge: 1022, timeOfDay: 18000 })
})

test('a ChunkCached the gateway cannot serve asks the node for the column again', () => {
  const sent: unknown[] = []
  const received: Buffer[] = []
  const session = { receiveChunk: (_key: string, frame: Buffer) => { received.push(frame) } } as unknown as PlayerSession
  const frames = new OutboundFrames('1.21.4', -1)
  const ctx = {
    players: { session: () => session },
    world: { send: (_playerId: string, command: unknown) => { sent.push(command) } },
    frames
  } as unknown as GatewayContext
  const playerId = '069a79f4-44e9-4726-a5be-fca90e38aaf5' as PlayerId
  handleFact(ctx, { type: WorldFact.ChunkCached, playerId, x: 3, z: -4, revision: 9 })
  assert.deepEqual(sent, [{ type: WorldCommand.ResendChunk, playerId, x: 3, z: -4 }])
  assert.equal(received.length, 0)
  const frame = frames.chunk('3,-4', 9, () => Buffer.from([1, 2, 3]))
  handleFact(ctx, { type: WorldFact.ChunkCached, playerId, x: 3, z: -4, revision: 9 })
  assert.deepEqual(received, [frame], 'served from the cache')
  handleFact(ctx, { type: WorldFact.ChunkCached, playerId, x: 3, z: -4, revision: 10 })
  assert.equal(sent.length, 2, 'another revision is not served from the cache')
})
