/** The server list ping: MOTD, version and player counts. */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import mc from 'minecraft-protocol'
import { joinBot, quitBot } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitUntil } from './harness/wait.ts'

let server: TestServer

before(async () => { server = await startTestServer({ GATEWAY_MOTD: 'Tessera test', GATEWAY_MAX_PLAYERS: '42' }) })
after(async () => { await server?.stop() })

test('the status ping reports MOTD, version and online players', async () => {
  const bot = await joinBot({ port: server.port, username: 'Pinger' })
  try {
    await waitUntil('the player shows in the count', () => server.system.gateway.context.world.playerList.size === 1, 5000)
    const status: any = await mc.ping({ host: '127.0.0.1', port: server.port, version: '1.21.4' })
    assert.equal(status.version.name, '1.21.4')
    assert.equal(status.version.protocol, 769)
    assert.equal(status.players.max, 42)
    assert.equal(status.players.online, 1)
    assert.deepEqual(status.players.sample.map((p: { name: string }) => p.name), ['Pinger'])
    assert.equal(status.description.text, 'Tessera test')
  } finally {
    await quitBot(bot)
  }
})
