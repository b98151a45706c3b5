import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CONFIG_ENV_VARIABLES, configSchema } from '../../src/config.js';
import { HEALTH_PATH, READY_PATH } from '../../src/server/probes.js';
import { startRuntime } from '../helpers/start-script.js';

// No Docker engine or cluster runs here, so the image and manifests are checked for what can go
// wrong without one: they parse, every variable they set is a setting the service reads, probe
// paths and ports agree with the code and with each other, the image runs what `npm start`
// runs, and its last stage holds no dev dependency and no root user.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');

type Node = Record<string, unknown>;

/** The value at `path` under `value`, or undefined. */
function dig(value: unknown, ...path: (string | number)[]): unknown {
  let at = value;
  for (const key of path) {
    at =
      typeof at === 'object' && at !== null
        ? (at as Record<string | number, unknown>)[key]
        : undefined;
  }
  return at;
}

/** Every YAML document of a file (merge keys applied, as compose does), failing on any error. */
function documents(path: string): Node[] {
  return parseAllDocuments(read(path), { merge: true }).map((document) => {
    expect(document.errors, path).toEqual([]);
    return document.toJS() as Node;
  });
}

const manifests = readdirSync(`${ROOT}deploy/k8s`)
  .filter((name) => name.endsWith('.yaml'))
  .flatMap((name) => documents(`deploy/k8s/${name}`));
const ofKind = (kind: string, name = 'video-rooms-graphql'): Node => {
  const found = manifests.find(
    (manifest) => manifest.kind === kind && dig(manifest, 'metadata', 'name') === name,
  );
  if (!found) {
    throw new Error(`no ${kind} ${name} in deploy/k8s`);
  }
  return found;
};

