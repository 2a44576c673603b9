import type { TSchema } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import type { ErrorDetail } from '../../errors/index.js';

export type Validate = (value: unknown) => ErrorDetail[];

// ajv-formats is CommonJS with `exports.default`; under NodeNext its function sits at `.default`.
const addFormats = (ajvFormats as unknown as { default: (a: Ajv) => Ajv }).default;
const strictAjv = addFormats(new Ajv({ allErrors: true, strict: false, verbose: true }));
/** Query strings and path parameters arrive as text: `limit=10` must validate as a number. */
const coercingAjv = addFormats(new Ajv({ allErrors: true, strict: false, verbose: true, coerceTypes: true }));

/** Compiles a JSON Schema into a function that returns precise, user-facing details (empty when valid). */
export function compileValidator(schema: TSchema, options: { coerce?: boolean } = {}): Validate {
  const cache = options.coerce ? coercingCache : strictCache;
  const known = cache.get(schema);
  if (known) return known;
  // Compiling is the costliest part of start-up, so each schema compiles on first use.
  let compiled: ValidateFunction | undefined;
  const validate: Validate = (value) => {
    if (!compiled) {
      const { $id: _id, ...rest } = schema as TSchema & { $id?: string };
      compiled = (options.coerce ? coercingAjv : strictAjv).compile(rest);
    }
    if (compiled(value)) return [];
    return simplify(compiled.errors ?? []).map(toDetail);
  };
  cache.set(schema, validate);
  return validate;
}

const strictCache = new WeakMap<object, Validate>();
const coercingCache = new WeakMap<object, Validate>();

/** `/spec/steps/2/exec` → `spec.steps[2].exec` */
export function pointerToPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * anyOf/oneOf produce one error per branch; a user wants to hear about the branch they meant.
 * Keep the errors of the deepest paths and drop the `must match a schema in anyOf` summaries.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const concrete = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf' && e.keyword !== 'if');
  const seen = new Set<string>();
  return (concrete.length > 0 ? concrete : errors).filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toDetail(error: ErrorObject): ErrorDetail {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      return {
        path: join(path, field),
        message: `unknown field "${field}"`,
        expected: 'no such field; check its spelling',
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return { path: join(path, field), message: `missing required field "${field}"` };
    }
    case 'type':
      return { path, message: `expected ${String(params.type)}`, expected: String(params.type) };
    case 'pattern': {
      const description = (error.parentSchema as { description?: string } | undefined)?.description;
      return {
        path,
        message: description
          ? `invalid value: must be ${description}`
          : `must match ${String(params.pattern)}`,
        expected: description ?? String(params.pattern),
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return { path, message: `expected one of ${allowed}`, expected: allowed };
    }
    case 'const':
      return {
        path,
        message: `expected ${JSON.stringify(params.allowedValue)}`,
        expected: JSON.stringify(params.allowedValue),
      };
    default:
      return { path, message: error.message ?? 'invalid value' };
  }
}
