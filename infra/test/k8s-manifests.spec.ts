import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { K8S_BASE, loadKustomizeBase, type K8sObject } from './manifests';
import { PUBLIC_ROUTES, SERVICES, SERVICE_NAMES, type ServiceName } from './services';

const { kustomization, objects } = loadKustomizeBase();
const ofKind = (kind: string) => objects.filter((o) => o.kind === kind);
const named = (kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);

const httpProbe = z.object({
  httpGet: z.object({ path: z.string(), port: z.union([z.string(), z.number()]) }),
});
const container = z.object({
  name: z.string(),
  image: z.string(),
  ports: z.array(z.object({ name: z.string(), containerPort: z.number().int() })).min(1),
  env: z.array(z.object({ name: z.string() }).loose()),
  envFrom: z.array(z.object({ configMapRef: z.object({ name: z.string() }) })).optional(),
  resources: z.object({
    requests: z.object({ cpu: z.string(), memory: z.string() }),
    limits: z.object({ memory: z.string() }).loose(),
  }),
  startupProbe: httpProbe.loose(),
  livenessProbe: httpProbe.loose(),
  readinessProbe: httpProbe.loose(),
  securityContext: z
    .object({ allowPrivilegeEscalation: z.literal(false), readOnlyRootFilesystem: z.literal(true) })
    .loose(),
});
const deployment = z.object({
  spec: z
    .object({
      replicas: z.number().int().min(2),
      selector: z.object({ matchLabels: z.record(z.string(), z.string()) }),
      template: z.object({
        metadata: z.object({ labels: z.record(z.string(), z.string()) }),
        spec: z
          .object({
            securityContext: z
              .object({ runAsNonRoot: z.literal(true), runAsUser: z.number().int().positive() })
              .loose(),
            containers: z.array(container.loose()).length(1),
          })
          .loose(),
      }),
    })
    .loose(),
});

