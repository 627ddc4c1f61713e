/**
 * Structural checks of the Kubernetes manifests: each overlay is rendered offline with
 * `kubectl kustomize` and the parsed objects are checked for what the design requires
 * (probes, resources, non-root pods, secrets from Secrets, Sentinel quorum, replica counts,
 * NetworkPolicies that fence the link port and Redis, Services that select real pods).
 */
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import { SERVER_NODE_FLAGS } from '#shared/node-flags.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OVERLAYS = ['local', 'production'] as const
type Overlay = typeof OVERLAYS[number]

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0
const SKIP = KUBECTL ? false : 'kubectl is not installed: install it to render deploy/k8s overlays (it is in CI)'

/** A rendered Kubernetes object, loosely typed: the checks below read what they need. */
interface K8sObject {
  readonly apiVersion: string
  readonly kind: string
  readonly metadata: { readonly name: string, readonly namespace?: string, readonly labels?: Record<string, string> }
  readonly spec?: any
  readonly data?: Record<string, string>
  readonly stringData?: Record<string, string>
}

interface LabelSelector {
  readonly matchLabels?: Record<string, string>
  readonly matchExpressions?: ReadonlyArray<{ key: string, operator: string, values?: string[] }>
}

/** Env each service reads (see each service's config.ts and the deployment brief). */
const REQUIRED_ENV: Record<string, readonly string[]> = {
  gateway: [
    'GATEWAY_ID', 'GATEWAY_HOST', 'GATEWAY_PORT', 'GATEWAY_ONLINE_MODE', 'GATEWAY_VERSION', 'GATEWAY_MOTD',
    'GATEWAY_MAX_PLAYERS', 'GATEWAY_SESSION_SERVER_URL', 'GATEWAY_COMPRESSION_THRESHOLD', 'GATEWAY_AUTH_URL',
    'TESSERA_CLUSTER_SECRET', 'TESSERA_REDIS_SENTINELS', 'TESSERA_REDIS_NAME', 'TESSERA_METRICS_PORT', 'TESSERA_LOG_LEVEL'
  ],
  'world-node': [
    'WORLD_NODE_ID', 'WORLD_SEED', 'WORLD_VIEW_DISTANCE', 'WORLD_VERSION', 'WORLD_REGION_SIZE', 'WORLD_LINK_PORT',
    'TESSERA_CLUSTER_SECRET', 'TESSERA_REDIS_SENTINELS', 'TESSERA_REDIS_NAME', 'TESSERA_METRICS_PORT', 'TESSERA_LOG_LEVEL'
  ],
  'auth-service': [
    'AUTH_HOST', 'AUTH_PORT', 'AUTH_ADMIN_TOKEN', 'AUTH_WHITELIST', 'AUTH_OFFLINE_ACCOUNTS', 'AUTH_DUPLICATE_LOGIN',
    'TESSERA_REDIS_SENTINELS', 'TESSERA_REDIS_NAME', 'TESSERA_LOG_LEVEL'
  ]
}
/** Env that must come from a Secret, never from a literal or a ConfigMap. */
const SECRET_ENV = ['TESSERA_CLUSTER_SECRET', 'AUTH_ADMIN_TOKEN']
/** Env that must be the pod's own name (one identity per incarnation). */
const POD_NAME_ENV: Record<string, string> = { gateway: 'GATEWAY_ID', 'world-node': 'WORLD_NODE_ID' }

const rendered = new Map<Overlay, K8sObject[]>()
function render (overlay: Overlay): K8sObject[] {
  const cached = rendered.get(overlay)
  if (cached !== undefined) return cached
  const out = execFileSync('kubectl', ['kustomize', `deploy/k8s/overlays/${overlay}`], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: '/dev/null' },
    maxBuffer: 16 * 1024 * 1024
  })
  const objects = parseAllDocuments(out).map((doc) => {
    assert.equal(doc.errors.length, 0, `${overlay}: YAML errors: ${doc.errors.map((e) => e.message).join('; ')}`)
    return doc.toJS() as K8sObject | null
  }).filter((o): o is K8sObject => o !== null)
  rendered.set(overlay, objects)
  return objects
}

