/**
 * Branded identifiers. A bare string never crosses a service boundary: the brand makes the
 * compiler catch a region id passed where a player id belongs.
 */

/** A player's UUID in its dashed, lower-case form. */
export type PlayerId = string & { readonly __brand: 'PlayerId' }
/** A world-node's identity in the cluster. */
export type NodeId = string & { readonly __brand: 'NodeId' }
/** A gateway's identity in the cluster. */
export type GatewayId = string & { readonly __brand: 'GatewayId' }
/** `r.<rx>.<rz>`: a square of WORLD_REGION_SIZE × WORLD_REGION_SIZE chunks. */
export type RegionId = string & { readonly __brand: 'RegionId' }
/** `<cx>,<cz>`: one chunk column. */
export type ChunkKey = string & { readonly __brand: 'ChunkKey' }

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Accepts a dashed or undashed UUID, returns the canonical dashed lower-case PlayerId. */
export function toPlayerId (uuid: string): PlayerId {
  const hex = uuid.replaceAll('-', '').toLowerCase()
  const dashed = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
  if (!UUID_PATTERN.test(dashed)) throw new TypeError(`not a UUID: ${JSON.stringify(uuid)}`)
  return dashed as PlayerId
}

/** Brands a node id after checking it is a short printable token. */
export function toNodeId (id: string): NodeId {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) throw new TypeError(`not a node id: ${JSON.stringify(id)}`)
  return id as NodeId
}

/** Brands a gateway id after checking it is a short printable token. */
export function toGatewayId (id: string): GatewayId {
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(id)) throw new TypeError(`not a gateway id: ${JSON.stringify(id)}`)
  return id as GatewayId
}

/** Usernames as Mojang allows them: 3–16 characters of A–Z, a–z, 0–9 and _. */
export const USERNAME_PATTERN = /^[A-Za-z0-9_]{3,16}$/

/** True when the name is a valid Minecraft username. */
export function isValidUsername (name: string): boolean {
  return USERNAME_PATTERN.test(name)
}
