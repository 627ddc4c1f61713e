/**
 * The whole system in one process (DESIGN decision 11): auth-service, one world-node and a
 * gateway, wired through the same seams distributed mode uses — the auth HTTP API on loopback,
 * an in-process world link — with embedded durable stores under TESSERA_DATA_DIR.
 * Used by `npm start` and by the end-to-end tests.
 */
import { mkdirSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { createInProcessLinkPair } from '#shared/link.ts'
import type { Logger } from '#shared/logger.ts'
import type { GatewayToNode, NodeToGateway } from '#shared/world-messages.ts'
import { createAuthService } from '../auth-service/src/create-auth-service.ts'
import { createAuthStore } from '../auth-service/src/store/create-auth-store.ts'
import { createHttpAuthClient } from '../gateway/src/auth/auth-client.ts'
import { createGateway, type Gateway } from '../gateway/src/create-gateway.ts'
import { gatewayMetrics } from '../gateway/src/metrics.ts'
import { createWorldNode, type WorldNode } from '../world-node/src/create-world-node.ts'
import { createEmbeddedWorldStore } from '../world-node/src/store/embedded-world-store.ts'
import type { EmbeddedConfig } from './config.ts'

/** A running embedded system. */
export interface EmbeddedSystem {
  readonly gatewayPort: number
  readonly authUrl: string
  readonly adminToken: string
  readonly metricsPort: number
  readonly gateway: Gateway
  readonly world: WorldNode
  /** Stops the gateway (kicking players politely), then the world (saving them), then auth. */
  stop (): Promise<void>
}

/** Starts every service in this process. */
export async function startEmbedded (config: EmbeddedConfig, log: Logger): Promise<EmbeddedSystem> {
  mkdirSync(config.world.dataDir, { recursive: true })
  const authStore = await createAuthStore(config.auth, log.child({ name: 'auth-service:store' }))
  const auth = createAuthService(config.auth, { logger: log.child({ name: 'auth-service' }), store: authStore })
  const { url: authUrl } = await auth.start()

  const worldStore = createEmbeddedWorldStore(config.world.dataDir)
  const world = createWorldNode(config.world, { logger: log, store: worldStore })
  await world.start()

  const gateway = createGateway({ ...config.gateway, authUrl, adminToken: config.auth.adminToken }, {
    log: log.child({ name: 'gateway' }),
    auth: createHttpAuthClient(authUrl, log.child({ name: 'gateway:auth' })),
    connectWorld: () => {
      const [gatewayEnd, nodeEnd] = createInProcessLinkPair<GatewayToNode, NodeToGateway>()
      world.acceptLink(nodeEnd)
      return gatewayEnd
    }
  })
  const { port: gatewayPort } = await gateway.start()

  let metrics: Server | undefined
  let metricsPort = 0
  if (config.metricsPort > 0) {
    const gatewayRegistry = gatewayMetrics(gateway.context).registry
    metrics = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end()
        return
      }
      // The world-node's and the gateway's registries, one after the other (no name is in both).
      Promise.all([world.registry.metrics(), gatewayRegistry.metrics()]).then(([worldText, gatewayText]) => {
        response.writeHead(200, { 'content-type': world.registry.contentType }).end(worldText + gatewayText)
      }, (err: unknown) => {
        log.error({ err }, 'metrics failed')
        response.writeHead(500).end()
      })
    })
    metricsPort = await new Promise<number>((resolve, reject) => {
      metrics!.once('error', reject)
      metrics!.listen(config.metricsPort, '127.0.0.1', () => {
        const address = metrics!.address()
        resolve(typeof address === 'object' && address !== null ? address.port : config.metricsPort)
      })
    })
  }

  return {
    gatewayPort,
    authUrl,
    adminToken: config.auth.adminToken,
    metricsPort,
    gateway,
    world,
    async stop () {
      await gateway.stop()
      await world.stop()
      await worldStore.close()
      await auth.stop()
      await new Promise<void>((resolve) => { if (metrics === undefined) resolve(); else metrics.close(() => { resolve() }) })
    }
  }
}