function ofKind (objects: readonly K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind)
}
function named (objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name)
  assert.ok(found, `no ${kind} ${name}`)
  return found
}
function workloads (objects: readonly K8sObject[]): K8sObject[] {
  return objects.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')
}
function podLabels (workload: K8sObject): Record<string, string> {
  return workload.spec.template.metadata.labels as Record<string, string>
}
function allContainers (workload: K8sObject): any[] {
  return [...(workload.spec.template.spec.initContainers ?? []), ...workload.spec.template.spec.containers]
}
function envOf (container: any): Map<string, any> {
  return new Map(((container.env ?? []) as any[]).map((e) => [e.name as string, e]))
}
/** A generated ConfigMap by its base name (kustomize appends a content hash). */
function configMap (objects: readonly K8sObject[], base: string): Record<string, string> {
  const found = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name === base || c.metadata.name.startsWith(`${base}-`))
  assert.equal(found.length, 1, `one ConfigMap ${base}`)
  return found[0]!.data ?? {}
}

function selects (selector: LabelSelector | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return false
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) if (labels[key] !== value) return false
  for (const { key, operator, values = [] } of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, key)
    if (operator === 'In' && !(has && values.includes(labels[key]!))) return false
    if (operator === 'NotIn' && has && values.includes(labels[key]!)) return false
    if (operator === 'Exists' && !has) return false
    if (operator === 'DoesNotExist' && has) return false
  }
  return true
}

/** Names (app.kubernetes.io/name) of the workloads whose pods the selector matches. */
function workloadsSelected (objects: readonly K8sObject[], selector: LabelSelector): string[] {
  return workloads(objects).filter((w) => selects(selector, podLabels(w))).map((w) => w.metadata.name)
}

/**
 * Which workloads may open a TCP connection to `port` of `target`'s pods, according to every
 * NetworkPolicy that selects them. 'anyone' when a rule admits every source; 'unfenced' when no
 * policy selects the pods (Kubernetes then admits everything).
 */
function allowedSources (objects: readonly K8sObject[], target: K8sObject, port: number): Set<string> | 'anyone' | 'unfenced' {
  const labels = podLabels(target)
  const policies = ofKind(objects, 'NetworkPolicy').filter((p) => selects(p.spec.podSelector, labels) && (p.spec.policyTypes ?? ['Ingress']).includes('Ingress'))
  if (policies.length === 0) return 'unfenced'
  const portNames = new Set(allContainers(target).flatMap((c) => (c.ports ?? []) as any[]).filter((p) => p.containerPort === port).map((p) => p.name as string))
  const sources = new Set<string>()
  for (const policy of policies) {
    for (const rule of (policy.spec.ingress ?? []) as any[]) {
      const ports = (rule.ports ?? []) as any[]
      const coversPort = ports.length === 0 || ports.some((p) => p.port === undefined || p.port === port || portNames.has(p.port))
      if (!coversPort) continue
      const from = (rule.from ?? []) as any[]
      if (from.length === 0) return 'anyone'
      for (const peer of from) {
        if (peer.ipBlock !== undefined || peer.namespaceSelector !== undefined || peer.podSelector === undefined) return 'anyone'
        for (const name of workloadsSelected(objects, peer.podSelector as LabelSelector)) sources.add(name)
      }
    }
  }
  return sources
}

function replicasOf (objects: readonly K8sObject[], kind: string, name: string): number {
  const workload = named(objects, kind, name)
  if (workload.spec.replicas !== undefined) return workload.spec.replicas as number
  const hpa = ofKind(objects, 'HorizontalPodAutoscaler').find((h) => h.spec.scaleTargetRef.kind === kind && h.spec.scaleTargetRef.name === name)
  assert.ok(hpa, `${kind} ${name} sets no replicas and no HPA scales it (it would run 1)`)
  return hpa.spec.minReplicas as number
}

