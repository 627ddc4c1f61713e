/**
 * A link carries messages between a gateway and a world-node. Embedded mode pairs two
 * in-process ends; distributed mode frames them over TCP. Services see only this interface.
 */

/** One end of a bidirectional message link. */
export interface Link<Out, In> {
  /** Queue a message for the other end; never throws for a closed link (it drops). */
  send (message: Out): void
  /** Register the handler for incoming messages (one handler; a later call replaces it). */
  onMessage (handler: (message: In) => void): void
  /** Called once when either end closes or the transport fails. */
  onClose (handler: (reason: string) => void): void
  /** Close both ends with a reason. */
  close (reason: string): void
  readonly closed: boolean
}

/**
 * Two connected in-process ends. Delivery is asynchronous (a microtask later) and in order,
 * like a socket, so code written against it does not come to depend on re-entrancy.
 */
export function createInProcessLinkPair<A, B> (): [Link<A, B>, Link<B, A>] {
  const left = new InProcessEnd<A, B>()
  const right = new InProcessEnd<B, A>()
  left.peer = right
  right.peer = left
  return [left, right]
}

class InProcessEnd<Out, In> implements Link<Out, In> {
  peer: InProcessEnd<In, Out> | undefined
  closed = false
  #handler: ((message: In) => void) | undefined
  #closeHandlers: Array<(reason: string) => void> = []
  #inbox: In[] = []
  #scheduled = false

  send (message: Out): void {
    if (this.closed || this.peer === undefined) return
    this.peer.deliver(message)
  }

  deliver (message: In): void {
    this.#inbox.push(message)
    if (this.#scheduled) return
    this.#scheduled = true
    queueMicrotask(() => { this.#drain() })
  }

  #drain (): void {
    this.#scheduled = false
    const batch = this.#inbox
    this.#inbox = []
    for (const message of batch) {
      if (this.closed) return
      this.#handler?.(message)
    }
  }

  onMessage (handler: (message: In) => void): void {
    this.#handler = handler
  }

  onClose (handler: (reason: string) => void): void {
    this.#closeHandlers.push(handler)
  }

  close (reason: string): void {
    if (this.closed) return
    this.closed = true
    for (const handler of this.#closeHandlers) handler(reason)
    this.peer?.close(reason)
  }
}
