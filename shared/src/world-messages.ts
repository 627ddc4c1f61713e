/**
 * The gateway ↔ world-node contract. A gateway sends commands (intents of one player) and
 * subscriptions; a world-node answers with facts. Game versions differ only at the gateway:
 * items travel by name, blocks by the cluster version's state id (one version per cluster).
 *
 * Message names are constants: services write `WorldCommand.MovePlayer`, never the string.
 */
import type { ChunkKey, GatewayId, PlayerId, RegionId } from './ids.ts'

/** Commands a gateway sends to a world-node. */
export const WorldCommand = {
  Hello: 'Hello',
  AttachPlayer: 'AttachPlayer',
  DetachPlayer: 'DetachPlayer',
  MovePlayer: 'MovePlayer',
  SwingArm: 'SwingArm',
  DigBlock: 'DigBlock',
  PlaceBlock: 'PlaceBlock',
  SelectHotbarSlot: 'SelectHotbarSlot',
  SetCreativeSlot: 'SetCreativeSlot',
  SendChat: 'SendChat',
  RunCommand: 'RunCommand',
  ReportLatency: 'ReportLatency',
  SubscribeChunks: 'SubscribeChunks',
  UnsubscribeChunks: 'UnsubscribeChunks',
  ResendChunk: 'ResendChunk',
  AcceptTransfer: 'AcceptTransfer',
  CommitTransfer: 'CommitTransfer',
  CompleteTransfer: 'CompleteTransfer',
  AbortTransfer: 'AbortTransfer'
} as const

/** Facts a world-node sends to a gateway. */
export const WorldFact = {
  Welcome: 'Welcome',
  PlayerAttached: 'PlayerAttached',
  AttachRefused: 'AttachRefused',
  ChunkData: 'ChunkData',
  ChunkCached: 'ChunkCached',
  BlockChanged: 'BlockChanged',
  BlockChangeAcked: 'BlockChangeAcked',
  EntitySpawned: 'EntitySpawned',
  EntityMoved: 'EntityMoved',
  EntityAnimated: 'EntityAnimated',
  EntityRemoved: 'EntityRemoved',
  PlayerPositionSet: 'PlayerPositionSet',
  InventoryUpdated: 'InventoryUpdated',
  GameModeChanged: 'GameModeChanged',
  ChatBroadcast: 'ChatBroadcast',
  SystemMessage: 'SystemMessage',
  PlayerListUpserted: 'PlayerListUpserted',
  PlayerListRemoved: 'PlayerListRemoved',
  TimeUpdated: 'TimeUpdated',
  PlayerKicked: 'PlayerKicked',
  RegionsOwned: 'RegionsOwned',
  TransferRequested: 'TransferRequested',
  TransferAccepted: 'TransferAccepted',
  TransferRejected: 'TransferRejected',
  TransferCommitted: 'TransferCommitted'
} as const

/** Survival and creative for now; adventure and spectator are recognised but unused. */
export type GameMode = 'survival' | 'creative' | 'adventure' | 'spectator'

/** An item stack by registry name, so stored inventories survive a version change. */
export interface ItemStack { readonly name: string, readonly count: number }

/** One signed or unsigned profile property (the skin is `textures`). */
export interface ProfileProperty { readonly name: string, readonly value: string, readonly signature?: string }

/** Who the player is, as the gateway admitted them. */
export interface PlayerProfile {
  readonly id: PlayerId
  readonly name: string
  readonly properties: readonly ProfileProperty[]
  /** Operator: may run op-only commands. */
  readonly op: boolean
}

/** Position and look of an entity. Angles in degrees, as the client sends them. */
export interface Placement {
  readonly x: number
  readonly y: number
  readonly z: number
  readonly yaw: number
  readonly pitch: number
}

/**
 * Everything the world keeps of a player; the unit a handoff moves between nodes.
 * `inventory` uses the player window's slot numbers (0–45; hotbar is 36–44, offhand 45).
 */
export interface PlayerSnapshot extends Placement {
  readonly gameMode: GameMode
  readonly inventory: ReadonlyArray<ItemStack | null>
  /** Selected hotbar slot, 0–8. */
  readonly selectedSlot: number
  readonly onGround: boolean
}

/**
 * Light arrays as prismarine-chunk's dumpLight() returns them for 1.17+: bit masks as arrays
 * of [high, low] 32-bit pairs, and one 2048-byte array per lit section.
 */
export interface ChunkLight {
  readonly skyLightMask: ReadonlyArray<readonly [number, number]>
  readonly blockLightMask: ReadonlyArray<readonly [number, number]>
  readonly emptySkyLightMask: ReadonlyArray<readonly [number, number]>
  readonly emptyBlockLightMask: ReadonlyArray<readonly [number, number]>
  readonly skyLight: ReadonlyArray<Uint8Array | readonly number[]>
  readonly blockLight: ReadonlyArray<Uint8Array | readonly number[]>
}

