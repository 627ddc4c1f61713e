/**
 * A gateway on its own (distributed mode): world-nodes are found through Redis membership and
 * reached over HMAC-authenticated links; players are admitted by auth-service over HTTP.
 * `npm start` runs the embedded system instead (embedded/main.ts).
 */
import { RedisMembership } from '#shared/cluster/membership.ts'
import { createRedis } from '#shared/cluster/redis-connection.ts'
import { ConfigError } from '#shared/env.ts'
import { createLogger } from '#shared/logger.ts'
import { createHttpAuthClient } from './auth/auth-client.ts'
import { createReplicatedAuthClient } from './auth/auth-replicas.ts'
import { readGatewayConfig } from './config.ts'
import { createGateway } from './create-gateway.ts'
import { discoverWorldNodes } from './world/world-discovery.ts'
import { gatewayMetrics } from './metrics.ts'
import { createServer } from 'node:http'

let config
try {
  config = readGatewayConfig(process.env)
  if (config.redis === undefined || config.authUrl === '') throw new ConfigError('gateway', ['a gateway on its own needs TESSERA_REDIS_URL (or TESSERA_REDIS_SENTINELS), TESSERA_CLUSTER_SECRET and GATEWAY_AUTH_URL; `npm start` runs everything in one process'])
} catch (err) {
  if (!(err instanceof ConfigError)) throw err
  process.stderr.write(`${err.message}\n`)
  process.exit(2)
}
const log = createLogger('gateway', { level: config.logLevel })
const redis = createRedis(config.redis, { connectionName: `gateway:${config.id}`, log })
const membership = new RedisMembership({ redis, log })
const gateway = createGateway(config, {
  log,
  auth: createReplicatedAuthClient(config.authUrls.map((url) => createHttpAuthClient(url, log.child({ name: 'gateway:auth', replica: url })))),
  discoverWorld: async (onLink) => await discoverWorldNodes({ membership, gatewayId: config.id, secret: config.clusterSecret!, log }, onLink)
})
const { port } = await gateway.start()
if (config.metricsPort > 0) {
  const { registry } = gatewayMetrics(gateway.context)
  createServer((request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end()
      return
    }
    registry.metrics().then((text) => { response.writeHead(200, { 'content-type': registry.contentType }).end(text) }, (err: unknown) => {
      log.error({ err }, 'metrics failed')
      response.writeHead(500).end()
    })
  }).listen(config.metricsPort, '127.0.0.1').unref()
}
const registration = await membership.register('gateway', config.id, `${config.host}:${port}`)
log.info({ port, id: config.id }, 'gateway ready')

let stopping = false
async function shutdown (signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  log.info({ signal }, 'gateway stopping: kicking players politely')
  await gateway.stop()
  await registration.stop()
  redis.disconnect()
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => { shutdown(signal).catch((err: unknown) => { log.error({ err }, 'shutdown failed'); process.exit(1) }) })
}
