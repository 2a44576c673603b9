import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Pont } from './composition-root.js';
import { systemActor } from './modules/auth/index.js';

const ENVIRONMENTS = [
  { name: 'dev', order: 0, color: '#2e7d32', description: 'Developers deploy here freely.' },
  { name: 'test', order: 1, color: '#1565c0', description: 'Automated and manual tests.' },
  {
    name: 'integration',
    order: 2,
    color: '#6a1b9a',
    description: 'Pre-production with production-like data.',
  },
  {
    name: 'prod',
    order: 3,
    color: '#c62828',
    description: 'Production: changes need an approval.',
    protected: true,
  },
];

/** The demo project a newcomer explores: four environments and local nodes to run jobs on. */
export function demoResources(): unknown[] {
  const docs: unknown[] = [
    {
      apiVersion: 'pont/v1',
      kind: 'Project',
      metadata: { name: 'demo', labels: { example: 'true' } },
      spec: {
        displayName: 'Demo shop',
        description: 'A sample project: environments dev → test → integration → prod.',
      },
    },
  ];
  for (const env of ENVIRONMENTS) {
    const { name, ...spec } = env;
    docs.push({ apiVersion: 'pont/v1', kind: 'Environment', metadata: { project: 'demo', name }, spec });
  }
  for (const env of ENVIRONMENTS) {
    for (const role of ['web', 'app']) {
      docs.push({
        apiVersion: 'pont/v1',
        kind: 'Node',
        metadata: { project: 'demo', name: `${env.name}-${role}-1`, labels: { role } },
        spec: {
          environment: env.name,
          hostname: 'localhost',
          executor: 'local',
          tags: [role, 'local'],
          attributes: { os: 'linux', datacenter: 'local' },
          description: `Local ${role} node of ${env.name} (runs on the pont host)`,
        },
      });
    }
  }
  docs.push(...demoJobs(), demoApp());
  return docs;
}

/** The shop as an App: deploy-app installs it, one node at a time, dev → test automatically. */
export function demoApp(): unknown {
  return {
    apiVersion: 'pont/v1',
    kind: 'App',
    metadata: { project: 'demo', name: 'shop' },
    spec: {
      description: 'The demo shop: a tarball installed by the deploy-app job on the app nodes.',
      deploy: { job: 'deploy-app' },
      artifact: { fileName: 'shop-${version}.tar.gz', keep: 10 },
      rollout: { strategy: 'rolling', batchSize: 1 },
      environments: { test: { autoDeploy: true } },
    },
  };
}

const job = (name: string, spec: Record<string, unknown>) => ({
  apiVersion: 'pont/v1',
  kind: 'Job',
  metadata: { project: 'demo', name },
  spec,
});

