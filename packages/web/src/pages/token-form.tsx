import { type FormEvent, useState } from 'react';
import { createToken, type NewToken } from '../api/auth';
import { type CreatedToken, ROLE_NAMES, type RoleName, type TokenType } from '../api/types';
import { useProjects } from '../app/use-kinds';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from '../components/modal';

const EXPIRIES = [
  ['7d', '7 days'],
  ['30d', '30 days'],
  ['90d', '90 days'],
  ['365d', '1 year'],
  ['', 'never'],
] as const;

const TYPE_HELP: Record<TokenType, string> = {
  api: 'REST API and CLI, with the rights of its role (never more than yours).',
  client: 'Server-side flag SDKs (Unleash client API), bound to one project and environment.',
  frontend: 'Browser and mobile flag SDKs (Unleash frontend API), bound to one project and environment.',
};

export function TokenForm({
  myRole,
  defaultProject,
  onCreated,
  onClose,
}: {
  myRole: RoleName;
  defaultProject: string | undefined;
  onCreated(token: CreatedToken): void;
  onClose(): void;
}) {
  const projects = useProjects();
  const [name, setName] = useState('');
  const [type, setType] = useState<TokenType>('api');
  const [role, setRole] = useState<RoleName>(myRole);
  const [expires, setExpires] = useState('30d');
  const [project, setProject] = useState('');
  const [environment, setEnvironment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const bound = type !== 'api';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const body: NewToken = { name, type };
    if (!bound) body.role = role;
    if (expires) body.expires = expires;
    const chosenProject = project || (bound ? (defaultProject ?? '') : '');
    if (chosenProject) body.project = chosenProject;
    if (environment) body.environment = environment;
    try {
      onCreated(await createToken(body));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="New token" onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>Name</span>
          <input
            name="name"
            required
            maxLength={128}
            placeholder="ci-deploy"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <div className="form-grid">
          <label className="field field--narrow">
            <span>Type</span>
            <select name="type" value={type} onChange={(e) => setType(e.target.value as TokenType)}>
              <option value="api">api</option>
              <option value="client">client</option>
              <option value="frontend">frontend</option>
            </select>
          </label>
          {!bound && (
            <label className="field field--narrow">
              <span>Role</span>
              <select name="role" value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
                {ROLE_NAMES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            </label>
          )}
          <label className="field field--narrow">
            <span>Expires</span>
            <select name="expires" value={expires} onChange={(e) => setExpires(e.target.value)}>
              {EXPIRIES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        </div>
        <p className="muted small">{TYPE_HELP[type]}</p>
        <div className="form-grid">
          <label className="field">
            <span>Project {bound ? '' : '(optional)'}</span>
            <select name="project" value={project} onChange={(e) => setProject(e.target.value)}>
              <option value="">{bound ? (defaultProject ?? 'choose') : 'any'}</option>
              {(projects.data ?? []).map((p) => (
                <option key={p.metadata.name}>{p.metadata.name}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Environment {bound ? '' : '(optional)'}</span>
            <input
              name="environment"
              placeholder={bound ? 'dev' : 'any'}
              required={bound}
              value={environment}
              onChange={(e) => setEnvironment(e.target.value)}
            />
          </label>
        </div>
        <ErrorNotice error={error} title="The token was not created" />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
