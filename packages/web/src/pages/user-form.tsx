import { type FormEvent, useState } from 'react';
import { createUser, updateUser } from '../api/auth';
import { ROLE_NAMES, type RoleName, type User } from '../api/types';
import { ErrorNotice } from '../components/error-notice';
import { Modal } from '../components/modal';

const splitGroups = (text: string) =>
  text
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);

/** Create (no `user`) or edit one user; a blank password on edit keeps the current one. */
export function UserForm({
  user,
  onDone,
  onClose,
}: {
  user?: User;
  onDone(user: User): void;
  onClose(): void;
}) {
  const [username, setUsername] = useState(user?.username ?? '');
  const [displayName, setDisplayName] = useState(user?.displayName ?? '');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<RoleName>(user?.role ?? 'viewer');
  const [groups, setGroups] = useState(user?.groups.join(', ') ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const saved = user
        ? await updateUser(user.username, {
            role,
            groups: splitGroups(groups),
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
            ...(password ? { password } : {}),
          })
        : await createUser({
            username,
            password,
            role,
            groups: splitGroups(groups),
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
          });
      onDone(saved);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title={user ? `Edit user ${user.username}` : 'New user'} onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <label className="field">
          <span>Username</span>
          <input
            name="username"
            required
            disabled={Boolean(user)}
            pattern="[a-z0-9._\-]{1,63}"
            title="lowercase letters, digits, '.', '_' and '-'"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Display name</span>
          <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </label>
        <label className="field">
          <span>{user ? 'New password (leave blank to keep)' : 'Password'}</span>
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            minLength={8}
            required={!user}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <div className="form-grid">
          <label className="field field--narrow">
            <span>Role</span>
            <select name="role" value={role} onChange={(e) => setRole(e.target.value as RoleName)}>
              {ROLE_NAMES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <label className="field field--wide">
            <span>Groups (comma separated)</span>
            <input
              name="groups"
              placeholder="developers, payments"
              value={groups}
              onChange={(e) => setGroups(e.target.value)}
            />
          </label>
        </div>
        <ErrorNotice error={error} title={user ? 'The user was not changed' : 'The user was not created'} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy}>
            {busy ? 'Saving…' : user ? 'Save' : 'Create user'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
