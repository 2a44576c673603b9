import type { Locator, Path } from './rundeck-types.js';

/** Reads a map while remembering which keys were used, so the rest can be reported. */
export class Fields {
  private readonly used = new Set<string>();
  constructor(
    readonly map: Record<string, unknown>,
    readonly path: Path,
    private readonly at: Locator,
  ) {}

  has(key: string): boolean {
    return this.map[key] !== undefined && this.map[key] !== null;
  }

  raw(key: string): unknown {
    this.used.add(key);
    return this.map[key];
  }

  ignore(...keys: string[]): void {
    for (const key of keys) this.used.add(key);
  }

  str(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return this.at.fail(
      [...this.path, key],
      `expected text, got ${Array.isArray(value) ? 'a list' : 'a map'}`,
    );
  }

  /** Text that is absent when blank. */
  text(key: string): string | undefined {
    const value = this.str(key);
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  bool(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return fallback;
    if (typeof value === 'boolean') return value;
    return String(value).trim().toLowerCase() === 'true';
  }

  optBool(key: string): boolean | undefined {
    return this.has(key) ? this.bool(key, false) : undefined;
  }

  fields(key: string): Fields | undefined {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return undefined;
    if (!isMap(value)) return this.at.fail([...this.path, key], 'expected a map');
    return new Fields(value, [...this.path, key], this.at);
  }

  /** A list, or a single value standing for a list of one (XML elements that appear once). */
  list(key: string): unknown[] {
    const value = this.raw(key);
    if (value === undefined || value === null || value === '') return [];
    return Array.isArray(value) ? value : [value];
  }

  fail(path: Path, message: string): never {
    return this.at.fail(path, message);
  }

  child(value: unknown, path: Path, what: string): Fields {
    if (!isMap(value)) return this.at.fail(path, `expected ${what} to be a map`);
    return new Fields(value, path, this.at);
  }

  unknown(): string[] {
    return (
      Object.keys(this.map)
        .filter((k) => !this.used.has(k) && this.map[k] !== undefined)
        // Paths start with the job's index in the file; reports name fields within the job.
        .map((k) => render([...this.path.slice(1), k]))
    );
  }
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `sequence.commands[2].exec` */
export function render(path: Path): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}
