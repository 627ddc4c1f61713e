/**
 * The gateway's metrics on the embedded /metrics endpoint, next to the world-node's, and the
 * play-state ping: a Ping Request is answered with a Ping Response carrying the same id.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { Bot } from 'mineflayer'
import { gatewayMetrics } from '../gateway/src/metrics.ts'
import { joinBot, quitBot } from './harness/bots.ts'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { freePort } from './harness/free-port.ts'
import { waitForEvent } from './harness/wait.ts'

let server: TestServer
let bot: Bot | undefined

before(async () => {
  server = await startTestServer({ TESSERA_METRICS_PORT: String(await freePort()), WORLD_VIEW_DISTANCE: '4' })
})

after(async () => {
  if (bot !== undefined) await quitBot(bot)
  await server?.stop()
})

test('a play-state ping_request is answered with ping_response and the same id', async () => {
  bot = await joinBot({ port: server.port, username: 'Pinger' })
  const answered = waitForEvent<[{ id: unknown }]>(bot._client, 'ping_response', 5000)
  bot._client.write('ping_request', { id: 1234567890123n })
  const [packet] = await answered
  assert.equal(BigInt(packet.id as bigint), 1234567890123n)
})

test('/metrics serves the gateway registry next to the world-node\'s', async () => {
  assert.ok(bot !== undefined)
  gatewayMetrics(server.system.gateway.context).observeKeepAliveRtt(7)
  const text = await (await fetch(`http://127.0.0.1:${server.system.metricsPort}/metrics`)).text()
  assert.match(text, /^tessera_world_tps\{/m)
  assert.match(text, /^tessera_gateway_players 1$/m)
  assert.match(text, /^tessera_keepalive_rtt_ms\{quantile="0.99"\} 7$/m)
  assert.match(text, /^tessera_keepalive_rtt_ms\{quantile="0.5"\} 7$/m)
  const bytesOut = Number(/^tessera_gateway_bytes_out_total (\d+)$/m.exec(text)?.[1])
  const bytesIn = Number(/^tessera_gateway_bytes_in_total (\d+)$/m.exec(text)?.[1])
  assert.ok(bytesOut > 10_000, `bytes out ${bytesOut}`)
  assert.ok(bytesIn > 0, `bytes in ${bytesIn}`)
  assert.match(text, /^tessera_gateway_chunk_cache_hits_total \d+$/m)
})
