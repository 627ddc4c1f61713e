/**
 * The bare I/O of the load test, with no game in it: a TCP server that reads whatever each
 * client sends and, every other tick of a 20 Hz loop, writes each client one 12-byte frame per
 * other client (what a relative entity move costs on the wire), in one socket write. Started by
 * io-floor/main.ts, which measures its CPU. Usage: node server.ts PORT
 */
import net from 'node:net'

const port = Number(process.argv[2])
const MOVE_FRAME_BYTES = 12
const sockets = new Set<net.Socket>()
let bytesIn = 0

const server = net.createServer((socket) => {
  socket.setNoDelay(true)
  sockets.add(socket)
  socket.on('data', (data) => { bytesIn += data.length })
  socket.on('close', () => { sockets.delete(socket) })
  socket.on('error', () => { sockets.delete(socket) })
})
server.listen(port, '127.0.0.1', () => { process.stdout.write('ready\n') })

let tick = 0
setInterval(() => {
  tick++
  if (tick % 2 !== 0 || sockets.size < 2) return
  // One frame per other client, copied into each client's single write, as the gateway does.
  const frames = Buffer.alloc(MOVE_FRAME_BYTES * (sockets.size - 1), tick & 0xff)
  for (const socket of sockets) socket.write(Buffer.from(frames))
}, 50)

process.on('SIGTERM', () => {
  process.stdout.write(`read ${bytesIn} bytes\n`)
  process.exit(0)
})
