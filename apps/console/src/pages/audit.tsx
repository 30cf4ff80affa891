import { useState } from 'react';
import { Alert, Button, Code, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { download, get, getPage } from '../api';
import type { AuditEntry } from '../types';
import { ErrorAlert, fieldError, Page, QueryView, TableHead, when } from '../ui';

const FILTERS = ['type', 'agent_id', 'step', 'code', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const EMPTY: Filters = { type: '', agent_id: '', step: '', code: '', from: '', to: '' };

/** The org's audit chain: filters, cursor paging (newest first), hash links, verify, export. */
export default function AuditPage() {
  const [form, setForm] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [cursors, setCursors] = useState<string[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const cursor = cursors.at(-1);
  const page = useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: () => getPage<AuditEntry[]>('/audit/events', { ...filters, cursor, limit: 25 }),
  });
  const verify = useMutation({
    mutationFn: () =>
      get<{ ok: boolean; checked: number; first_broken: number | null }>('/audit/verify'),
  });
  const exporting = useMutation({
    mutationFn: (format: 'jsonl' | 'csv') =>
      download(`/audit/export?format=${format}`, `audit.${format}`),
  });
  return (
    <Page title="Audit">
      <Group align="flex-end">
        {FILTERS.map((f) => (
          <TextInput
            key={f}
            label={f}
            placeholder={f === 'from' || f === 'to' ? '2026-01-01T00:00:00Z' : undefined}
            value={form[f]}
            onChange={(e) => setForm({ ...form, [f]: e.currentTarget.value })}
            error={fieldError(page.error, f)}
            w={f === 'from' || f === 'to' ? 210 : 150}
          />
        ))}
        <Button
          onClick={() => {
            setFilters(form);
            setCursors([]);
          }}
        >
          Filter
        </Button>
      </Group>
      <Group>
        <Button variant="light" onClick={() => verify.mutate()} loading={verify.isPending}>
          Verify chain
        </Button>
        <Button variant="default" onClick={() => exporting.mutate('jsonl')}>
          Export JSONL
        </Button>
        <Button variant="default" onClick={() => exporting.mutate('csv')}>
          Export CSV
        </Button>
      </Group>
      {verify.data && (
        <Alert
          color={verify.data.ok ? 'green' : 'red'}
          title={verify.data.ok ? 'Chain verified: ok' : 'Chain broken'}
          data-testid="verify-result"
        >
          {verify.data.checked} entries checked
          {verify.data.first_broken !== null
            ? `; first broken at position ${verify.data.first_broken}`
            : '.'}
        </Alert>
      )}
      {verify.error && <ErrorAlert error={verify.error} />}
      {exporting.error && <ErrorAlert error={exporting.error} />}
      <QueryView query={page} isEmpty={(p) => p.data.length === 0} empty="No audit entry matches.">
        {(p) => (
          <Stack>
            <Table striped highlightOnHover aria-label="Audit entries">
              <TableHead
                columns={['#', 'Time', 'Type', 'Step', 'Code', 'Agent', 'Key', 'Version']}
              />
              <Table.Tbody>
                {p.data.map((e) => (
                  <Table.Tr
                    key={e.event_id}
                    onClick={() => setOpen(e.event_id)}
                    style={{ cursor: 'pointer' }}
                  >
                    <Table.Td>
                      <Button
                        variant="subtle"
                        size="compact-xs"
                        onClick={() => setOpen(e.event_id)}
                      >
                        {e.position}
                      </Button>
                    </Table.Td>
                    <Table.Td>{when(e.time)}</Table.Td>
                    <Table.Td>{e.type}</Table.Td>
                    <Table.Td>{e.step ?? '—'}</Table.Td>
                    <Table.Td>{e.code ?? '—'}</Table.Td>
                    <Table.Td>{e.agent_id ?? '—'}</Table.Td>
                    <Table.Td>{e.key_id ?? '—'}</Table.Td>
                    <Table.Td>{e.policy_version ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group>
              <Button
                variant="default"
                disabled={cursors.length === 0}
                onClick={() => setCursors(cursors.slice(0, -1))}
              >
                Newer
              </Button>
              <Button
                variant="default"
                disabled={!p.next_cursor}
                onClick={() => p.next_cursor && setCursors([...cursors, p.next_cursor])}
              >
                Older
              </Button>
            </Group>
          </Stack>
        )}
      </QueryView>
      {open && <Detail id={open} onClose={() => setOpen(null)} />}
    </Page>
  );
}

function Detail({ id, onClose }: { id: string; onClose: () => void }) {
  const entry = useQuery({
    queryKey: ['audit', 'entry', id],
    queryFn: () => get<AuditEntry>(`/audit/events/${id}`),
  });
  return (
    <Modal opened onClose={onClose} title={`Audit entry ${id}`} size="xl">
      <QueryView query={entry} isEmpty={() => false}>
        {(e) => (
          <Stack gap="xs">
            <Text size="sm">
              Position {e.position} of chain {e.chain} · {e.type} · recorded {when(e.recorded_at)}
            </Text>
            <Text size="sm">Previous hash</Text>
            <Code>{e.prev_hash}</Code>
            <Text size="sm">Hash</Text>
            <Code>{e.hash}</Code>
            <Code block mah={360} style={{ overflow: 'auto' }}>
              {JSON.stringify(e.event, null, 2)}
            </Code>
          </Stack>
        )}
      </QueryView>
    </Modal>
  );
}