/** A chunk column as the world-node serialized it, ready for the gateway to frame once. */
export interface ChunkColumnData {
  readonly x: number
  readonly z: number
  /** Bumped on every block change, so encoded packets can be cached per revision. */
  readonly revision: number
  /** prismarine-chunk dump(): the sections in the cluster's game version. */
  readonly sections: Uint8Array
  /** Height of the highest motion-blocking block + 1, per column, index x + 16·z, relative to minY. */
  readonly heightmap: readonly number[]
  readonly light: ChunkLight
}

// ── commands ──────────────────────────────────────────────────────────────────────────────

/** First message on a link: which gateway, which game version it speaks. */
export interface Hello { readonly type: typeof WorldCommand.Hello, readonly gatewayId: GatewayId, readonly version: string }
/** Bring a player into the world (load their saved state, or spawn them). */
export interface AttachPlayer { readonly type: typeof WorldCommand.AttachPlayer, readonly profile: PlayerProfile, readonly viewDistance: number }
/** The player left: save and remove them. */
export interface DetachPlayer { readonly type: typeof WorldCommand.DetachPlayer, readonly playerId: PlayerId, readonly reason: string }
/** A movement packet; absent fields are unchanged. */
export interface MovePlayer {
  readonly type: typeof WorldCommand.MovePlayer
  readonly playerId: PlayerId
  readonly x?: number
  readonly y?: number
  readonly z?: number
  readonly yaw?: number
  readonly pitch?: number
  readonly onGround: boolean
}
/** Arm swing. */
export interface SwingArm { readonly type: typeof WorldCommand.SwingArm, readonly playerId: PlayerId, readonly hand: 'main' | 'off' }
/** Digging: start, cancel or finish breaking the block at x, y, z. */
export interface DigBlock {
  readonly type: typeof WorldCommand.DigBlock
  readonly playerId: PlayerId
  readonly status: 'start' | 'cancel' | 'finish'
  readonly x: number
  readonly y: number
  readonly z: number
  readonly face: number
  readonly sequence: number
}
/** Use the held item on the face of the block at x, y, z (place a block). */
export interface PlaceBlock {
  readonly type: typeof WorldCommand.PlaceBlock
  readonly playerId: PlayerId
  readonly x: number
  readonly y: number
  readonly z: number
  /** 0 down, 1 up, 2 north (-z), 3 south (+z), 4 west (-x), 5 east (+x). */
  readonly face: number
  readonly hand: 'main' | 'off'
  readonly sequence: number
}
/** Hotbar selection, 0–8. */
export interface SelectHotbarSlot { readonly type: typeof WorldCommand.SelectHotbarSlot, readonly playerId: PlayerId, readonly slot: number }
/** Creative inventory action: set a slot to an item, or clear it. */
export interface SetCreativeSlot { readonly type: typeof WorldCommand.SetCreativeSlot, readonly playerId: PlayerId, readonly slot: number, readonly item: ItemStack | null }
/** A chat line (not a command). */
export interface SendChat { readonly type: typeof WorldCommand.SendChat, readonly playerId: PlayerId, readonly text: string }
/** A command line without the leading slash. */
export interface RunCommand { readonly type: typeof WorldCommand.RunCommand, readonly playerId: PlayerId, readonly command: string }
/** Keep-alive round trip measured by the gateway. */
export interface ReportLatency { readonly type: typeof WorldCommand.ReportLatency, readonly playerId: PlayerId, readonly latencyMs: number }
/** The player now has these chunks in view: send them and their updates. */
export interface SubscribeChunks { readonly type: typeof WorldCommand.SubscribeChunks, readonly playerId: PlayerId, readonly chunks: ReadonlyArray<{ x: number, z: number }> }
/** The player no longer has these chunks in view. */
export interface UnsubscribeChunks { readonly type: typeof WorldCommand.UnsubscribeChunks, readonly playerId: PlayerId, readonly chunks: ReadonlyArray<{ x: number, z: number }> }
/** Answer to ChunkCached when the gateway no longer holds that column: send it in full. */
export interface ResendChunk { readonly type: typeof WorldCommand.ResendChunk, readonly playerId: PlayerId, readonly x: number, readonly z: number }