function deploymentOf(name: ServiceName) {
  const object = named('Deployment', name);
  if (!object) throw new Error(`no Deployment ${name}`);
  return deployment.parse(object);
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests (infra/k8s/base)', () => {
  it('lists only files that exist, and every object has apiVersion, kind and a name', () => {
    for (const file of kustomization.resources) expect(existsSync(join(K8S_BASE, file))).toBe(true);
    for (const o of objects)
      expect(o).toEqual(
        expect.objectContaining({
          apiVersion: expect.any(String),
          kind: expect.any(String),
          metadata: expect.objectContaining({ name: expect.any(String) }),
        }),
      );
  });

  describe.each(SERVICE_NAMES)('%s', (name) => {
    it('has a Deployment with probes on /health/live and /health/ready, resources, a non-root read-only container', () => {
      const [c] = deploymentOf(name).spec.template.spec.containers;
      expect(c.livenessProbe.httpGet.path).toBe('/health/live');
      expect(c.startupProbe.httpGet.path).toBe('/health/live');
      expect(c.readinessProbe.httpGet.path).toBe('/health/ready');
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe])
        expect(c.ports.map((p) => p.name)).toContain(probe.httpGet.port);
    });

    it('runs its compiled entry point with node, no compiler loaded (command: node dist/apps/<service>/main.js)', () => {
      const [c] = deploymentOf(name).spec.template.spec.containers as { command?: string[] }[];
      expect(c.command).toEqual(['node', '--enable-source-maps', `dist/apps/${name}/main.js`]);
      expect(c).not.toHaveProperty('args');
    });

    it("caps V8's heap at half its memory limit, above its idle heap (NODE_OPTIONS)", () => {
      const [c] = deploymentOf(name).spec.template.spec.containers;
      const options = c.env.find((e) => e.name === 'NODE_OPTIONS') as { value?: string };
      const flag = (f: string) =>
        Number(new RegExp(`--${f}=(\\d+)`).exec(options.value ?? '')?.[1]);
      const mebibytes = (q: string) => Number(/^(\d+)Mi$/.exec(q)?.[1]);
      const limit = mebibytes(c.resources.limits.memory);
      expect(flag('max-semi-space-size')).toBe(8);
      expect(flag('max-old-space-size')).toBe(limit / 2);
      // The idle heap of every service is ~50 MB (docs/benchmarks.md): the cap must leave it room.
      expect(flag('max-old-space-size')).toBeGreaterThanOrEqual(128);
      expect(mebibytes(c.resources.requests.memory)).toBeLessThanOrEqual(limit);
    });

    it('listens on its port and gets the environment it needs', () => {
      const [c] = deploymentOf(name).spec.template.spec.containers;
      expect(c.ports[0].containerPort).toBe(SERVICES[name].port);
      const port = c.env.find((e) => e.name === 'PORT') as { value?: string } | undefined;
      expect(port?.value).toBe(String(SERVICES[name].port));
      const configMap = named('ConfigMap', c.envFrom?.[0].configMapRef.name ?? '') as unknown as
        (K8sObject & { data: Record<string, string> }) | undefined;
      expect(configMap).toBeDefined();
      const available = new Set([...c.env.map((e) => e.name), ...Object.keys(configMap!.data)]);
      for (const variable of SERVICES[name].env)
        expect([variable, available.has(variable)]).toEqual([variable, true]);
      expect(c.env.find((e) => e.name === 'REPLICA_ID')).toMatchObject({
        valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
      });
    });

    it('reads secrets from the Secret, required ones from keys it has', () => {
      const [c] = deploymentOf(name).spec.template.spec.containers;
      const secret = named('Secret', 'llmgov-secrets') as unknown as K8sObject & {
        stringData: Record<string, string>;
      };
      for (const entry of c.env as {
        name: string;
        valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
      }[]) {
        const ref = entry.valueFrom?.secretKeyRef;
        if (!ref) continue;
        expect(ref.name).toBe('llmgov-secrets');
        if (!ref.optional) expect(Object.keys(secret.stringData)).toContain(ref.key);
      }
    });

    it('has a Service selecting its pods on a named port, and a PodDisruptionBudget', () => {
      const d = deploymentOf(name);
      const podLabels = d.spec.template.metadata.labels;
      expect(matches(d.spec.selector.matchLabels, podLabels)).toBe(true);
      const service = named('Service', name) as unknown as K8sObject & {
        spec: { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
      };
      expect(matches(service.spec.selector, podLabels)).toBe(true);
      expect(service.spec.ports[0]).toMatchObject({
        port: SERVICES[name].port,
        targetPort: 'http',
      });
      const pdb = named('PodDisruptionBudget', name) as unknown as K8sObject & {
        spec: {
          maxUnavailable?: number;
          minAvailable?: number;
          selector: { matchLabels: Record<string, string> };
        };
      };
      expect(matches(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
      // maxUnavailable keeps node drains possible whatever the replica count.
      expect(pdb.spec.maxUnavailable).toBe(1);
    });
  });

  it('autoscales the gateway Deployment on CPU', () => {
    const [hpa] = ofKind('HorizontalPodAutoscaler') as unknown as (K8sObject & {
      apiVersion: string;
      spec: {
        scaleTargetRef: { kind: string; name: string };
        minReplicas: number;
        maxReplicas: number;
      };
    })[];
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: 'gateway' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
  });

  describe('the example Ingress', () => {
    type Path = {
      path: string;
      pathType: string;
      backend: { service: { name: string; port: { name: string } } };
    };
    const ingress = ofKind('Ingress')[0] as unknown as K8sObject & {
      spec: { rules: { http: { paths: Path[] } }[] };
    };
    const paths = ingress.spec.rules.flatMap((r) => r.http.paths);

    /** ingress-nginx with use-regex: case-insensitive `^path` regex locations, longest path first. */
    const route = (url: string): string | undefined =>
      [...paths]
        .sort((a, b) => b.path.length - a.path.length)
        .find((p) => new RegExp(`^${p.path}`, 'i').test(url))?.backend.service.name;

    it('uses regex paths (ingress-nginx use-regex)', () => {
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
      for (const p of paths) expect(p.pathType).toBe('ImplementationSpecific');
    });

    it.each(PUBLIC_ROUTES)('routes %s to %s', (url, service) => {
      expect(route(url)).toBe(service);
    });

    it('leaves /health and /metrics inside the cluster', () => {
      expect(route('/health/ready')).toBeUndefined();
      expect(route('/metrics')).toBeUndefined();
    });

    it('points every backend at an existing Service port', () => {
      for (const p of paths) {
        const service = named('Service', p.backend.service.name) as unknown as K8sObject & {
          spec: { ports: { name: string }[] };
        };
        expect(service.spec.ports.map((port) => port.name)).toContain(p.backend.service.port.name);
      }
    });
  });
});