/** Real runbooks on the demo's local nodes: each node gets its own folder under /tmp/pont-demo. */
export function demoJobs(): unknown[] {
  return [
    job('deploy-app', {
      description:
        'Copies the shop artifact into a new release folder on the app nodes and switches the `current` link to it.',
      group: 'deploy',
      options: [
        {
          name: 'version',
          label: 'Version',
          description: 'Artifact version (uploaded as shop-VERSION.tar.gz)',
          required: true,
          default: '1.0.0',
          values: ['1.0.0', '1.1.0'],
          regex: '\\d+\\.\\d+\\.\\d+',
        },
        {
          name: 'root',
          label: 'Install root',
          default: '/tmp/pont-demo',
          description: 'Each node installs under ROOT/NODE',
        },
      ],
      nodes: { filter: 'tags: app' },
      dispatch: { threadcount: 2, keepgoing: false },
      concurrency: 'queue',
      steps: [
        {
          id: 'prepare',
          description: 'Create the release folder',
          exec: 'mkdir -p "$PONT_OPTION_ROOT/$PONT_NODE_NAME/releases/$PONT_OPTION_VERSION"',
          shell: true,
        },
        {
          id: 'copy',
          description: 'Copy the artifact (checksum verified)',
          copy: {
            file: 'shop-${option.version}.tar.gz',
            destination: '${option.root}/${node.name}/releases/${option.version}/shop.tar.gz',
            mode: '0644',
          },
        },
        {
          id: 'unpack',
          exec: [
            'tar',
            '-xzf',
            '${option.root}/${node.name}/releases/${option.version}/shop.tar.gz',
            '-C',
            '${option.root}/${node.name}/releases/${option.version}',
          ],
        },
        {
          id: 'switch',
          description: 'Point current at the new release',
          exec: 'ln -sfn "releases/$PONT_OPTION_VERSION" "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current"',
          shell: true,
        },
        {
          id: 'verify',
          exec: 'cat "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current/VERSION" && echo "::output version=$(cat "$PONT_OPTION_ROOT/$PONT_NODE_NAME/current/VERSION")"',
          shell: true,
        },
      ],
    }),
    job('clean-logs', {
      description:
        'Deletes log files older than N days in a folder. Runs every night in dev; dry run by default.',
      group: 'maintenance',
      options: [
        { name: 'folder', label: 'Folder', default: '/tmp/pont-demo/logs', required: true },
        { name: 'days', label: 'Older than (days)', type: 'number', default: 7 },
        { name: 'dry_run', label: 'Dry run (only list)', type: 'boolean', default: true },
      ],
      nodes: { filter: 'tags: web' },
      steps: [
        {
          id: 'list',
          description: 'List old files',
          script: {
            interpreter: 'bash',
            body: 'set -eu\nmkdir -p "$PONT_OPTION_FOLDER"\ncount=$(find "$PONT_OPTION_FOLDER" -type f -mtime +"$PONT_OPTION_DAYS" | tee /dev/stderr | wc -l)\necho "$count file(s) older than $PONT_OPTION_DAYS days"\necho "::output count=$count"\n',
          },
        },
        {
          id: 'delete',
          description: 'Delete them',
          when: "${option.dry_run} == 'false' && ${steps.list.outputs.count} > 0",
          exec: 'find "$PONT_OPTION_FOLDER" -type f -mtime +"$PONT_OPTION_DAYS" -print -delete',
          shell: true,
        },
      ],
      schedules: [
        {
          name: 'nightly',
          cron: '0 3 * * *',
          timezone: 'Europe/Paris',
          environment: 'dev',
          options: { dry_run: false },
        },
      ],
    }),
    job('health-check', {
      description: 'Checks disk, load and an HTTP endpoint on every node of the environment.',
      group: 'maintenance',
      options: [{ name: 'url', label: 'URL to probe', default: 'http://127.0.0.1:8080/healthz' }],
      nodes: { filter: '' },
      dispatch: { threadcount: 4, keepgoing: true },
      strategy: 'node-first',
      steps: [
        { id: 'disk', exec: 'df -h /' },
        { id: 'load', exec: 'cat /proc/loadavg' },
        {
          id: 'http',
          description: 'Probe the URL (3 s timeout)',
          script: {
            interpreter: 'node',
            body: 'const url = process.env.PONT_OPTION_URL;\nfetch(url, { signal: AbortSignal.timeout(3000) })\n  .then((r) => { console.log(`${url} answered ${r.status}`); process.exit(r.ok ? 0 : 1); })\n  .catch((e) => { console.error(`${url}: ${e.message}`); process.exit(1); });\n',
          },
          retry: { count: 2, delay: '1s' },
        },
      ],
    }),
  ];
}

export async function seedDemo(pont: Pont): Promise<boolean> {
  if (await pont.resources.getStored('Project', undefined, 'demo')) return false;
  await pont.resources.apply(systemActor, demoResources());
  for (const version of ['1.0.0', '1.1.0']) {
    // The shop's artifacts: also the files deploy-app's copy step reads (shop-VERSION.tar.gz).
    await pont.deployments.artifacts.push(systemActor, 'demo', 'shop', version, {
      fileName: 'shop.tar.gz',
      body: Readable.from([demoArtifact(version)]),
      labels: { source: 'demo' },
    });
  }
  return true;
}

/** A tiny .tar.gz holding VERSION and index.html, written by hand: no tar binary needed. */
export function demoArtifact(version: string): Buffer {
  const files: Array<[string, string]> = [
    ['VERSION', `${version}\n`],
    ['index.html', `<h1>shop ${version}</h1>\n`],
  ];
  const blocks: Buffer[] = [];
  for (const [name, content] of files) {
    const body = Buffer.from(content);
    const header = Buffer.alloc(512);
    header.write(name, 0);
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(
      `${Math.floor(Date.UTC(2026, 0, 1) / 1000)
        .toString(8)
        .padStart(11, '0')}\0`,
      136,
    );
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
