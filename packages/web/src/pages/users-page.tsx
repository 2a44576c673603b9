import { useState } from 'react';
import { deleteUser, listUsers, updateUser } from '../api/auth';
import type { User } from '../api/types';
import { useUser } from '../app/session-context';
import { useToast } from '../app/toast-context';
import { Badge, RoleBadge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { PageHeader } from '../components/page-header';
import { relativeTime } from '../lib/time';
import { useQuery } from '../lib/use-query';
import { UserForm } from './user-form';

export function UsersPage() {
  const me = useUser();
  const toast = useToast();
  const users = useQuery('users', async () => (await listUsers()).items);
  const [editing, setEditing] = useState<User | 'new'>();
  const [deleting, setDeleting] = useState<User>();
  const isAdmin = me.role === 'admin';

  if (isForbidden(users.error)) return <NotAllowed error={users.error} what="users" />;

  const setDisabled = async (user: User, disabled: boolean) => {
    try {
      await updateUser(user.username, { disabled });
      toast.success(`User ${user.username} ${disabled ? 'disabled' : 'enabled'}`);
      await users.reload();
    } catch (error) {
      toast.error(error);
    }
  };

  return (
    <>
      <PageHeader
        title="Users"
        subtitle="People who log in to the console and the CLI."
        actions={
          isAdmin && (
            <button type="button" className="btn btn--primary" onClick={() => setEditing('new')}>
              <Icon name="plus" size={14} /> New user
            </button>
          )
        }
      />
      {!isAdmin && (
        <div className="notice notice--forbidden">
          <Icon name="lock" />
          <div className="notice__body">
            <div className="notice__title">Read only</div>
            Only administrators can create, change or disable users. You are signed in as {me.username} (
            {me.role}).
          </div>
        </div>
      )}
      <ErrorNotice error={users.error} title="Cannot list users" />
      <div className="card">
        <table className="table" aria-label="Users">
          <thead>
            <tr>
              <th>User</th>
              <th>Role</th>
              <th>Groups</th>
              <th>Status</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.loading && <LoadingRow colSpan={6} />}
            {!users.loading && users.data?.length === 0 && <EmptyRow colSpan={6}>No users.</EmptyRow>}
            {(users.data ?? []).map((u) => (
              <tr key={u.id} className={u.disabled ? 'row--disabled' : undefined}>
                <td>
                  <div className="strong">{u.username}</div>
                  {u.displayName !== u.username && <div className="muted small">{u.displayName}</div>}
                </td>
                <td>
                  <RoleBadge role={u.role} />
                </td>
                <td>
                  <div className="chips">
                    {u.groups.map((g) => (
                      <span key={g} className="chip">
                        {g}
                      </span>
                    ))}
                  </div>
                </td>
                <td>{u.disabled ? <Badge tone="warn">disabled</Badge> : <Badge tone="ok">active</Badge>}</td>
                <td className="muted small" title={u.createdAt}>
                  {relativeTime(u.createdAt)}
                </td>
                <td className="actions">
                  {isAdmin && (
                    <>
                      <button
                        type="button"
                        className="btn btn--ghost btn--small"
                        onClick={() => setEditing(u)}
                      >
                        <Icon name="edit" size={13} /> Edit
                      </button>
                      {u.username !== me.username && (
                        <button
                          type="button"
                          className="btn btn--ghost btn--small"
                          onClick={() => void setDisabled(u, !u.disabled)}
                        >
                          {u.disabled ? 'Enable' : 'Disable'}
                        </button>
                      )}
                      {u.username !== me.username && (
                        <button
                          type="button"
                          className="btn btn--ghost btn--small btn--danger-text"
                          aria-label={`Delete ${u.username}`}
                          onClick={() => setDeleting(u)}
                        >
                          <Icon name="trash" size={13} />
                        </button>
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing && (
        <UserForm
          {...(editing === 'new' ? {} : { user: editing })}
          onClose={() => setEditing(undefined)}
          onDone={(user) => {
            toast.success(`User ${user.username} ${editing === 'new' ? 'created' : 'saved'}`);
            setEditing(undefined);
            void users.reload();
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete user ${deleting.username}?`}
          onClose={() => setDeleting(undefined)}
          onConfirm={async () => {
            await deleteUser(deleting.username);
            toast.success(`User ${deleting.username} deleted`);
            await users.reload();
          }}
        >
          Their sessions end at once. To keep the account for later, disable it instead.
        </ConfirmDialog>
      )}
    </>
  );
}
