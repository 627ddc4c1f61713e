/**
 * Online mode against a local session-server stand-in: encryption, compression and the
 * hasJoined check; a client whose token the session server does not vouch for is refused.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import mc from 'minecraft-protocol'
import { startTestServer, type TestServer } from './harness/embedded-server.ts'
import { startSessionServer, type SessionServerStandIn } from './harness/session-server.ts'
import { waitForEvent } from './harness/wait.ts'

const NOTCH = { id: '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: 'Notch', accessToken: 'good-token', skin: Buffer.from('{"textures":{}}').toString('base64') }
let sessionServer: SessionServerStandIn
let server: TestServer

before(async () => {
  sessionServer = await startSessionServer([NOTCH])
  server = await startTestServer({ GATEWAY_ONLINE_MODE: 'true', GATEWAY_SESSION_SERVER_URL: sessionServer.url })
})

after(async () => {
  await server?.stop()
  await sessionServer?.stop()
})

function onlineClient (accessToken: string): mc.Client {
  return mc.createClient({
    host: '127.0.0.1',
    port: server.port,
    username: NOTCH.name,
    version: '1.21.4',
    auth: 'mojang',
    session: { accessToken, clientToken: 'test-client', selectedProfile: { id: NOTCH.id.replaceAll('-', ''), name: NOTCH.name } },
    skipValidation: true,
    profilesFolder: false,
    sessionServer: sessionServer.url,
    authServer: sessionServer.url,
    hideErrors: true
  } as unknown as mc.ClientOptions)
}

test('an online-mode player verified by the session server joins with its Mojang UUID and skin', async () => {
  const client = onlineClient(NOTCH.accessToken)
  const [success] = await Promise.race([
    waitForEvent<[{ uuid: string, properties: Array<{ name: string }> }]>(client, 'success', 15_000),
    waitForEvent<[string]>(client, 'end', 15_000).then(([reason]) => { throw new Error(`ended: ${reason}`) })
  ])
  assert.equal(success.uuid, NOTCH.id)
  assert.deepEqual(success.properties.map((p) => p.name), ['textures'])
  const [login] = await waitForEvent<[{ entityId: number }]>(client, 'login', 15_000)
  assert.ok(login.entityId > 0)
  client.end('done')
})

test('a client whose token the session server does not vouch for is refused with a reason', async () => {
  const client = onlineClient('stolen-token')
  let kickReason = ''
  client.on('disconnect', (packet: { reason: string }) => { kickReason = packet.reason })
  const [reason] = await waitForEvent<[string]>(client, 'end', 15_000)
  assert.match(`${kickReason} ${String(reason)}`, /verify/i)
})
