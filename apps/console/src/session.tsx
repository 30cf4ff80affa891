import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, credential, get } from './api';
import type { Key, Role } from './types';

/**
 * Who is signed in. The credential (an `msh_…` admin key or an admin JWT) lives in
 * sessionStorage only: it is gone when the tab closes, and never written elsewhere.
 * The role comes from the JWT's `role` claim, or from the org's key list (`GET
 * /governance/keys`, any admin role may read it) matched on the key's public prefix.
 */
export interface Session {
  role: Role;
  orgId: string | null;
  label: string;
}

export const canEdit = (s: Session | null) => s?.role === 'owner' || s?.role === 'admin';
export const canDecide = (s: Session | null) => canEdit(s) || s?.role === 'reviewer';

function jwtClaims(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    return JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'))) as Record<
      string,
      unknown
    >;
  } catch {
    return null;
  }
}

/** Checks a credential against the API and works out its role; throws ApiError when refused. */
export async function resolveSession(secret: string): Promise<Session> {
  const claims = jwtClaims(secret);
  if (claims) {
    credential.set(secret);
    await get('/governance/keys');
    return {
      role: claims.role as Role,
      orgId: (claims.org_id as string) ?? null,
      label: String(claims.sub ?? 'JWT'),
    };
  }
  if (!secret.startsWith('msh_'))
    throw new ApiError(400, 'credential', 'Paste an admin key (msh_…) or an admin JWT', [
      { field: 'credential', message: 'expected msh_… or a JWT' },
    ]);
  credential.set(secret);
  const keys = await get<Key[]>('/governance/keys');
  const own = keys.find(
    (k) => k.kind === 'admin' && k.status === 'active' && secret.startsWith(k.prefix),
  );
  if (!own?.role)
    throw new ApiError(
      400,
      'credential',
      'This key is not an admin key of an org (the platform bootstrap key cannot sign in)',
    );
  return { role: own.role, orgId: null, label: `${own.name ?? own.id} (${own.prefix}…)` };
}

interface SessionState {
  session: Session | null;
  checking: boolean;
  signIn(secret: string): Promise<void>;
  signOut(): void;
}

const Ctx = createContext<SessionState | null>(null);

/**
 * Reads a one-time sign-in link (`/console/#key=msh_…`): the fragment never reaches a server,
 * and it is removed from the address bar at once.
 */
function takeLinkCredential(): string | null {
  const match = /[#&]key=([^&]+)/.exec(window.location.hash);
  if (!match) return null;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  return decodeURIComponent(match[1]);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(null);
  const [checking, setChecking] = useState(true);

  useEffect(() => {
    const secret = takeLinkCredential() ?? credential.get();
    if (!secret) {
      setChecking(false);
      return;
    }
    resolveSession(secret)
      .then(setSession)
      .catch(() => credential.clear())
      .finally(() => setChecking(false));
  }, []);

  const value: SessionState = {
    session,
    checking,
    async signIn(secret) {
      try {
        setSession(await resolveSession(secret.trim()));
      } catch (error) {
        credential.clear();
        throw error;
      }
    },
    signOut() {
      credential.clear();
      setSession(null);
    },
  };
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(Ctx);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
