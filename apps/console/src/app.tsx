import { lazy, Suspense, useState } from 'react';
import {
  AppShell,
  Badge,
  Button,
  Center,
  Group,
  Loader,
  NavLink,
  PasswordInput,
  Paper,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { fieldError } from './ui';
import { useSession } from './session';
import { ApiError } from './api';

const pages = {
  overview: lazy(() => import('./pages/overview')),
  settings: lazy(() => import('./pages/settings')),
  policies: lazy(() => import('./pages/policies')),
  approvals: lazy(() => import('./pages/approvals')),
  agents: lazy(() => import('./pages/agents')),
  spend: lazy(() => import('./pages/spend')),
  audit: lazy(() => import('./pages/audit')),
  explain: lazy(() => import('./pages/explain')),
  compliance: lazy(() => import('./pages/compliance')),
};

const NAV: { path: keyof typeof pages; label: string }[] = [
  { path: 'overview', label: 'Overview' },
  { path: 'approvals', label: 'Approval queue' },
  { path: 'settings', label: 'Settings → Governance' },
  { path: 'policies', label: 'Policies' },
  { path: 'agents', label: 'Agents and keys' },
  { path: 'spend', label: 'Spend' },
  { path: 'audit', label: 'Audit' },
  { path: 'explain', label: 'Explain' },
  { path: 'compliance', label: 'Compliance' },
];

export function App() {
  const { session, checking, signOut } = useSession();
  const location = useLocation();
  const client = useQueryClient();
  if (checking) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label="Signing in" />
      </Center>
    );
  }
  if (!session) return <SignIn />;
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 240, breakpoint: 0 }} padding="lg">
      <AppShell.Header px="lg">
        <Group h="100%" justify="space-between">
          <Text fw={700}>LLM governance console</Text>
          <Group gap="sm">
            <Text size="sm">{session.label}</Text>
            <Badge variant="light">{session.role}</Badge>
            <Button
              size="xs"
              variant="default"
              onClick={() => {
                client.clear();
                signOut();
              }}
            >
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm" component="nav" aria-label="Console pages">
        {NAV.map((n) => (
          <NavLink
            key={n.path}
            component={Link}
            to={`/${n.path}`}
            label={n.label}
            active={location.pathname.startsWith(`/${n.path}`)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <Suspense fallback={<Loader size="sm" role="status" aria-label="Loading page" />}>
          <Routes>
            <Route path="/" element={<Navigate to="/overview" replace />} />
            {NAV.map((n) => {
              const PageComponent = pages[n.path];
              return <Route key={n.path} path={`/${n.path}/*`} element={<PageComponent />} />;
            })}
            <Route path="*" element={<Text>Page not found.</Text>} />
          </Routes>
        </Suspense>
      </AppShell.Main>
    </AppShell>
  );
}

function SignIn() {
  const { signIn } = useSession();
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await signIn(secret);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const message =
    fieldError(error, 'credential') ??
    (error instanceof ApiError ? error.message : error ? String(error) : undefined);
  return (
    <main>
      <Center h="100vh">
        <Paper withBorder p="xl" w={480}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void submit();
            }}
          >
            <Stack>
              <Title order={1} size="h3">
                Sign in to the governance console
              </Title>
              <Text size="sm" c="dimmed">
                Paste an admin key (msh_…) or an admin JWT. It is kept in this tab&apos;s session
                storage only.
              </Text>
              <PasswordInput
                label="Admin key or JWT"
                value={secret}
                onChange={(e) => setSecret(e.currentTarget.value)}
                error={message}
                autoFocus
              />
              <Button type="submit" loading={busy} disabled={!secret.trim()}>
                Sign in
              </Button>
            </Stack>
          </form>
        </Paper>
      </Center>
    </main>
  );
}
