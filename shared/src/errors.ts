/**
 * The error catalogue: stable codes, one class. Handlers throw a TesseraError; the connection
 * loop logs it once and shows `playerMessage` to the player.
 */

/** Every error code the services raise, with the text a player or operator reads. */
export const ErrorCodes = {
  GW_FRAME_TOO_LONG: 'Packet frame length prefix is longer than 3 bytes',
  GW_FRAME_TOO_LARGE: 'Packet frame is larger than the 2 MiB limit',
  GW_FRAME_NEGATIVE: 'Packet frame length is negative or zero',
  GW_DECOMPRESSED_TOO_LARGE: 'Declared decompressed packet size is larger than the 8 MiB limit',
  GW_DECOMPRESSED_MISMATCH: 'Decompressed packet size differs from the declared size',
  GW_COMPRESSION_BELOW_THRESHOLD: 'Compressed packet is smaller than the compression threshold',
  GW_BAD_COMPRESSION: 'Compressed packet data is corrupt',
  GW_BAD_PACKET: 'Malformed packet',
  GW_UNEXPECTED_PACKET: 'Packet not allowed in this connection state',
  GW_BAD_USERNAME: 'Invalid username: use 3-16 characters of A-Z, a-z, 0-9 and _',
  GW_WRONG_VERSION: 'Unsupported game version',
  GW_LOGIN_TIMEOUT: 'Took too long to log in',
  GW_ENCRYPTION_FAILED: 'Encryption handshake failed',
  GW_SESSION_VERIFY_FAILED: 'Failed to verify username with the session server',
  GW_SESSION_SERVER_DOWN: 'The authentication servers are unreachable right now; try again in a moment',
  GW_AUTH_UNAVAILABLE: 'The login service is unavailable right now; try again in a moment',
  GW_WORLD_UNAVAILABLE: 'The world is unavailable right now; try again in a moment',
  GW_RATE_LIMITED: 'Too many connections from your address; wait a moment',
  GW_PACKET_FLOOD: 'Sending packets too fast',
  GW_KEEPALIVE_TIMEOUT: 'Timed out',
  GW_SERVER_STOPPING: 'Server closed',
  WN_NOT_OWNER: 'This world-node does not own the region',
  WN_STALE_EPOCH: 'The region lease epoch is stale',
  WN_LINK_REFUSED: 'Link authentication failed',
  WN_PLAYER_UNKNOWN: 'Unknown player',
  AUTH_BANNED: 'You are banned from this server',
  AUTH_NOT_WHITELISTED: 'You are not white-listed on this server',
  AUTH_DUPLICATE_LOGIN: 'You logged in from another location',
  AUTH_ALREADY_ONLINE: 'You are already logged in from another location',
  AUTH_UNAUTHORIZED: 'Missing or wrong bearer token',
  AUTH_BAD_REQUEST: 'Bad request',
  AUTH_NOT_FOUND: 'Not found',
  AUTH_STORE_UNAVAILABLE: 'The account store is unavailable; try again in a moment',
  AUTH_RATE_LIMITED: 'Too many login attempts; wait a moment',
  AUTH_LOCKED_OUT: 'Too many wrong passwords; this account is locked for a while',
  AUTH_WRONG_PASSWORD: 'Wrong password',
  AUTH_NOT_REGISTERED: 'This account is not registered',
  AUTH_ALREADY_REGISTERED: 'This account is already registered',
  AUTH_INTERNAL: 'The login service failed unexpectedly; try again in a moment'
} as const

/** A stable error code. */
export type ErrorCode = keyof typeof ErrorCodes

/** An error with a stable code; `message` carries the detail for the log. */
export class TesseraError extends Error {
  readonly code: ErrorCode
  /** What the player (or API caller) is shown. */
  readonly playerMessage: string

  constructor (code: ErrorCode, detail?: string, options?: ErrorOptions) {
    super(detail === undefined ? ErrorCodes[code] : `${ErrorCodes[code]}: ${detail}`, options)
    this.name = 'TesseraError'
    this.code = code
    this.playerMessage = this.message
  }
}

/** True when err is a TesseraError with the given code. */
export function hasCode (err: unknown, code: ErrorCode): boolean {
  return err instanceof TesseraError && err.code === code
}
