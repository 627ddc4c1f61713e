/**
 * Operators' in-game commands with real bots: a non-op's /ban is refused, the op's /ban kicks
 * the player (and keeps them out), /pardon lets them back in. The gateway answers these itself.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Bot } from 'mineflayer'
import { answer, joinBot, quitBot, reasonText } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { waitForEvent } from './harness/wait.ts'

let server: TestServer
const bots = new Set<Bot>()

async function join (username: string): Promise<Bot> {
  const bot = await joinBot({ port: server.port, username })
  bots.add(bot)
  bot.once('end', () => { bots.delete(bot) })
  return bot
}



before(async () => {
  server = await startTestServer({ AUTH_OPS: 'Admin', AUTH_RATE_ADMITS_PER_ADDRESS: '1000' })
})

after(async () => {
  await Promise.all([...bots].map(async (bot) => { await quitBot(bot) }))
  await server?.stop()
})

test('operators ban and pardon in game; others may not', async () => {
  const admin = await join('Admin')
  const victim = await join('Victim')

  await answer(victim, /You do not have permission to use \/ban/, () => { victim.chat('/ban Admin') })

  const kicked = waitForEvent<[unknown]>(victim, 'kicked', 10_000)
  await answer(admin, /Banned Victim/, () => { admin.chat('/ban Victim griefing the spawn') })
  const [reason] = await kicked
  assert.match(reasonText(reason), /ban/i)
  await assert.rejects(joinBot({ port: server.port, username: 'Victim' }, 10_000), /ban/i)

  await answer(admin, /Pardoned Victim/, () => { admin.chat('/pardon Victim') })
  const back = await join('Victim')
  assert.ok(back.entity !== undefined)
})
