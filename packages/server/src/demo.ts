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
  return docs;
}

export async function seedDemo(pont: Pont): Promise<boolean> {
  if (await pont.resources.getStored('Project', undefined, 'demo')) return false;
  await pont.resources.apply(systemActor, demoResources());
  return true;
}