// ── handoff (DESIGN decision 2) ──────────────────────────────────────────────────────────
// A player crossing into a region another node owns moves in two phases, through the gateway:
//   source → gateway  TransferRequested  (source has frozen the player; gateway buffers input)
//   gateway → target  AcceptTransfer     → TransferAccepted | TransferRejected
//   gateway → source  CommitTransfer     → TransferCommitted (source forgets the player, writes nothing more)
//   gateway → target  CompleteTransfer   (target activates the player and becomes its only writer)
//   gateway           reroutes the player's intents to the target and replays the buffer.
// A rejection or a timeout sends AbortTransfer to both: the source unfreezes, the target drops
// any pending copy, and the player stays with the source.

/** Target: take this player (pending until CompleteTransfer). */
export interface AcceptTransfer {
  readonly type: typeof WorldCommand.AcceptTransfer
  readonly transferId: string
  readonly profile: PlayerProfile
  readonly snapshot: PlayerSnapshot
  /** The entity keeps its id across nodes, so viewers see no despawn. */
  readonly entityId: number
  readonly viewDistance: number
}
/** Source: the target accepted; forget the player. */
export interface CommitTransfer { readonly type: typeof WorldCommand.CommitTransfer, readonly transferId: string, readonly playerId: PlayerId }
/** Target: the source has let go; the player is yours. */
export interface CompleteTransfer { readonly type: typeof WorldCommand.CompleteTransfer, readonly transferId: string, readonly playerId: PlayerId }
/** Source and target: the transfer is off; the source keeps the player. */
export interface AbortTransfer { readonly type: typeof WorldCommand.AbortTransfer, readonly transferId: string, readonly playerId: PlayerId, readonly reason: string }

/** Any message a gateway sends to a world-node. */
export type GatewayToNode =
  | Hello | AttachPlayer | DetachPlayer | MovePlayer | SwingArm | DigBlock | PlaceBlock
  | SelectHotbarSlot | SetCreativeSlot | SendChat | RunCommand | ReportLatency
  | SubscribeChunks | UnsubscribeChunks | ResendChunk
  | AcceptTransfer | CommitTransfer | CompleteTransfer | AbortTransfer

// ── facts ─────────────────────────────────────────────────────────────────────────────────

/** Answer to Hello: the world's constants. */
export interface Welcome {
  readonly type: typeof WorldFact.Welcome
  readonly nodeId: string
  readonly version: string
  readonly seed: string
  readonly minY: number
  readonly worldHeight: number
  readonly viewDistance: number
  /** Chunks per region side (WORLD_REGION_SIZE): the gateway maps chunks to owners with it. */
  readonly regionSize: number
}
/** The player is in the world with this state and entity id. */
export interface PlayerAttached {
  readonly type: typeof WorldFact.PlayerAttached
  readonly playerId: PlayerId
  readonly entityId: number
  readonly snapshot: PlayerSnapshot
  readonly worldAge: number
  readonly timeOfDay: number
}
/** The world would not take the player. */
export interface AttachRefused { readonly type: typeof WorldFact.AttachRefused, readonly playerId: PlayerId, readonly reason: string }
/** A chunk for one player who subscribed to it. */
export interface ChunkData { readonly type: typeof WorldFact.ChunkData, readonly playerId: PlayerId, readonly column: ChunkColumnData }
/**
 * A chunk for one player, when this link was already sent the column at this revision (for
 * another player): serve it from that copy. A column is sent to a gateway once, not once per
 * player; a gateway that no longer holds it answers ResendChunk.
 */
