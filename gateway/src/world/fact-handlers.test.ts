import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WorldFact } from '#shared/world-messages.ts'
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
