import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { logout, whoami } from '../api/auth';
import { ApiError, onUnauthenticated } from '../api/client';
import type { WhoAmI } from '../api/types';
import { clearQueryCache } from '../lib/use-query';

interface SessionValue {
  user: WhoAmI | null;
  /** "checking" until the first whoami answers, so a reload does not flash the login page. */
  status: 'checking' | 'ready';
  refresh(): Promise<WhoAmI | null>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<WhoAmI | null>(null);
  const [status, setStatus] = useState<'checking' | 'ready'>('checking');

  const refresh = useCallback(async () => {
    try {
      const me = await whoami();
      setUser(me);
      return me;
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      setUser(null);
      return null;
    } finally {
      setStatus('ready');
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setStatus('ready'));
    return onUnauthenticated(() => {
      clearQueryCache();
      setUser(null);
    });
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      clearQueryCache();
      setUser(null);
    }
  }, []);

  const value = useMemo(() => ({ user, status, refresh, signOut }), [user, status, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user; only for components rendered under RequireSession. */
export function useUser(): WhoAmI {
  const { user } = useSession();
  if (!user) throw new Error('useUser without a session');
  return user;
}

export function RequireSession({ children }: { children: ReactNode }) {
  const { user, status } = useSession();
  const location = useLocation();
  if (status === 'checking') return null;
  if (!user) {
    const next = location.pathname + location.search;
    return (
      <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />
    );
  }
  return children;
}
