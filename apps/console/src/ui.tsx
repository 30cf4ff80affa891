import type { ReactNode } from 'react';
import { Alert, Center, Loader, Stack, Table, Tabs, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { ApiError } from './api';

/** Loading, error and empty states of one query, then its content. */
export function QueryView<T>({
  query,
  empty,
  isEmpty,
  children,
}: {
  query: UseQueryResult<T>;
  empty?: string;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) {
    return (
      <Center p="lg">
        <Loader size="sm" role="status" aria-label="Loading" />
      </Center>
    );
  }
  if (query.isError) return <ErrorAlert error={query.error} />;
  const data = query.data as T;
  const none = isEmpty ? isEmpty(data) : Array.isArray(data) && data.length === 0;
  if (none)
    return (
      <Text c="dimmed" p="md">
        {empty ?? 'Nothing here yet.'}
      </Text>
    );
  return <>{children(data)}</>;
}

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? ` (${error.code})` : '';
  return (
    <Alert color="red" title={title ?? 'The API refused'} role="alert">
      {message}
      {code}
    </Alert>
  );
}

/** The message the API gave for `field`, if the last error named it. */
export const fieldError = (error: unknown, field: string) =>
  error instanceof ApiError ? error.fieldError(field) : undefined;

export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <Stack gap="md">
      <Stack gap={4}>
        <Title order={2}>{title}</Title>
        {actions}
      </Stack>
      {children}
    </Stack>
  );
}

export const usd = (n: number | null | undefined) =>
  n === null || n === undefined
    ? 'unlimited'
    : `$${n.toLocaleString('en-US', { maximumFractionDigits: 6 })}`;
export const when = (iso: string | null | undefined) =>
  iso ? new Date(iso).toLocaleString('en-GB', { timeZone: 'UTC' }) + ' UTC' : '—';

/** A table's header row: one cell per column, '' for a column without a heading. */
export function TableHead({ columns }: { columns: readonly string[] }) {
  return (
    <Table.Thead>
      <Table.Tr>
        {columns.map((column, i) => (
          <Table.Th key={i}>{column || null}</Table.Th>
        ))}
      </Table.Tr>
    </Table.Thead>
  );
}

/**
 * A query's items as a table, one row each (keyed by id), with QueryView's loading, error
 * and empty states.
 */
export function QueryTable<T extends { id: string }>({
  query,
  empty,
  label,
  columns,
  row,
}: {
  query: UseQueryResult<T[]>;
  empty: string;
  label: string;
  columns: readonly string[];
  row: (item: T) => ReactNode;
}) {
  return (
    <QueryView query={query} empty={empty}>
      {(items) => (
        <Table aria-label={label}>
          <TableHead columns={columns} />
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.id}>{row(item)}</Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </QueryView>
  );
}

/** One tab of a `TabbedPage`: its value, its label and what it shows. */
export interface PageTab {
  value: string;
  label: string;
  panel: ReactNode;
}

/** A page made of tabs, the first one open at start. */
export function TabbedPage({ title, tabs }: { title: string; tabs: readonly PageTab[] }) {
  return (
    <Page title={title}>
      <Tabs defaultValue={tabs[0]?.value}>
        <Tabs.List>
          {tabs.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map((tab) => (
          <Tabs.Panel key={tab.value} value={tab.value} pt="md">
            {tab.panel}
          </Tabs.Panel>
        ))}
      </Tabs>
    </Page>
  );
}
