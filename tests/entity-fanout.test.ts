/**
 * Moves fanned out per chunk (gateway/src/world/move-fanout.ts): three bots walk at the same time,
 * each step of all three arriving in one broadcast, and every bot must see each other bot exactly
 * where it stopped; no bot is ever sent its own moves.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Bot } from 'mineflayer'
import { joinBot, quitBot } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitUntil } from './harness/wait.ts'

let server: TestServer
const bots: Bot[] = []
const NAMES = ['Ann', 'Ben', 'Cid']

before(async () => {
  server = await startTestServer({ WORLD_VIEW_DISTANCE: '4', WORLD_SEED: 'fanout-test' })
  for (const username of NAMES) bots.push(await joinBot({ port: server.port, username }))
  await waitUntil('every bot shows the other two', () =>
    bots.every((bot) => NAMES.every((name) => name === bot.username || bot.players[name]?.entity !== undefined)), 15_000)
})

after(async () => {
  for (const bot of bots) await quitBot(bot)
  await server?.stop()
})

test('bots walking together see each other exactly where each stopped, and never get their own moves', async () => {
  const ownMoves = new Map<string, number>()
  for (const bot of bots) {
    bot.physicsEnabled = false
    ownMoves.set(bot.username, 0)
    const id = bot.entity.id
    for (const packet of ['rel_entity_move', 'entity_move_look', 'entity_look', 'sync_entity_position']) {
      bot._client.on(packet, (data: { entityId: number }) => {
        if (data.entityId === id) ownMoves.set(bot.username, (ownMoves.get(bot.username) ?? 0) + 1)
      })
    }
  }
  // 40 steps of a tenth of a block each, all three bots in every step, along ±x and +z.
  const directions = [[0.1, 0], [-0.1, 0], [0, 0.1]] as const
  for (let step = 0; step < 40; step++) {
    bots.forEach((bot, i) => {
      const [dx, dz] = directions[i]!
      const p = bot.entity.position
      p.set(p.x + dx, p.y, p.z + dz)
      bot._client.write('position_look', { x: p.x, y: p.y, z: p.z, yaw: step * 9, pitch: 0, flags: { onGround: true, hasHorizontalCollision: false } })
    })
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  await waitUntil('each bot shows the other two at their final positions', () => bots.every((viewer) => bots.every((other) => {
    if (other === viewer) return true
    const seen = viewer.players[other.username]?.entity?.position
    const at = other.entity.position
    return seen !== undefined && Math.abs(seen.x - at.x) < 0.01 && Math.abs(seen.y - at.y) < 0.01 && Math.abs(seen.z - at.z) < 0.01
  })), 10_000)
  for (const [name, count] of ownMoves) assert.equal(count, 0, `${name} was sent its own moves`)
})
