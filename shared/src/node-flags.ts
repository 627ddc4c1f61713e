/**
 * The V8 flags every Tessera server process runs with. `npm start`, the cluster launcher, the
 * benchmarks, the Dockerfile and the Kubernetes manifests all pass these
 * (shared/src/node-flags.test.ts and tests/k8s-manifests.test.ts hold them to it).
 *
 * --heap-growing-percent=200: after each full collection V8 lets the old generation grow to
 * three times what survived. With V8's own factor (about 2 at this heap size) the old
 * generation's headroom, some 70 MB over a 60 MB live heap, fell below the young generation's
 * capacity (up to 64 MB without pointer compression), and V8 then starts an incremental
 * mark-compact of the whole heap whenever the young generation grows: at 20 players a full
 * collection every 10 s that nothing needed, where a scavenge would have done. With the larger
 * headroom the young generation's garbage dies in scavenges and full collections come when the
 * old generation has really grown. Measured at 20 walking bots: V8's helper threads 8.7–10 ms of
 * CPU a second down to 5, the process 33.7 and 38.0 ms/s down to 26.0 and 31.0.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--heap-growing-percent=200']
