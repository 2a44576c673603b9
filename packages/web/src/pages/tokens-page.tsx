import { useState } from 'react';
import { listTokens, revokeToken } from '../api/auth';
import type { ApiToken, CreatedToken } from '../api/types';
import { useUser } from '../app/session-context';
import { useToast } from '../app/toast-context';
import { rememberedProject } from '../app/use-project';
import { Badge, RoleBadge } from '../components/badge';
import { ConfirmDialog } from '../components/confirm-dialog';
import { CopyButton } from '../components/copy-button';
import { EmptyRow, LoadingRow } from '../components/delayed';
import { ErrorNotice, isForbidden, NotAllowed } from '../components/error-notice';
import { Icon } from '../components/icon';
import { Modal } from '../components/modal';
import { PageHeader } from '../components/page-header';
import { formatTime, relativeTime } from '../lib/time';
import { useQuery } from '../lib/use-query';
import { TokenForm } from './token-form';

function stateOf(token: ApiToken, now: number) {
  if (token.revokedAt) return <Badge tone="danger">revoked</Badge>;
  if (token.expiresAt && new Date(token.expiresAt).getTime() < now) return <Badge tone="warn">expired</Badge>;
  return <Badge tone="ok">active</Badge>;
}

export function TokensPage() {
  const me = useUser();
  const toast = useToast();
  const tokens = useQuery('tokens', async () => (await listTokens()).items);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<CreatedToken>();
  const [revoking, setRevoking] = useState<ApiToken>();
  const now = Date.now();

  if (isForbidden(tokens.error)) return <NotAllowed error={tokens.error} what="tokens" />;

  return (
    <>
      <PageHeader
        title="Tokens"
        subtitle={
          me.role === 'admin'
            ? 'Every token of every user. A token never has more rights than its owner.'
            : 'Your tokens, for the CLI, CI and SDKs.'
        }
        actions={
          <button type="button" className="btn btn--primary" onClick={() => setCreating(true)}>
            <Icon name="plus" size={14} /> New token
          </button>
        }
      />
      <ErrorNotice error={tokens.error} title="Cannot list tokens" />
      <div className="card">
        <table className="table" aria-label="Tokens">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Role</th>
              <th>Owner</th>
              <th>Scope</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.loading && <LoadingRow colSpan={10} />}
            {!tokens.loading && tokens.data?.length === 0 && <EmptyRow colSpan={10}>No tokens yet.</EmptyRow>}
            {(tokens.data ?? []).map((t) => (
              <tr key={t.id} className={t.revokedAt ? 'row--disabled' : undefined}>
                <td className="strong">{t.name}</td>
                <td>
                  <Badge tone={t.type === 'api' ? 'accent' : 'info'}>{t.type}</Badge>
                </td>
                <td>
                  <RoleBadge role={t.role} />
                </td>
                <td>{t.owner}</td>
                <td className="small">
                  {t.project || t.environment ? (
                    <>
                      {t.project ?? '*'} / {t.environment ?? '*'}
                    </>
                  ) : (
                    <span className="muted">any</span>
                  )}
                </td>
                <td className="muted small" title={formatTime(t.createdAt)}>
                  {relativeTime(t.createdAt, now)}
                </td>
                <td className="muted small" title={formatTime(t.expiresAt)}>
                  {t.expiresAt ? relativeTime(t.expiresAt, now) : 'never'}
                </td>
                <td className="muted small" title={formatTime(t.lastUsedAt)}>
                  {t.lastUsedAt ? relativeTime(t.lastUsedAt, now) : 'never'}
                </td>
                <td>{stateOf(t, now)}</td>
                <td className="actions">
                  {!t.revokedAt && (
                    <button
                      type="button"
                      className="btn btn--ghost btn--small btn--danger-text"
                      onClick={() => setRevoking(t)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {creating && (
        <TokenForm
          myRole={me.role}
          defaultProject={rememberedProject()}
          onClose={() => setCreating(false)}
          onCreated={(token) => {
            setCreating(false);
            setCreated(token);
            void tokens.reload();
          }}
        />
      )}
      {created && (
        <Modal title={`Token ${created.name} created`} onClose={() => setCreated(undefined)}>
          <div className="notice notice--warn">
            <Icon name="alert" />
            <div className="notice__body">
              Copy it now: this is the only time pont shows it. Only a hash is stored.
            </div>
          </div>
          <div className="secret-value">
            <code data-testid="new-token">{created.token}</code>
            <CopyButton text={created.token} />
          </div>
          <p className="muted small">
            Tools send it as <code>Authorization: Bearer &lt;token&gt;</code>.
          </p>
          <div className="form-actions">
            <button type="button" className="btn btn--primary" onClick={() => setCreated(undefined)}>
              Done
            </button>
          </div>
        </Modal>
      )}
      {revoking && (
        <ConfirmDialog
          title={`Revoke token ${revoking.name}?`}
          confirmLabel="Revoke"
          onClose={() => setRevoking(undefined)}
          onConfirm={async () => {
            await revokeToken(revoking.id);
            toast.success(`Token ${revoking.name} revoked`);
            await tokens.reload();
          }}
        >
          Anything using this token (CI, scripts, SDKs) is refused from now on. This cannot be undone.
        </ConfirmDialog>
      )}
    </>
  );
}