/** A Dockerfile's stages: each a list of [instruction, arguments], continuations joined. */
function dockerStages(text: string): [string, string][][] {
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line): [string, string] => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return [keyword.toUpperCase(), rest.join(' ')];
    });
  const stages: [string, string][][] = [];
  for (const instruction of instructions) {
    if (instruction[0] === 'FROM') {
      stages.push([]);
    }
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const runtime = startRuntime(ROOT);
const deployment = ofKind('Deployment');
const podSpec = dig(deployment, 'spec', 'template', 'spec') as Node;
const container = dig(podSpec, 'containers', 0) as Node;
const configMap = ofKind('ConfigMap').data as Record<string, string>;

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const final = stages.at(-1) ?? [];
  const args = (keyword: string) =>
    final.filter(([instruction]) => instruction === keyword).map(([, rest]) => rest);

  it('starts the compiled service with the flags and environment of npm start', () => {
    expect(JSON.parse(args('CMD').at(-1) ?? 'null')).toEqual([
      'node',
      ...runtime.nodeFlags,
      runtime.script,
    ]);
    for (const [name, value] of Object.entries(runtime.env)) {
      expect(args('ENV')).toContain(`${name}=${value}`);
    }
  });

  it('installs no dev dependency in the last stage and runs it as a user other than root', () => {
    const installs = args('RUN').filter((command) => /\bnpm (ci|install)\b/.test(command));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain('npm ci --omit=dev');
    expect(args('COPY')).toContain('--from=build /app/dist ./dist');
    expect(args('COPY').some((source) => /\bsrc\b/.test(source))).toBe(false);
    const user = args('USER').at(-1);
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('checks its health on the liveness path and exposes the port the service listens on', () => {
    expect(args('HEALTHCHECK').join(' ')).toContain(HEALTH_PATH);
    expect(args('EXPOSE')).toEqual([configMap.PORT]);
  });
});

describe('Kubernetes manifests', () => {
  it('set only environment variables the service reads', () => {
    const set = [
      ...Object.keys(configMap),
      ...((container.env as Node[] | undefined) ?? []).map((entry) => String(entry.name)),
    ];
    expect(set.filter((name) => !CONFIG_ENV_VARIABLES.has(name))).toEqual([]);
  });

  it('keep credentials in a Secret mounted where CONFIG_FILE points, holding a valid config', () => {
    const secret = ofKind('Secret').stringData as Record<string, string>;
    expect(Object.values(configMap).join(' ')).not.toMatch(/apiToken|secret/i);
    const mount = dig(container, 'volumeMounts', 0) as Node;
    const volume = (podSpec.volumes as Node[]).find((entry) => entry.name === mount.name);
    expect(dig(volume, 'secret', 'secretName')).toBe('video-rooms-graphql');
    const file = String(configMap.CONFIG_FILE).replace(`${mount.mountPath}/`, '');
    expect(Object.keys(secret)).toEqual([file]);
    expect(() => configSchema.parse(JSON.parse(secret[file] ?? ''))).not.toThrow();
  });

  it('probe the paths the service answers, on the port it listens on', () => {
    expect(dig(container, 'livenessProbe', 'httpGet')).toEqual({ path: HEALTH_PATH, port: 'http' });
    expect(dig(container, 'readinessProbe', 'httpGet')).toEqual({ path: READY_PATH, port: 'http' });
    expect(container.ports).toEqual([{ name: 'http', containerPort: Number(configMap.PORT) }]);
    expect(dig(ofKind('Service'), 'spec', 'ports', 0, 'targetPort')).toBe('http');
  });

  it('give the drain its time: grace period above preStop sleep plus drain timeout', () => {
    const [command, seconds] = dig(
      container,
      'lifecycle',
      'preStop',
      'exec',
      'command',
    ) as string[];
    expect(command).toBe('sleep');
    const drainSeconds = Number(configMap.DRAIN_TIMEOUT_MS) / 1000;
    expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + drainSeconds);
  });

  it('request and limit resources, and select the Deployment from its Service, PDB and HPA', () => {
    expect(Object.keys(dig(container, 'resources', 'requests') as Node)).toEqual(['cpu', 'memory']);
    expect(dig(container, 'resources', 'limits', 'memory')).toBeDefined();
    const labels = dig(deployment, 'spec', 'template', 'metadata', 'labels');
    expect(dig(ofKind('Service'), 'spec', 'selector')).toEqual(labels);
    expect(dig(ofKind('PodDisruptionBudget'), 'spec', 'selector', 'matchLabels')).toEqual(labels);
    const autoscaler = ofKind('HorizontalPodAutoscaler');
    expect(dig(autoscaler, 'spec', 'scaleTargetRef', 'name')).toBe(
      dig(deployment, 'metadata', 'name'),
    );
    expect(dig(autoscaler, 'spec', 'minReplicas')).toBeGreaterThanOrEqual(2);
  });

  it('point REDIS_URL at the Redis Service', () => {
    const port = dig(ofKind('Service', 'video-rooms-redis'), 'spec', 'ports', 0, 'port');
    expect(configMap.REDIS_URL).toBe(`redis://video-rooms-redis:${port}`);
  });
});

describe('compose.yaml', () => {
  const [compose] = documents('compose.yaml');
  const services = (compose?.services ?? {}) as Record<string, Node>;
  const instances = Object.entries(services).filter(([, service]) => service.build === '.');

  it('runs two instances of the image on one Redis, with the emulators beside them', () => {
    expect(instances.map(([name]) => name)).toEqual(['api-1', 'api-2']);
    expect(dig(services, 'emulators', 'build', 'target')).toBe('emulators');
    for (const [, instance] of instances) {
      const environment = instance.environment as Record<string, string>;
      expect(environment.REDIS_URL).toMatch(/^redis:\/\/redis:/);
      expect(Object.keys(environment).filter((name) => !CONFIG_ENV_VARIABLES.has(name))).toEqual(
        [],
      );
      expect(instance.ports).toEqual([expect.stringMatching(new RegExp(`:${configMap.PORT}$`))]);
    }
  });
});
