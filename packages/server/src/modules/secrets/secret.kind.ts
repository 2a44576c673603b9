import { Type } from '@sinclair/typebox';
import type { KindDefinition } from '../resources/kind-registry.js';
import type { Resource } from '../resources/resource.js';
import type { SecretBox } from './secret-box.js';

export interface StoredSecretSpec {
  type?: string;
  description?: string;
  /** key → sealed value */
  data?: Record<string, string>;
  /** key → keyed digest of the plaintext */
  digests?: Record<string, string>;
}

/**
 * Secret values are write-only: they are sealed before storage and no reader ever sees them; the
 * presented form lists the keys only. Applying a Secret without `data` keeps the stored values.
 */
export function secretKind(box: SecretBox): KindDefinition {
  return {
    kind: 'Secret',
    plural: 'secrets',
    scope: 'project',
    description: 'A write-only value (SSH key, password, token) used by nodes and jobs.',
    spec: Type.Object(
      {
        type: Type.Optional(
          Type.Union([
            Type.Literal('opaque'),
            Type.Literal('ssh-key'),
            Type.Literal('password'),
            Type.Literal('token'),
          ]),
        ),
        description: Type.Optional(Type.String({ maxLength: 1000 })),
        data: Type.Optional(
          Type.Record(
            Type.String({ pattern: '^[A-Za-z0-9_.-]+$', maxLength: 128 }),
            Type.String({ maxLength: 65536 }),
            {
              description: 'key → value; values are write-only, never returned',
            },
          ),
        ),
      },
      { additionalProperties: false },
    ),
    redactPaths: /^spec\.(data|digests)\b/,
    toStored(incoming, previous) {
      const spec = incoming.spec as { type?: string; description?: string; data?: Record<string, string> };
      const prev = previous?.spec as StoredSecretSpec | undefined;
      const stored: StoredSecretSpec = {};
      if (spec.type) stored.type = spec.type;
      if (spec.description) stored.description = spec.description;
      if (spec.data === undefined) {
        if (prev?.data) stored.data = prev.data;
        if (prev?.digests) stored.digests = prev.digests;
      } else {
        stored.data = {};
        stored.digests = {};
        for (const [key, value] of Object.entries(spec.data)) {
          const digest = box.digest(value);
          // Re-sealing an unchanged value would change the ciphertext and look like a change.
          const kept = prev?.digests?.[key] === digest ? prev.data?.[key] : undefined;
          stored.data[key] = kept ?? box.seal(value);
          stored.digests[key] = digest;
        }
      }
      return { ...incoming, spec: stored as Record<string, unknown> };
    },
    present(stored): Resource {
      const spec = stored.spec as StoredSecretSpec;
      const presented: Record<string, unknown> = {};
      if (spec.type) presented.type = spec.type;
      if (spec.description) presented.description = spec.description;
      const keys = Object.keys(spec.data ?? {}).sort();
      return {
        ...stored,
        spec: presented,
        status: { ...(stored.status ?? {}), keys },
      };
    },
  };
}