for (const overlay of OVERLAYS) {
  void describe(`k8s overlay ${overlay}`, { skip: SKIP }, () => {
    void test('renders Deployments, StatefulSets, Services and NetworkPolicies into one namespace', () => {
      const objects = render(overlay)
      for (const kind of ['Deployment', 'StatefulSet', 'Service', 'NetworkPolicy', 'PodDisruptionBudget', 'ConfigMap']) {
        assert.ok(ofKind(objects, kind).length > 0, `no ${kind}`)
      }
      const namespace = named(objects, 'Namespace', 'tessera')
      assert.equal(namespace.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted')
      for (const o of objects.filter((o) => o.kind !== 'Namespace')) assert.equal(o.metadata.namespace, 'tessera', `${o.kind} ${o.metadata.name}`)
      assert.deepEqual(workloads(objects).map((w) => w.metadata.name).sort(), ['auth-service', 'gateway', 'redis', 'redis-sentinel', 'world-node'])
    })

    void test('every container has resources and every main container has probes', () => {
      for (const workload of workloads(render(overlay))) {
        for (const container of allContainers(workload)) {
          const where = `${workload.metadata.name}/${container.name as string}`
          for (const section of ['requests', 'limits']) {
            for (const resource of ['cpu', 'memory']) assert.ok(container.resources?.[section]?.[resource], `${where}: resources.${section}.${resource}`)
          }
        }
        for (const container of workload.spec.template.spec.containers as any[]) {
          assert.ok(container.readinessProbe, `${workload.metadata.name}/${container.name as string}: readinessProbe`)
          assert.ok(container.livenessProbe, `${workload.metadata.name}/${container.name as string}: livenessProbe`)
        }
      }
    })

    void test('every pod runs non-root, without privilege escalation or capabilities, on a read-only root', () => {
      for (const workload of workloads(render(overlay))) {
        const pod = workload.spec.template.spec
        const name = workload.metadata.name
        assert.equal(pod.securityContext?.runAsNonRoot, true, `${name}: runAsNonRoot`)
        assert.ok(Number(pod.securityContext?.runAsUser) > 0, `${name}: runAsUser is a non-zero uid`)
        assert.equal(pod.securityContext?.seccompProfile?.type, 'RuntimeDefault', `${name}: seccomp`)
        assert.equal(pod.automountServiceAccountToken, false, `${name}: no service account token`)
        for (const container of allContainers(workload)) {
          const where = `${name}/${container.name as string}`
          assert.equal(container.securityContext?.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`)
          assert.equal(container.securityContext?.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`)
          assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL'], `${where}: drop ALL`)
          assert.notEqual(container.securityContext?.runAsUser, 0, `${where}: not root`)
        }
      }
    })

    void test('each service runs its own main.ts and gets the env it reads', () => {
      const objects = render(overlay)
      for (const [service, required] of Object.entries(REQUIRED_ENV)) {
        const container = (named(objects, 'Deployment', service).spec.template.spec.containers as any[]).find((c) => c.name === service)
        assert.ok(container, `${service}: container`)
        assert.deepEqual(container.command, ['node', ...SERVER_NODE_FLAGS, `${service}/src/main.ts`])
        const env = envOf(container)
        for (const name of required) assert.ok(env.has(name), `${service}: env ${name}`)
        const podNameEnv = POD_NAME_ENV[service]
        if (podNameEnv !== undefined) assert.equal(env.get(podNameEnv)?.valueFrom?.fieldRef?.fieldPath, 'metadata.name', `${service}: ${podNameEnv} is the pod name`)
      }
      const gatewayEnv = envOf(named(objects, 'Deployment', 'gateway').spec.template.spec.containers[0])
      const worldEnv = envOf(named(objects, 'Deployment', 'world-node').spec.template.spec.containers[0])
      // One game version per cluster: both read the same ConfigMap key.
      assert.deepEqual(gatewayEnv.get('GATEWAY_VERSION')?.valueFrom, worldEnv.get('WORLD_VERSION')?.valueFrom)
    })

    void test('secrets come from secretKeyRef and every referenced ConfigMap key exists', () => {
      const objects = render(overlay)
      const template = parseAllDocuments(readFileSync(`${ROOT}/deploy/k8s/secret/secret.template.yaml`, 'utf8'))[0]!.toJS() as K8sObject
      const configMaps = new Map(ofKind(objects, 'ConfigMap').map((c) => [c.metadata.name, c.data ?? {}]))
      for (const workload of workloads(objects)) {
        for (const container of allContainers(workload)) {
          for (const [name, entry] of envOf(container)) {
            const where = `${workload.metadata.name}/${container.name as string} ${name}`
            if (SECRET_ENV.includes(name) || /SECRET|TOKEN|PASSWORD/.test(name)) {
              const ref = entry.valueFrom?.secretKeyRef
              assert.ok(ref, `${where}: must come from a secretKeyRef`)
              assert.equal(ref.name, template.metadata.name, `${where}: Secret name`)
              assert.ok(Object.hasOwn(template.stringData ?? {}, ref.key), `${where}: key ${ref.key as string} is in the Secret template`)
            }
            const cmRef = entry.valueFrom?.configMapKeyRef
            if (cmRef !== undefined) {
              assert.ok(configMaps.has(cmRef.name), `${where}: ConfigMap ${cmRef.name as string} is rendered`)
              assert.ok(Object.hasOwn(configMaps.get(cmRef.name)!, cmRef.key), `${where}: key ${cmRef.key as string}`)
            }
          }
          for (const from of (container.envFrom ?? []) as any[]) {
            if (from.configMapRef !== undefined) assert.ok(configMaps.has(from.configMapRef.name), `${workload.metadata.name}: envFrom ${from.configMapRef.name as string}`)
          }
        }
        for (const volume of (workload.spec.template.spec.volumes ?? []) as any[]) {
          if (volume.configMap !== undefined) assert.ok(configMaps.has(volume.configMap.name), `${workload.metadata.name}: volume ${volume.configMap.name as string}`)
        }
      }
      const secrets = ofKind(objects, 'Secret')
      if (overlay === 'production') {
        // Applying production must never overwrite the real Secret with placeholders.
        assert.equal(secrets.length, 0, 'production renders no Secret')
      } else {
        assert.deepEqual(secrets.map((s) => s.metadata.name), [template.metadata.name])
      }
    })

    void test('Redis: Sentinel quorum is a majority, counts match the StatefulSets, persistence is on', () => {
      const objects = render(overlay)
      const settings = configMap(objects, 'redis-settings')
      const shared = configMap(objects, 'tessera-config')
      const sentinels = Number(settings.SENTINEL_COUNT)
      const quorum = Number(settings.SENTINEL_QUORUM)
      assert.equal(replicasOf(objects, 'StatefulSet', 'redis-sentinel'), sentinels, 'SENTINEL_COUNT = Sentinel pods')
      assert.equal(replicasOf(objects, 'StatefulSet', 'redis'), Number(settings.REDIS_REPLICAS), 'REDIS_REPLICAS = redis pods')
      assert.ok(quorum > sentinels / 2 && quorum <= sentinels, `quorum ${quorum} of ${sentinels}`)
      assert.equal(settings.SENTINEL_DOWN_AFTER_MS, '5000')
      assert.equal(settings.SENTINEL_FAILOVER_TIMEOUT_MS, '10000')
      assert.equal(settings.REDIS_MASTER_NAME, shared['redis-name'], 'services ask the Sentinels for the set they monitor')
      assert.equal(shared['redis-sentinels']!.split(',').length, sentinels, 'services know every Sentinel')
      if (overlay === 'production') {
        assert.equal(sentinels, 3)
        assert.equal(quorum, 2)
        assert.equal(Number(settings.REDIS_REPLICAS), 3, 'primary + 2 replicas')
        assert.equal(settings.REDIS_MIN_REPLICAS_TO_WRITE, '1')
        assert.equal(settings.REDIS_MIN_REPLICAS_MAX_LAG, '10')
      }
      assert.match(configMap(objects, 'redis-config')['redis.conf']!, /^appendonly yes$/m)
      const redis = named(objects, 'StatefulSet', 'redis')
      assert.equal(redis.spec.volumeClaimTemplates?.[0]?.metadata?.name, 'data', 'redis keeps its data on a PVC')
      assert.ok((redis.spec.template.spec.containers[0].volumeMounts as any[]).some((m) => m.name === 'data' && m.mountPath === '/data'))
      for (const name of ['redis', 'redis-sentinel']) {
        const service = named(objects, 'Service', name)
        assert.equal(service.spec.clusterIP, 'None', `${name}: headless for stable pod DNS`)
        assert.equal(named(objects, 'StatefulSet', name).spec.serviceName, name)
      }
    })

    void test('Redis init scripts are valid shell', () => {
      const scripts = configMap(render(overlay), 'redis-scripts')
      assert.deepEqual(Object.keys(scripts).sort(), ['init-redis.sh', 'init-sentinel.sh', 'prestop-redis.sh'])
      for (const [file, body] of Object.entries(scripts)) {
        const check = spawnSync('sh', ['-n'], { input: body, encoding: 'utf8' })
        assert.equal(check.status, 0, `${file}: ${check.stderr}`)
      }
    })

    void test('NetworkPolicies fence the link port, Redis, Sentinel and auth-service', () => {
      const objects = render(overlay)
      const services = new Set(['gateway', 'world-node', 'auth-service'])
      const redisPeers = new Set([...services, 'redis', 'redis-sentinel'])
      const expect = (workload: string, kind: string, port: number, allowed: Set<string>): void => {
        const sources = allowedSources(objects, named(objects, kind, workload), port)
        assert.ok(sources instanceof Set, `${workload}:${port} is reachable by ${sources instanceof Set ? [...sources].join(", ") : sources}`)
        assert.ok(sources.size > 0, `${workload}:${port} admits nobody`)
        for (const source of sources) assert.ok(allowed.has(source), `${workload}:${port} admits ${source}`)
      }
      expect('world-node', 'Deployment', 25600, new Set(['gateway']))
      expect('auth-service', 'Deployment', 8081, new Set(['gateway']))
      expect('redis', 'StatefulSet', 6379, redisPeers)
      expect('redis-sentinel', 'StatefulSet', 26379, redisPeers)
      for (const service of services) {
        assert.ok((allowedSources(objects, named(objects, 'StatefulSet', 'redis'), 6379) as Set<string>).has(service), `${service} reaches Redis`)
        assert.ok((allowedSources(objects, named(objects, 'StatefulSet', 'redis-sentinel'), 26379) as Set<string>).has(service), `${service} reaches the Sentinels`)
      }
      assert.equal(allowedSources(objects, named(objects, 'Deployment', 'gateway'), 25565), 'anyone', 'players reach the gateway')
      // Every pod is selected by some policy, so a port nobody listed is closed (default deny).
      for (const workload of workloads(objects)) assert.notEqual(allowedSources(objects, workload, 1), 'unfenced', `${workload.metadata.name} is under a default deny`)
    })

    void test('every Service, PDB and HPA points at real pods and ports', () => {
      const objects = render(overlay)
      for (const service of ofKind(objects, 'Service')) {
        const selector = service.spec.selector as Record<string, string> | undefined
        assert.ok(selector !== undefined && Object.keys(selector).length > 0, `Service ${service.metadata.name}: selector`)
        const targets = workloads(objects).filter((w) => selects({ matchLabels: selector }, podLabels(w)))
        assert.ok(targets.length > 0, `Service ${service.metadata.name} selects no workload's pods`)
        for (const port of service.spec.ports as any[]) {
          const target = port.targetPort ?? port.port
          const exposed = targets.flatMap((w) => w.spec.template.spec.containers.flatMap((c: any) => (c.ports ?? []) as any[]))
          assert.ok(exposed.some((p) => p.name === target || p.containerPort === target), `Service ${service.metadata.name}: targetPort ${String(target)}`)
        }
      }
      for (const pdb of ofKind(objects, 'PodDisruptionBudget')) {
        assert.ok(workloadsSelected(objects, pdb.spec.selector as LabelSelector).length > 0, `PDB ${pdb.metadata.name}`)
      }
      for (const workload of workloads(objects)) {
        assert.ok(selects(workload.spec.selector as LabelSelector, podLabels(workload)), `${workload.metadata.name}: selector matches its own pods`)
        assert.ok(ofKind(objects, 'PodDisruptionBudget').some((p) => selects(p.spec.selector as LabelSelector, podLabels(workload))), `${workload.metadata.name}: has a PDB`)
      }
      for (const hpa of ofKind(objects, 'HorizontalPodAutoscaler')) named(objects, hpa.spec.scaleTargetRef.kind as string, hpa.spec.scaleTargetRef.name as string)
    })

    void test('graceful shutdown: grace periods cover the drain, rollouts surge before they remove', () => {
      const objects = render(overlay)
      const world = named(objects, 'Deployment', 'world-node')
      const gateway = named(objects, 'Deployment', 'gateway')
      assert.ok(world.spec.template.spec.terminationGracePeriodSeconds >= (overlay === 'production' ? 120 : 30), 'world-node drains its regions')
      assert.ok(gateway.spec.template.spec.terminationGracePeriodSeconds >= 30, 'gateway kicks players politely')
      for (const deployment of ofKind(objects, 'Deployment')) {
        assert.equal(deployment.spec.strategy?.rollingUpdate?.maxUnavailable, 0, `${deployment.metadata.name}: maxUnavailable 0`)
      }
      assert.equal(named(objects, 'PodDisruptionBudget', 'world-node').spec.maxUnavailable, 1)
    })
  })
}

void describe('k8s production specifics', { skip: SKIP }, () => {
  void test('replica counts: gateway ≥ 2 (HPA-owned), world-node ≥ 3, auth-service ≥ 2, Redis 3 + 3', () => {
    const objects = render('production')
    assert.ok(replicasOf(objects, 'Deployment', 'gateway') >= 2)
    assert.ok(replicasOf(objects, 'Deployment', 'world-node') >= 3)
    assert.ok(replicasOf(objects, 'Deployment', 'auth-service') >= 2)
    assert.equal(replicasOf(objects, 'StatefulSet', 'redis'), 3)
    assert.equal(replicasOf(objects, 'StatefulSet', 'redis-sentinel'), 3)
    const hpa = named(objects, 'HorizontalPodAutoscaler', 'gateway')
    assert.equal(hpa.spec.metrics[0].resource.name, 'cpu')
    // An apply must not reset an autoscaled gateway fleet (and kick the players of the rest).
    assert.equal(named(objects, 'Deployment', 'gateway').spec.replicas, undefined)
  })

  void test('the gateway Service is a LoadBalancer that keeps client addresses and affinity', () => {
    const service = named(render('production'), 'Service', 'gateway')
    assert.equal(service.spec.type, 'LoadBalancer')
    assert.equal(service.spec.externalTrafficPolicy, 'Local')
    assert.equal(service.spec.sessionAffinity, 'ClientIP')
    assert.ok(service.spec.ports.some((p: any) => p.port === 25565))
  })

  void test('pods spread across nodes; Redis and Sentinel strictly', () => {
    const objects = render('production')
    for (const workload of workloads(objects)) {
      const anti = workload.spec.template.spec.affinity?.podAntiAffinity
      const name = workload.metadata.name
      const terms: any[] = name.startsWith('redis')
        ? anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []
        : (anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((t: any) => t.podAffinityTerm)
      assert.ok(terms.some((t) => t.topologyKey === 'kubernetes.io/hostname' && selects(t.labelSelector as LabelSelector, podLabels(workload))), `${name}: anti-affinity on hostname`)
    }
  })

  void test('local runs one of each without anti-affinity', () => {
    const objects = render('local')
    for (const workload of workloads(objects)) {
      assert.equal(workload.spec.replicas, 1, workload.metadata.name)
      assert.equal(workload.spec.template.spec.affinity, undefined, workload.metadata.name)
    }
  })
})

void test('Dockerfile: node:24-slim, production deps from the lockfile, numeric non-root user', () => {
  const dockerfile = readFileSync(`${ROOT}/Dockerfile`, 'utf8')
  assert.match(dockerfile, /^ARG NODE_IMAGE=node:24-slim$/m)
  assert.match(dockerfile, /npm ci --omit=dev/)
  const user = /^USER (\d+)(?::(\d+))?$/m.exec(dockerfile)
  assert.ok(user !== null && Number(user[1]) > 0, 'USER is a numeric non-root uid')
  const ignore = readFileSync(`${ROOT}/.dockerignore`, 'utf8')
  assert.match(ignore, /node_modules/)
  const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)
  assert.ok(cmd !== null, 'CMD in exec form')
  assert.deepEqual(JSON.parse(cmd[1]!), [...SERVER_NODE_FLAGS, 'gateway/src/main.ts'], 'the default command passes the server flags')
  // Every service the manifests run is copied into the image.
  for (const dir of ['shared', 'gateway', 'world-node', 'auth-service']) assert.match(dockerfile, new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'))
  assert.ok(readdirSync(`${ROOT}/deploy/k8s/overlays`).includes('production'))
})
