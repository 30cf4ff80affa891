import { lazy, Suspense, useEffect } from 'react';
import {
  Badge,
  Card,
  Group,
  Loader,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import type { Approval, AuditEntry, BudgetStatus, PolicyVersion } from '../types';
import { Page, QueryView, TableHead, usd, when } from '../ui';

/** The chart library loads after the headline figures have painted. */
const TrafficChart = lazy(() => import('./traffic-chart'));

const HOUR = 3_600_000;

/** Minute buckets of the last hour: requests by outcome, refusals by step and code (from the audit log). */
function perMinute(requests: AuditEntry[], violations: AuditEntry[]) {
  const buckets = new Map<string, Record<string, number | string>>();
  const bucket = (iso: string) => {
    const minute = iso.slice(11, 16);
    if (!buckets.has(minute)) buckets.set(minute, { minute, requests: 0 });
    return buckets.get(minute)!;
  };
  for (const r of requests) (bucket(r.time).requests as number)++;
  const series = new Set<string>();
  for (const v of violations) {
    const name = `${v.step ?? '?'}:${v.code ?? '?'}`;
    series.add(name);
    const b = bucket(v.time);
    b[name] = ((b[name] as number) ?? 0) + 1;
  }
  return {
    data: [...buckets.values()].sort((a, b) => String(a.minute).localeCompare(String(b.minute))),
    series: [...series],
  };
}

export default function OverviewPage() {
  const since = new Date(Date.now() - HOUR).toISOString();
  const traffic = useQuery({
    queryKey: ['overview', 'traffic'],
    queryFn: async () => {
      const [requests, violations] = await Promise.all([
        get<AuditEntry[]>('/audit/events', { type: 'request.completed', from: since, limit: 500 }),
        get<AuditEntry[]>('/audit/events', { type: 'policy.violated', from: since, limit: 500 }),
      ]);
      return { ...perMinute(requests, violations), violations };
    },
    refetchInterval: 10_000,
  });
  const budgets = useQuery({
    queryKey: ['budgets', 'status'],
    queryFn: () => get<BudgetStatus[]>('/budgets/status'),
  });
  const pending = useQuery({
    queryKey: ['approvals', 'pending'],
    queryFn: () => get<Approval[]>('/approvals', { status: 'pending', limit: 200 }),
    refetchInterval: 5_000,
  });
  const active = useQuery({
    queryKey: ['versions', 'active'],
    queryFn: () => get<PolicyVersion>('/api/v1/policies/active'),
  });
  // First meaningful paint: the headline figures (spend against budget, pending approvals, version in force) shown.
  useEffect(() => {
    if (
      budgets.isSuccess &&
      pending.isSuccess &&
      active.isSuccess &&
      performance.getEntriesByName('overview-painted').length === 0
    )
      performance.mark('overview-painted');
  }, [budgets.isSuccess, pending.isSuccess, active.isSuccess]);
  const daily = budgets.data?.find((b) => b.scope === 'org' && b.code === 'daily_budget');
  return (
    <Page title="Overview">
      <SimpleGrid cols={3}>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            Spend today
          </Text>
          <QueryView query={budgets}>
            {() => (
              <Stack gap={4}>
                <Title order={3} data-testid="spend-today">
                  {usd(daily?.spent_usd ?? 0)} of {usd(daily?.limit_usd ?? null)}
                </Title>
                {daily?.limit_usd ? (
                  <Progress
                    value={Math.min(100, (100 * daily.spent_usd) / daily.limit_usd)}
                    aria-label="Daily budget used"
                  />
                ) : null}
              </Stack>
            )}
          </QueryView>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            Pending approvals
          </Text>
          <QueryView query={pending} isEmpty={() => false}>
            {(items) => <Title order={3}>{items.length}</Title>}
          </QueryView>
        </Card>
        <Card withBorder>
          <Text size="sm" c="dimmed">
            Policy version in force
          </Text>
          <QueryView query={active} isEmpty={() => false}>
            {(v) => (
              <Group>
                <Title order={3}>v{v.policy_version}</Title>
                <Badge>{v.status}</Badge>
                <Text size="xs">{v.digest.slice(0, 19)}…</Text>
              </Group>
            )}
          </QueryView>
        </Card>
      </SimpleGrid>
      <Card withBorder>
        <Text fw={500} mb="sm">
          Requests and refusals per minute (last hour), refusals by step:code
        </Text>
        <QueryView
          query={traffic}
          isEmpty={(t) => t.data.length === 0}
          empty="No request in the last hour."
        >
          {(t) => (
            <Suspense fallback={<Loader size="sm" role="status" aria-label="Loading" />}>
              <TrafficChart data={t.data} series={t.series} />
            </Suspense>
          )}
        </QueryView>
      </Card>
      <Card withBorder>
        <Text fw={500} mb="sm">
          Recent violations
        </Text>
        <QueryView
          query={traffic}
          isEmpty={(t) => t.violations.length === 0}
          empty="No violation in the last hour."
        >
          {(t) => (
            <Table aria-label="Recent violations">
              <TableHead columns={['Time', 'Step', 'Code', 'Model', 'Agent', 'Key', 'Version']} />
              <Table.Tbody>
                {t.violations.slice(0, 10).map((v) => (
                  <Table.Tr key={v.event_id}>
                    <Table.Td>{when(v.time)}</Table.Td>
                    <Table.Td>{v.step}</Table.Td>
                    <Table.Td>{v.code}</Table.Td>
                    <Table.Td>{v.model}</Table.Td>
                    <Table.Td>{v.agent_id ?? '—'}</Table.Td>
                    <Table.Td>{v.key_id}</Table.Td>
                    <Table.Td>{v.policy_version}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryView>
      </Card>
    </Page>
  );
}
