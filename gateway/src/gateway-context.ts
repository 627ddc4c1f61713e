/**
 * Everything a connection handler may reach: configuration, game data, the auth client, the
 * world router and the players on this gateway. Built once by createGateway and passed in,
 * never imported as a global.
 */
import type { KeyObject } from 'node:crypto'
import type { Logger } from '#shared/logger.ts'
import type { GatewayConfig } from './config.ts'
import type { AuthClient } from './auth/auth-client.ts'
import type { LoginIdentity } from './connection/client-connection.ts'
import type { VerifiedProfile } from './login/session-server.ts'
import type { GameRegistries } from './packets/game-registries.ts'
import type { OutboundFrames } from './packets/outbound-frames.ts'
import type { PlayerDirectory } from './session/player-directory.ts'
import type { WorldRouter } from './world/world-router.ts'

/** The gateway's shared services. */
export interface GatewayContext {
  readonly config: GatewayConfig
  readonly log: Logger
  readonly protocolVersion: number
  readonly registries: GameRegistries
  readonly keys: { readonly publicKeyDer: Buffer, readonly privateKey: KeyObject }
  readonly sessionServer: { hasJoined (username: string, serverHash: string): Promise<VerifiedProfile> }
  readonly auth: AuthClient
  readonly players: PlayerDirectory
  readonly world: WorldRouter
  readonly frames: OutboundFrames
  readonly loginTimeoutMs: number
  /** Players in the tab list (cluster-wide), for the status ping. */
  onlinePlayers (): Array<{ name: string, id: string }>
  /** Frees the auth session of a player who left. */
  releaseSession (identity: LoginIdentity, sessionId: string): void
}
