/** The UUID vanilla servers give an offline-mode player: v3 of MD5("OfflinePlayer:" + name). */
import { createHash } from 'node:crypto'
import { toPlayerId, type PlayerId } from '#shared/ids.ts'

/** Offline-mode UUID for a username, as vanilla computes it. */
export function offlinePlayerId (username: string): PlayerId {
  const md5 = createHash('md5').update(`OfflinePlayer:${username}`, 'utf8').digest()
  md5[6] = (md5[6]! & 0x0f) | 0x30
  md5[8] = (md5[8]! & 0x3f) | 0x80
  return toPlayerId(md5.toString('hex'))
}
