import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { api, setUnauthenticatedHandler, storeToken, storedToken } from './api/client';
import type { User } from './api/types';

interface SessionState {
  /** The signed-in admin; null when signed out, undefined while the stored session is checked. */
  user: User | null | undefined;
  /** Why the last session ended, shown on the sign-in page. */
  endedBecause: string | null;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

/** Holds the admin's session: the token in sessionStorage, the user from /auth/me. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(storedToken() ? undefined : null);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      storeToken(null);
      setUser(null);
      setEndedBecause('Your session has ended. Sign in again.');
    });
    if (storedToken()) {
      api<{ user: User }>('/api/v1/auth/me')
        .then((me) => setUser(me.user))
        .catch(() => setUser(null));
    }
    return () => setUnauthenticatedHandler(undefined);
  }, []);

  const signIn = useCallback(async (username: string, password: string) => {
    const session = await api<{ token: string; user: User }>('/api/v1/auth/login', {
      method: 'POST',
      body: { username, password },
    });
    storeToken(session.token);
    setEndedBecause(null);
    setUser(session.user);
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST' });
    } finally {
      storeToken(null);
      setUser(null);
    }
  }, []);

  const value = useMemo(
    () => ({ user, endedBecause, signIn, signOut }),
    [user, endedBecause, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
