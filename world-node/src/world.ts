/**
 * The world context every feature receives: the node's state and the services that change it.
 * One per node; features take it as their first argument instead of reaching for globals.
 */
import type { Logger } from '#shared/logger.ts'
import type { ChunkService } from './chunk-service.ts'
import type { WorldNodeConfig } from './config.ts'
import type { DurableOutbox } from './durable-outbox.ts'
import type { GameData } from './game-data.ts'
import type { GatewayLinks } from './gateway-links.ts'
import type { OnlinePlayers } from './players.ts'
import type { RegionOwnership } from './regions.ts'
import type { WorldStore } from './store/world-store.ts'
import type { Subscriptions } from './subscriptions.ts'
import type { WorldTerrain } from './terrain-port.ts'
import type { WorldClock } from './time.ts'

/** Node state shared by the features; mutate it only inside the tick. */
export interface World {
  readonly config: WorldNodeConfig
  readonly log: Logger
  readonly game: GameData
  readonly terrain: WorldTerrain
  readonly store: WorldStore
  readonly links: GatewayLinks
  readonly subscriptions: Subscriptions
  readonly chunks: ChunkService
  readonly players: OnlinePlayers
  readonly outbox: DurableOutbox
  readonly clock: WorldClock
  /** Which regions this node owns (all of them in embedded mode). */
  readonly regions: RegionOwnership
  /** Runs `job` at the start of the next tick (for results of async work). */
  enqueue (job: () => void): void
  /** A fresh entity id, unique in the cluster. */
  nextEntityId (): number
}
