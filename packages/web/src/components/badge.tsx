import type { CSSProperties, ReactNode } from 'react';

export type Tone = 'ok' | 'warn' | 'danger' | 'info' | 'muted' | 'accent';

export function Badge({
  tone = 'muted',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge badge--${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Readable text on any #rrggbb an operator picked. */
function textOn(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const luminance = (0.299 * ((n >> 16) & 255) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255)) / 255;
  return luminance > 0.6 ? '#111' : '#fff';
}

const VALID_COLOR = /^#[0-9a-fA-F]{6}$/;

/** An environment always looks the same everywhere: its name on its own colour. */
export function EnvBadge({ name, color }: { name: string; color?: string | undefined }) {
  const style: CSSProperties | undefined =
    color && VALID_COLOR.test(color)
      ? { background: color, color: textOn(color), borderColor: color }
      : undefined;
  return (
    <span className="env-badge" style={style}>
      {name}
    </span>
  );
}

export function Chip({
  children,
  active,
  onClick,
}: {
  children: ReactNode;
  active?: boolean;
  onClick?: () => void;
}) {
  if (!onClick) return <span className="chip">{children}</span>;
  return (
    <button type="button" className={`chip chip--button${active ? ' chip--active' : ''}`} onClick={onClick}>
      {children}
    </button>
  );
}

const ACTION_TONES: Record<string, Tone> = {
  create: 'ok',
  created: 'ok',
  update: 'info',
  configured: 'info',
  delete: 'danger',
  deleted: 'danger',
  'login-failed': 'warn',
  'token-revoke': 'warn',
  unchanged: 'muted',
};

export function ActionBadge({ action }: { action: string }) {
  return <Badge tone={ACTION_TONES[action] ?? 'muted'}>{action}</Badge>;
}

const ROLE_TONES: Record<string, Tone> = {
  admin: 'danger',
  ops: 'warn',
  dev: 'info',
  viewer: 'muted',
  none: 'muted',
};

export function RoleBadge({ role }: { role: string }) {
  return <Badge tone={ROLE_TONES[role] ?? 'muted'}>{role}</Badge>;
}
