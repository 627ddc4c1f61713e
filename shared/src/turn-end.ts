/**
 * Work deferred to the end of this event-loop turn: one setImmediate runs every job queued
 * before it runs, after the microtasks of the callbacks before it (the gateway flushes its
 * clients' sockets here, one write per client per turn).
 *
 * `holdTurnEnd` queues that immediate ahead of need. The world-node's tick runs in an
 * immediate; queueing the turn's end right behind it means what the tick writes (delivered to
 * the gateway by microtasks, in embedded mode) leaves in the same turn. Otherwise the flush
 * would be queued from inside the check phase, which Node runs in the next turn, after one more
 * poll of the event loop (measured at 20 bots: ~37 extra epoll calls a second).
 */

const jobs = new Set<() => void>()
/** runJobs immediates queued and not yet run. */
let queued = 0

function runJobs (): void {
  queued--
  if (jobs.size === 0) return
  // Jobs queued while these run go to a later immediate.
  const batch = [...jobs]
  jobs.clear()
  for (const job of batch) job()
}

/** Runs `job` once at the end of this turn (queueing it again before then is a no-op). */
export function atTurnEnd (job: () => void): void {
  jobs.add(job)
  if (queued === 0) holdTurnEnd()
}

/**
 * Queues an end-of-turn immediate now, behind the immediates already queued, even if one is
 * queued further ahead: jobs queued by an immediate that precedes it run in this turn.
 */
export function holdTurnEnd (): void {
  queued++
  setImmediate(runJobs)
}
