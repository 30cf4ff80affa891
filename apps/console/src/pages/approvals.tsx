import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  Modal,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, get, post } from '../api';
import { canDecide, useSession } from '../session';
import type { Agent, Approval, Key } from '../types';
import { ErrorAlert, fieldError, Page, QueryView, TableHead, usd, when } from '../ui';

/**
 * Pending approvals refresh every two seconds; while one is open for a decision, its own
 * long-poll (`GET /approvals/:id?wait=25`) notices at once when someone else decides it.
 */
export default function ApprovalsPage() {
  const [tab, setTab] = useState<string | null>('pending');
  return (
    <Page title="Approval queue">
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="pending">Pending</Tabs.Tab>
          <Tabs.Tab value="history">History</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="pending" pt="md">
          {tab === 'pending' && <Pending />}
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          {tab === 'history' && <History />}
        </Tabs.Panel>
      </Tabs>
    </Page>
  );
}

const timeLeft = (iso: string) => {
  const ms = Date.parse(iso) - Date.now();
  if (ms <= 0) return 'expired';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return h > 0 ? `${h} h ${m} min` : `${m} min`;
};

function Pending() {
  const { session } = useSession();
  const [open, setOpen] = useState<Approval | null>(null);
  const query = useQuery({
    queryKey: ['approvals', 'pending'],
    queryFn: () => get<Approval[]>('/approvals', { status: 'pending', limit: 200 }),
    refetchInterval: 2_000,
  });
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => get<Key[]>('/governance/keys') });
  const agents = useQuery({
    queryKey: ['agents'],
    queryFn: () => get<Agent[]>('/governance/agents'),
  });
  const keyName = (id: string) => {
    const k = keys.data?.find((x) => x.id === id);
    return k ? `${k.name ?? k.id} (${k.prefix}…)` : id;
  };
  const agentName = (id: string | null) =>
    id ? (agents.data?.find((a) => a.id === id)?.name ?? id) : '—';
  return (
    <>
      <QueryView query={query} empty="No request is waiting for approval.">
        {(items) => (
          <Table striped aria-label="Pending approvals">
            <TableHead
              columns={[
                'Approval',
                'Agent',
                'Key',
                'Model',
                'Estimated cost',
                'Why held',
                'Time left',
                '',
              ]}
            />
            <Table.Tbody>
              {items.map((a) => (
                <Table.Tr key={a.id} data-approval={a.id}>
                  <Table.Td>{a.id}</Table.Td>
                  <Table.Td>{agentName(a.agent_id)}</Table.Td>
                  <Table.Td>{keyName(a.key_id)}</Table.Td>
                  <Table.Td>{a.model}</Table.Td>
                  <Table.Td>{usd(a.estimated_cost_usd)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" mr="xs">
                      {a.trigger.kind}
                    </Badge>
                    {a.trigger.detail}
                  </Table.Td>
                  <Table.Td>{timeLeft(a.expires_at)}</Table.Td>
                  <Table.Td>
                    {canDecide(session) ? (
                      <Button size="xs" onClick={() => setOpen(a)}>
                        Decide
                      </Button>
                    ) : (
                      <Text size="xs">read-only</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryView>
      {open && <Decide approval={open} onClose={() => setOpen(null)} />}
    </>
  );
}

const FOUR_EYES = /four.?eyes|same_person|self_approval|issued/i;

function Decide({ approval, onClose }: { approval: Approval; onClose: () => void }) {
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const live = useQuery({
    queryKey: ['approval', approval.id, 'wait'],
    queryFn: () => get<Approval>(`/approvals/${approval.id}`, { wait: 25 }),
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'pending' ? false : 1),
  });
  const decide = useMutation({
    mutationFn: (verb: 'approve' | 'reject') =>
      post<Approval>(`/approvals/${approval.id}/${verb}`, {
        reason: reason.trim() || (verb === 'approve' ? null : ''),
      }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['approvals'] });
      onClose();
    },
  });
  const error = decide.error;
  const fourEyes =
    error instanceof ApiError &&
    error.status === 403 &&
    FOUR_EYES.test(`${error.code} ${error.message}`);
  const decidedElsewhere = live.data && live.data.status !== 'pending';
  return (
    <Modal opened onClose={onClose} title={`Decide ${approval.id}`} size="lg">
      <Stack>
        <Text size="sm">
          {approval.model} · {usd(approval.estimated_cost_usd)} · requested{' '}
          {when(approval.requested_at)} · {approval.trigger.detail}
        </Text>
        {decidedElsewhere && <Alert color="yellow">Already decided: {live.data!.status}</Alert>}
        <Textarea
          label="Reason"
          description="Required to reject; recorded in the audit log."
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError(error, 'reason')}
        />
        {fourEyes && (
          <Alert color="orange" title="Four-eyes rule" role="alert">
            You issued the key that made this request, so another reviewer must decide it.{' '}
            {error.message}
          </Alert>
        )}
        {error && !fourEyes && !fieldError(error, 'reason') && <ErrorAlert error={error} />}
        <Group justify="flex-end">
          <Button
            color="red"
            variant="light"
            loading={decide.isPending && decide.variables === 'reject'}
            onClick={() => decide.mutate('reject')}
            disabled={!!decidedElsewhere}
          >
            Reject
          </Button>
          <Button
            color="green"
            loading={decide.isPending && decide.variables === 'approve'}
            onClick={() => decide.mutate('approve')}
            disabled={!!decidedElsewhere}
          >
            Approve
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function History() {
  const query = useQuery({
    queryKey: ['approvals', 'history'],
    queryFn: async () => {
      const lists = await Promise.all(
        ['granted', 'rejected', 'expired', 'consumed'].map((status) =>
          get<Approval[]>('/approvals', { status, limit: 200 }),
        ),
      );
      return lists
        .flat()
        .sort((a, b) =>
          (b.decided_at ?? b.requested_at).localeCompare(a.decided_at ?? a.requested_at),
        );
    },
  });
  return (
    <QueryView query={query} empty="No decided or expired approval yet.">
      {(items) => (
        <Table striped aria-label="Decided approvals">
          <TableHead columns={['Approval', 'Status', 'Model', 'Decided by', 'Reason', 'When']} />
          <Table.Tbody>
            {items.map((a) => (
              <Table.Tr key={a.id}>
                <Table.Td>{a.id}</Table.Td>
                <Table.Td>
                  <Badge
                    color={a.status === 'rejected' || a.status === 'expired' ? 'red' : 'green'}
                  >
                    {a.status}
                  </Badge>
                </Table.Td>
                <Table.Td>{a.model}</Table.Td>
                <Table.Td>
                  {a.decided_by?.id ?? (a.status === 'expired' ? 'timeout' : '—')}
                </Table.Td>
                <Table.Td>{a.reason ?? '—'}</Table.Td>
                <Table.Td>{when(a.decided_at ?? a.requested_at)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </QueryView>
  );
}
