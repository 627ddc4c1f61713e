/**
 * The gateway factory: a TCP listener speaking the Minecraft protocol, wired to auth-service
 * and the world. `main.ts` and the embedded launcher only supply config and dependencies.
 */
import { generateKeyPairSync } from 'node:crypto'
import { createServer, type Server, type Socket } from 'node:net'
import { ErrorCodes } from '#shared/errors.ts'
import type { Logger } from '#shared/logger.ts'
import { WorldCommand } from '#shared/world-messages.ts'
import type { AuthEvent } from '#shared/auth-api.ts'
import { SESSION_HEARTBEAT_INTERVAL_MS, type AuthClient } from './auth/auth-client.ts'
import { applyOpChange } from './auth/op-change.ts'
import type { GatewayConfig } from './config.ts'
import { ClientConnection } from './connection/client-connection.ts'
import { configurationTable } from './configuration/table.ts'
import type { GatewayContext } from './gateway-context.ts'
import { handshakeTable } from './handshake/table.ts'
import { hasJoined } from './login/session-server.ts'
import { loginTable } from './login/table.ts'
import { loadGameRegistries } from './packets/game-registries.ts'
import { OutboundFrames } from './packets/outbound-frames.ts'
import { playTable } from './play/table.ts'
import { AddressRateLimiter } from './rate-limit.ts'
import { kickAndWait, PlayerDirectory } from './session/player-directory.ts'
import { statusTable } from './status/table.ts'
import { handleFact } from './world/fact-handlers.ts'
import { WorldRouter, type PlayerFacts, type WorldLink } from './world/world-router.ts'

/** What the gateway needs from outside. */
export interface GatewayDeps {
  readonly log: Logger
  readonly auth: AuthClient
  /** Opens the link to the world (embedded: one in-process link to a node owning every region). */
  readonly connectWorld?: () => Promise<WorldLink> | WorldLink
  /** Distributed mode: reports a link for every world-node as it is discovered (and later ones). */
  readonly discoverWorld?: (onLink: (link: WorldLink) => void) => Promise<{ stop (): void }>
  readonly loginTimeoutMs?: number
}

/** A running gateway. */
export interface Gateway {
  start (): Promise<{ port: number }>
  stop (): Promise<void>
  readonly context: GatewayContext
}

const TABLES = { handshaking: handshakeTable, status: statusTable, login: loginTable, configuration: configurationTable, play: playTable }

/** Creates a gateway; nothing listens until start(). */
export function createGateway (config: GatewayConfig, deps: GatewayDeps): Gateway {
  const log = deps.log
  const registries = loadGameRegistries(config.version)
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
  const players = new PlayerDirectory()
  /** Releases in flight, awaited on stop so auth-service hears every goodbye. */
  const releases = new Set<Promise<void>>()
  const limiter = new AddressRateLimiter(config.connectionsPerAddressPerMinute, 60_000)
  // eslint-disable-next-line prefer-const -- assigned once the context exists
  let context: GatewayContext
  const world: WorldRouter = new WorldRouter(log.child({ name: 'gateway:world' }), (fact) => { handleFact(context, fact) }, (playerId): PlayerFacts | undefined => {
    const session = players.session(playerId)
    const identity = session?.client.identity
    if (session === undefined || identity === undefined) return undefined
    return { profile: { id: identity.playerId, name: identity.username, properties: identity.properties, op: session.client.op }, viewDistance: world.shape.viewDistance }
  })
  context = {
    config,
    log,
    protocolVersion: registries.protocolVersion,
    registries,
    keys: { publicKeyDer: publicKey.export({ type: 'spki', format: 'der' }), privateKey },
    sessionServer: { hasJoined: async (username, hash) => await hasJoined(config.sessionServerUrl, username, hash) },
    auth: deps.auth,
    players,
    world,
    frames: new OutboundFrames(config.version, config.compressionThreshold),
    loginTimeoutMs: deps.loginTimeoutMs ?? 30_000,
    onlinePlayers: () => [...world.playerList.values()].map((entry) => ({ name: entry.name, id: entry.playerId })),
    releaseSession: (identity, sessionId) => {
      const release = deps.auth.release({ uuid: identity.playerId, sessionId }).finally(() => releases.delete(release))
      releases.add(release)
    }
  }
  let server: Server | undefined
  let events: { stop (): void } | undefined
  let discovery: { stop (): void } | undefined
  let heartbeat: NodeJS.Timeout | undefined
  const sockets = new Set<Socket>()

  function onAuthEvent (event: AuthEvent): void {
    if (event.type === 'SessionRevoked') {
      const client = [...players.connections()].find((c) => c.sessionId === event.sessionId)
      if (client !== undefined) void kickAndWait(client, event.reason)
    } else if (event.type === 'PlayerBanned') {
      for (const client of players.connections()) {
        const id = client.identity
        if (id === undefined) continue
        if (id.playerId === event.uuid || id.username.toLowerCase() === event.username?.toLowerCase() || client.protocol.remoteAddress === event.address) {
          void kickAndWait(client, event.reason === '' ? ErrorCodes.AUTH_BANNED : `${ErrorCodes.AUTH_BANNED}: ${event.reason}`)
        }
      }
    } else if (event.type === 'OpChanged') {
      applyOpChange(players, event)
    }
  }

  return {
    context,
    async start () {
      const hello = { type: WorldCommand.Hello, gatewayId: config.id, version: config.version } as const
      if (deps.connectWorld !== undefined) await world.connect(await deps.connectWorld(), hello)
      if (deps.discoverWorld !== undefined) {
        discovery = await deps.discoverWorld((link) => {
          world.connect(link, hello).then((nodeId) => { log.info({ node: nodeId }, 'world-node linked') }, (err: unknown) => { log.warn({ err }, 'world-node link failed') })
        })
      }
      events = deps.auth.subscribe(onAuthEvent)
      heartbeat = setInterval(() => {
        const sessionIds = [...players.connections()].flatMap((c) => c.sessionId === undefined ? [] : [c.sessionId])
        void deps.auth.heartbeat({ gatewayId: config.id, sessionIds })
      }, SESSION_HEARTBEAT_INTERVAL_MS)
      heartbeat.unref()
      server = createServer((socket) => {
        const address = socket.remoteAddress ?? 'unknown'
        if (!limiter.allow(address)) {
          log.warn({ address }, 'connection refused: rate limit')
          socket.destroy()
          return
        }
        sockets.add(socket)
        socket.once('close', () => sockets.delete(socket))
        // The connection registers its own socket handlers.
        new ClientConnection(context, socket, TABLES)
      })
      await new Promise<void>((resolve, reject) => {
        server!.once('error', reject)
        server!.listen(config.port, config.host, () => { resolve() })
      })
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : config.port
      log.info({ port, host: config.host, version: config.version, onlineMode: config.onlineMode }, 'gateway listening')
      if (!config.onlineMode) log.warn('offline mode: player names are not verified with Mojang (set GATEWAY_ONLINE_MODE=true to verify)')
      return { port }
    },
    async stop () {
      clearInterval(heartbeat)
      events?.stop()
      const closing = [...players.connections()].map(async (client) => { await kickAndWait(client, ErrorCodes.GW_SERVER_STOPPING) })
      await Promise.all(closing)
      await Promise.all(releases)
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => { if (server === undefined) resolve(); else server.close(() => { resolve() }) })
      discovery?.stop()
      world.close('gateway stopping')
    }
  }
}
