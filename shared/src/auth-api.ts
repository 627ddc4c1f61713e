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

/**
 * Response of POST /v1/admit. Every decision (admitted or refused) is HTTP 200 with this body;
 * a non-200 status carries an ApiError instead (400 bad request, 503 AUTH_STORE_UNAVAILABLE).
 */
export type AdmitResponse = AdmitAccepted | AdmitRefused

/** POST /v1/release: the player left; free the session if it is still this one. */
export interface ReleaseRequest { readonly uuid: string, readonly sessionId: string }
/** Response of POST /v1/release: false when the session was already gone or replaced. */
export interface ReleaseResponse { readonly released: boolean }

/** POST /v1/heartbeat: this gateway is alive and holds these sessions (renews their TTL). */
export interface HeartbeatRequest { readonly gatewayId: GatewayId, readonly sessionIds: readonly string[] }
/** Response of POST /v1/heartbeat: how many of the sessions were renewed. */
export interface HeartbeatResponse { readonly renewed: number }

/** Events streamed to gateways by GET /v1/events (Server-Sent Events, one JSON object per event). */
export type AuthEvent =
  | { readonly type: 'SessionRevoked', readonly uuid: string, readonly sessionId: string, readonly reason: string }
  | { readonly type: 'PlayerBanned', readonly uuid?: string, readonly username?: string, readonly address?: string, readonly reason: string }
  | { readonly type: 'OpChanged', readonly uuid: string, readonly op: boolean }

/** POST /v1/bans: creates or replaces the ban on (kind, value). DELETE /v1/bans?kind=…&value=… lifts it. */
export interface BanRequest {
  readonly kind: 'uuid' | 'name' | 'address'
  readonly value: string
  readonly reason: string
  /** Milliseconds since the epoch; absent for a permanent ban. */
  readonly expiresAt?: number
}

/** GET /v1/bans: the bans in force (expired ones are left out). */
export interface BanList { readonly bans: readonly Ban[] }

/** GET/PUT/DELETE /v1/whitelist/:name and /v1/ops/:name answer with the name's state. */
export interface NameFlag { readonly name: string, readonly enabled: boolean }

/** GET /v1/whitelist and GET /v1/ops: every name on the list. */
export interface NameList { readonly names: readonly string[] }

/** A ban by exactly one of uuid, username or address. */
export interface Ban {
  readonly kind: 'uuid' | 'name' | 'address'
  readonly value: string
  readonly reason: string
  /** Milliseconds since the epoch; absent for a permanent ban. */
  readonly expiresAt?: number
  readonly createdAt: number
}

/** Password length rules (in characters), checked by auth-service and explained by the gateway. */
export const PasswordLength = { min: 6, max: 64 } as const

/** Account password operations (offline mode with accounts). */
export interface PasswordRequest { readonly uuid: string, readonly username: string, readonly address: string, readonly password: string }
/** POST /v1/accounts/password. */
export interface ChangePasswordRequest extends PasswordRequest { readonly newPassword: string }
/**
 * Success of register, login and password change (HTTP 200). Failures are an ApiError:
 * 400 AUTH_BAD_REQUEST (password rules), 403 AUTH_WRONG_PASSWORD, 404 AUTH_NOT_REGISTERED,
 * 409 AUTH_ALREADY_REGISTERED, 423 AUTH_LOCKED_OUT (with `Retry-After: <seconds>`), 429 AUTH_RATE_LIMITED,
 * 503 AUTH_STORE_UNAVAILABLE (try again: register and password change are idempotent).
 */
export interface AccountOk { readonly ok: true }

/** GET /v1/health. `store` is false while the store's primary is unreachable. */
export interface HealthResponse { readonly ok: boolean, readonly store: boolean }

/** An error body from any endpoint. */
export interface ApiError { readonly error: ErrorCode, readonly message: string }
