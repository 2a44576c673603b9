import { badRequest } from '../../errors/index.js';

export type LabelRequirement =
  | { op: 'eq'; key: string; value: string }
  | { op: 'neq'; key: string; value: string }
  | { op: 'exists'; key: string }
  | { op: 'absent'; key: string }
  | { op: 'in'; key: string; values: string[] }
  | { op: 'notin'; key: string; values: string[] };

/**
 * Kubernetes label selector syntax: `team=payments,tier!=db,canary,!legacy,env in (dev,test)`.
 */
export function parseLabelSelector(text: string | undefined): LabelRequirement[] {
  if (!text?.trim()) return [];
  const parts = text.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return parts.map((raw) => {
    const part = raw.trim().replace(/^,/, '').trim();
    let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = (m[3] ?? '')
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean);
      return { op: m[2] === 'in' ? 'in' : 'notin', key: m[1] ?? '', values };
    }
    m = /^([\w./-]+)\s*(!=|==|=)\s*([\w./-]*)$/.exec(part);
    if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1] ?? '', value: m[3] ?? '' };
    m = /^(!?)([\w./-]+)$/.exec(part);
    if (m) return m[1] ? { op: 'absent', key: m[2] ?? '' } : { op: 'exists', key: m[2] ?? '' };
    throw badRequest(`invalid label selector "${part}"`, [
      { path: 'labelSelector', message: 'expected key=value, key!=value, key, !key, or key in (a,b)' },
    ]);
  });
}

export function matchesLabels(requirements: LabelRequirement[], labels: Record<string, string>): boolean {
  return requirements.every((r) => {
    const value = labels[r.key];
    switch (r.op) {
      case 'eq':
        return value === r.value;
      case 'neq':
        return value !== r.value;
      case 'exists':
        return value !== undefined;
      case 'absent':
        return value === undefined;
      case 'in':
        return value !== undefined && r.values.includes(value);
      case 'notin':
        return value === undefined || !r.values.includes(value);
      default:
        return false;
    }
  });
}
