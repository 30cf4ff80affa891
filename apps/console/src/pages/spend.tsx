import { useState } from 'react';
import {
  Card,
  Group,
  Progress,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api';
import type { AuditEntry, BudgetStatus, SpendRow } from '../types';
import { fieldError, Page, QueryView, usd, when } from '../ui';
import '@mantine/charts/styles.css';

const GROUPS = ['org', 'model', 'team', 'key', 'agent', 'tag'];
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

/** Spend by day and by dimension over a period, budget utilisation per level, budget alerts. */
export default function SpendPage() {
  const [groupBy, setGroupBy] = useState('model');
  const [period, setPeriod] = useState('day');
  const [from, setFrom] = useState(daysAgo(6));
  const [to, setTo] = useState(daysAgo(-1));
  const range = { from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` };
  const spend = useQuery({
    queryKey: ['spend', groupBy, period, from, to],
    queryFn: () => get<SpendRow[]>('/budgets/spend', { group_by: groupBy, period, ...range }),
  });
  const byDay = useQuery({
    queryKey: ['spend', 'org', 'day', from, to],
    queryFn: () => get<SpendRow[]>('/budgets/spend', { group_by: 'org', period: 'day', ...range }),
  });
  const status = useQuery({
    queryKey: ['budgets', 'status'],
    queryFn: () => get<BudgetStatus[]>('/budgets/status'),
  });
  const alerts = useQuery({
    queryKey: ['budget-alerts'],
    queryFn: async () =>
      (
        await Promise.all(
          ['budget.threshold_reached', 'budget.exceeded'].map((type) =>
            get<AuditEntry[]>('/audit/events', { type, limit: 20 }),
          ),
        )
      )
        .flat()
        .sort((a, b) => b.time.localeCompare(a.time)),
  });
  const totals = new Map<string, number>();
  for (const r of spend.data ?? [])
    totals.set(r.id ?? '(none)', (totals.get(r.id ?? '(none)') ?? 0) + r.spent_usd);
  return (
    <Page title="Spend">
      <Group align="flex-end">
        <TextInput
          label="From"
          type="date"
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          error={fieldError(spend.error, 'from')}
        />
        <TextInput
          label="To (exclusive)"
          type="date"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          error={fieldError(spend.error, 'to')}
        />
        <Select
          label="Group by"
          data={GROUPS}
          value={groupBy}
          onChange={(v) => v && setGroupBy(v)}
          allowDeselect={false}
        />
        <SegmentedControl
          aria-label="Period"
          data={['day', 'month']}
          value={period}
          onChange={setPeriod}
        />
      </Group>
      <Card withBorder>
        <Text fw={500}>Spend by day</Text>
        <QueryView query={byDay} empty="No spend in this period.">
          {(rows) => (
            <BarChart
              h={220}
              dataKey="day"
              data={rows.map((r) => ({
                day: r.period_start.slice(0, 10),
                spent_usd: r.spent_usd,
                requests: r.requests,
              }))}
              series={[{ name: 'spent_usd', color: 'blue.6' }]}
            />
          )}
        </QueryView>
      </Card>
      <Card withBorder>
        <Text fw={500}>Spend by {groupBy}</Text>
        <QueryView query={spend} empty="No spend in this period.">
          {() => (
            <BarChart
              h={220}
              dataKey="id"
              data={[...totals].map(([id, spent_usd]) => ({ id, spent_usd }))}
              series={[{ name: 'spent_usd', color: 'teal.6' }]}
            />
          )}
        </QueryView>
      </Card>
      <Card withBorder>
        <Text fw={500} mb="sm">
          Budget utilisation
        </Text>
        <QueryView query={status} empty="No budget is set.">
          {(rows) => (
            <Stack gap="sm">
              {rows.map((b) => (
                <Stack key={`${b.scope}:${b.scope_id}:${b.code}`} gap={2}>
                  <Text size="sm">
                    {b.label} ({b.period}): {usd(b.spent_usd)} of {usd(b.limit_usd)}
                  </Text>
                  {b.limit_usd ? (
                    <Progress
                      value={Math.min(100, (100 * b.spent_usd) / b.limit_usd)}
                      aria-label={`${b.label} used`}
                    />
                  ) : null}
                </Stack>
              ))}
            </Stack>
          )}
        </QueryView>
      </Card>
      <Card withBorder>
        <Text fw={500} mb="sm">
          Budget alerts
        </Text>
        <QueryView query={alerts} empty="No budget alert.">
          {(rows) => (
            <Table aria-label="Budget alerts">
              <Table.Tbody>
                {rows.map((a) => (
                  <Table.Tr key={a.event_id}>
                    <Table.Td>{when(a.time)}</Table.Td>
                    <Table.Td>{a.type}</Table.Td>
                    <Table.Td>{JSON.stringify(a.event?.data ?? {}).slice(0, 160)}</Table.Td>
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
