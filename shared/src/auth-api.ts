/**
 * The auth-service HTTP JSON contract, shared by the service and its client in the gateway.
 * All paths are under /v1. Admin paths need `Authorization: Bearer <AUTH_ADMIN_TOKEN>`.
 */
import type { ErrorCode } from './errors.ts'
import type { GatewayId } from './ids.ts'
import type { ProfileProperty } from './world-messages.ts'

/** Paths of the API, so neither side writes them twice. */
export const AuthPaths = {
  admit: '/v1/admit',
  release: '/v1/release',
  heartbeat: '/v1/heartbeat',
  events: '/v1/events',
  health: '/v1/health',
  bans: '/v1/bans',
  whitelist: '/v1/whitelist',
  ops: '/v1/ops',
  register: '/v1/accounts/register',
  login: '/v1/accounts/login',
  changePassword: '/v1/accounts/password'
} as const

/** POST /v1/admit: may this player join through this gateway? */
export interface AdmitRequest {
  readonly username: string
  /** Dashed UUID: Mojang's in online mode, the offline-mode UUID otherwise. */
  readonly uuid: string
  /** The client's IP address. */
  readonly address: string
  readonly gatewayId: GatewayId
  /** Profile properties (skin) from the session server, when online. */
  readonly properties?: readonly ProfileProperty[]
}

/** Admitted: the session is now held by this gateway. */
export interface AdmitAccepted {
  readonly admitted: true
  readonly sessionId: string
  readonly op: boolean
  /** Offline-mode accounts: the player must /register or /login before playing. */
  readonly needsPassword: 'none' | 'register' | 'login'
}

/** Refused, with a stable code and a reason the player reads. */
export interface AdmitRefused {
  readonly admitted: false
  readonly code: ErrorCode
  readonly reason: string
}

/** Response of POST /v1/admit. */
export type AdmitResponse = AdmitAccepted | AdmitRefused

/** POST /v1/release: the player left; free the session if it is still this one. */
export interface ReleaseRequest { readonly uuid: string, readonly sessionId: string }

/** POST /v1/heartbeat: this gateway is alive and holds these sessions (renews their TTL). */
export interface HeartbeatRequest { readonly gatewayId: GatewayId, readonly sessionIds: readonly string[] }

/** Events streamed to gateways by GET /v1/events (Server-Sent Events, one JSON object per event). */
export type AuthEvent =
  | { readonly type: 'SessionRevoked', readonly uuid: string, readonly sessionId: string, readonly reason: string }
  | { readonly type: 'PlayerBanned', readonly uuid?: string, readonly username?: string, readonly address?: string, readonly reason: string }
  | { readonly type: 'OpChanged', readonly uuid: string, readonly op: boolean }

/** A ban by exactly one of uuid, username or address. */
export interface Ban {
  readonly kind: 'uuid' | 'name' | 'address'
  readonly value: string
  readonly reason: string
  /** Milliseconds since the epoch; absent for a permanent ban. */
  readonly expiresAt?: number
  readonly createdAt: number
}

/** Account password operations (offline mode with accounts). */
export interface PasswordRequest { readonly uuid: string, readonly username: string, readonly address: string, readonly password: string }
/** POST /v1/accounts/password. */
export interface ChangePasswordRequest extends PasswordRequest { readonly newPassword: string }

/** An error body from any endpoint. */
export interface ApiError { readonly error: ErrorCode, readonly message: string }
