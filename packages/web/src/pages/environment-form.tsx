import { type FormEvent, useState } from 'react';
import { putResource } from '../api/resources';
import type { EnvironmentSpec, Resource } from '../api/types';
import { ENVIRONMENT_KIND } from '../app/use-resources';
import { ErrorNotice } from '../components/error-notice';

const NAME_PATTERN = '[a-z0-9]([\\-a-z0-9]*[a-z0-9])?';

/**
 * A form for the common case; it writes the same full resource a YAML file would, so what it
 * creates can be exported, reviewed and re-applied.
 */
export function EnvironmentForm({
  project,
  nextOrder,
  onCreated,
  onCancel,
}: {
  project: string;
  nextOrder: number;
  onCreated(resource: Resource<EnvironmentSpec>): void;
  onCancel(): void;
}) {
  const [name, setName] = useState('');
  const [order, setOrder] = useState(String(nextOrder));
  const [isProtected, setProtected] = useState(false);
  const [color, setColor] = useState('#607d8b');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const spec: EnvironmentSpec = { order: Number(order), color };
    if (isProtected) spec.protected = true;
    if (description.trim()) spec.description = description.trim();
    try {
      const created = await putResource(ENVIRONMENT_KIND, {
        apiVersion: 'pont/v1',
        kind: 'Environment',
        metadata: { project, name },
        spec: spec as unknown as Record<string, unknown>,
      });
      onCreated(created as unknown as Resource<EnvironmentSpec>);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card form-card" onSubmit={submit} aria-label="New environment">
      <h2 className="card__title">New environment</h2>
      <div className="form-grid">
        <label className="field">
          <span>Name</span>
          <input
            name="name"
            required
            pattern={NAME_PATTERN}
            maxLength={63}
            placeholder="staging"
            title="lowercase letters, digits and -"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label className="field field--narrow">
          <span>Order</span>
          <input
            name="order"
            type="number"
            min={0}
            step={1}
            required
            value={order}
            onChange={(e) => setOrder(e.target.value)}
          />
        </label>
        <label className="field field--narrow">
          <span>Colour</span>
          <span className="color-input">
            <input
              type="color"
              aria-label="Colour"
              value={color}
              onChange={(e) => setColor(e.target.value)}
            />
            <code>{color}</code>
          </span>
        </label>
        <label className="field field--check">
          <input
            name="protected"
            type="checkbox"
            checked={isProtected}
            onChange={(e) => setProtected(e.target.checked)}
          />
          <span>Protected: runs and changes need an approval</span>
        </label>
        <label className="field field--wide">
          <span>Description</span>
          <input
            name="description"
            maxLength={2000}
            placeholder="What this stage is for"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
      </div>
      <ErrorNotice error={error} title="The environment was not created" />
      <div className="form-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create environment'}
        </button>
      </div>
    </form>
  );
}
