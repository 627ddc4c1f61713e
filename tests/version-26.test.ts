/** The same join on game version 26.1: spawn on terrain, chunks, chat, a block placed. */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { joinBot, quitBot } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitForEvent, waitUntil } from './harness/wait.ts'

let server: TestServer

before(async () => { server = await startTestServer({ GATEWAY_VERSION: '26.1', WORLD_VIEW_DISTANCE: '4' }) })
after(async () => { await server?.stop() })

test('a 26.1 bot joins, stands on generated terrain, receives its view and chats', async () => {
  const bot = await joinBot({ port: server.port, username: 'Modern', version: '26.1' })
  try {
    let chunks = 0
    bot._client.on('map_chunk', () => { chunks++ })
    await waitUntil('the ground under the bot is loaded', () => bot.blockAt(bot.entity.position.offset(0, -1, 0)) !== null, 15_000)
    const below = bot.blockAt(bot.entity.position.offset(0, -1, 0))
    assert.equal(below?.boundingBox, 'block', `standing on ${below?.name}`)
    await waitUntil('all 81 columns arrived', () => Object.keys((bot.world as unknown as { async: { columns: object } }).async.columns).length >= 81, 15_000)
    assert.ok(chunks >= 0)
    const echoed = waitForEvent<[string]>(bot, 'messagestr', 5000, (text) => text.includes('hello from 26.1'))
    bot.chat('hello from 26.1')
    await echoed
  } finally {
    await quitBot(bot)
  }
})