export interface ChunkCached { readonly type: typeof WorldFact.ChunkCached, readonly playerId: PlayerId, readonly x: number, readonly z: number, readonly revision: number }
/** A block changed; sent to every subscriber of its chunk. */
export interface BlockChanged {
  readonly type: typeof WorldFact.BlockChanged
  readonly chunk: ChunkKey
  readonly x: number
  readonly y: number
  readonly z: number
  readonly stateId: number
}
/** The player's dig or place with this sequence number was processed. */
export interface BlockChangeAcked { readonly type: typeof WorldFact.BlockChangeAcked, readonly playerId: PlayerId, readonly sequence: number }
/** A player entity appeared in a chunk (joined, or walked in). */
export interface EntitySpawned extends Placement {
  readonly type: typeof WorldFact.EntitySpawned
  readonly chunk: ChunkKey
  readonly entityId: number
  readonly playerId: PlayerId
  readonly name: string
  /**
   * Set when the entity is shown to one player that just received the chunk (the chunk's other
   * viewers already show it): a gateway that knows the entity checks only that viewer. Absent:
   * every viewer of the chunk.
   */
  readonly forViewer?: PlayerId
}
/** An entity moved; sent to subscribers of both the chunk it left and the one it entered. */
export interface EntityMoved extends Placement {
  readonly type: typeof WorldFact.EntityMoved
  readonly chunk: ChunkKey
  readonly fromChunk: ChunkKey
  readonly entityId: number
  readonly onGround: boolean
}
/** An entity swung an arm. */
export interface EntityAnimated { readonly type: typeof WorldFact.EntityAnimated, readonly chunk: ChunkKey, readonly entityId: number, readonly animation: 'swing_main' | 'swing_off' }
/** An entity left the world. */
export interface EntityRemoved { readonly type: typeof WorldFact.EntityRemoved, readonly chunk: ChunkKey, readonly entityId: number }
/** The server moved the player: a correction of an impossible move, or a teleport. */
export interface PlayerPositionSet extends Placement {
  readonly type: typeof WorldFact.PlayerPositionSet
  readonly playerId: PlayerId
  readonly reason: 'correction' | 'teleport'
}
/** Slots of the player's inventory window changed. */
export interface InventoryUpdated {
  readonly type: typeof WorldFact.InventoryUpdated
  readonly playerId: PlayerId
  readonly slots: ReadonlyArray<{ readonly slot: number, readonly item: ItemStack | null }>
  readonly selectedSlot: number
}
/** The player's game mode changed. */
export interface GameModeChanged { readonly type: typeof WorldFact.GameModeChanged, readonly playerId: PlayerId, readonly gameMode: GameMode }
/** A chat line for every player. */
export interface ChatBroadcast {
  readonly type: typeof WorldFact.ChatBroadcast
  readonly senderId: PlayerId
  readonly senderName: string
  readonly text: string
}
/** A server message: to one player, or to everybody when playerId is null. */
export interface SystemMessage { readonly type: typeof WorldFact.SystemMessage, readonly playerId: PlayerId | null, readonly text: string }
/** Entry for the tab list. */
export interface PlayerListEntry {
  readonly playerId: PlayerId
  readonly name: string
  readonly properties: readonly ProfileProperty[]
  readonly gameMode: GameMode
  readonly latencyMs: number
}
/** Players joined the list or their entries changed (cluster-wide). */
export interface PlayerListUpserted { readonly type: typeof WorldFact.PlayerListUpserted, readonly entries: readonly PlayerListEntry[] }
/** Players left the list (cluster-wide). */
export interface PlayerListRemoved { readonly type: typeof WorldFact.PlayerListRemoved, readonly playerIds: readonly PlayerId[] }
/** World age and time of day in ticks (cluster-wide). */
export interface TimeUpdated { readonly type: typeof WorldFact.TimeUpdated, readonly worldAge: number, readonly timeOfDay: number }
/** The world wants this player gone, with a reason they can read. */
export interface PlayerKicked { readonly type: typeof WorldFact.PlayerKicked, readonly playerId: PlayerId, readonly reason: string }

/**
 * The regions this node owns now (sent after Welcome and whenever it changes). `all` is the
 * embedded node, which owns every region. Gateways route chunk subscriptions and transfers by it.
 */
export interface RegionsOwned {
  readonly type: typeof WorldFact.RegionsOwned
  readonly nodeId: string
  readonly all: boolean
  readonly regions: readonly RegionId[]
}
/** Source: the player crossed into a region this node does not own; it is frozen here. */
export interface TransferRequested {
  readonly type: typeof WorldFact.TransferRequested
  readonly transferId: string
  readonly playerId: PlayerId
  readonly entityId: number
  readonly snapshot: PlayerSnapshot
  /** The chunk the player moved into. */
  readonly chunk: { readonly x: number, readonly z: number }
}
/** Target: the player is held pending CompleteTransfer. */
export interface TransferAccepted { readonly type: typeof WorldFact.TransferAccepted, readonly transferId: string, readonly playerId: PlayerId }
/** Target: will not take the player (not the owner, lease lost, position outside its regions…). */
export interface TransferRejected { readonly type: typeof WorldFact.TransferRejected, readonly transferId: string, readonly playerId: PlayerId, readonly reason: string }
/** Source: the player is forgotten here. */
export interface TransferCommitted { readonly type: typeof WorldFact.TransferCommitted, readonly transferId: string, readonly playerId: PlayerId }

/** Any message a world-node sends to a gateway. */
export type NodeToGateway =
  | Welcome | PlayerAttached | AttachRefused | ChunkData | ChunkCached | BlockChanged | BlockChangeAcked
  | EntitySpawned | EntityMoved | EntityAnimated | EntityRemoved | PlayerPositionSet
  | InventoryUpdated | GameModeChanged | ChatBroadcast | SystemMessage
  | PlayerListUpserted | PlayerListRemoved | TimeUpdated | PlayerKicked
  | RegionsOwned | TransferRequested | TransferAccepted | TransferRejected | TransferCommitted

/** Number of slots in the player inventory window. */
export const PLAYER_INVENTORY_SLOTS = 46
/** First hotbar slot in the player window. */
export const HOTBAR_START = 36
