import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Code,
  CopyButton,
  Group,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, post } from '../api';
import { canEdit, useSession } from '../session';
import type { Agent, Key, Team } from '../types';
import { ErrorAlert, fieldError, QueryTable, QueryView, TabbedPage, TableHead, when } from '../ui';

/** Agents, teams and keys: create, issue (secret shown once), revoke, review status and records. */
export default function AgentsPage() {
  return <TabbedPage title="Agents and keys" tabs={AGENTS_TABS} />;
}

const AGENTS_TABS = [
  { value: 'agents', label: 'Agents', panel: <Agents /> },
  { value: 'teams', label: 'Teams', panel: <Teams /> },
  { value: 'keys', label: 'Keys', panel: <Keys /> },
];

const useTeams = () =>
  useQuery({ queryKey: ['teams'], queryFn: () => get<Team[]>('/governance/teams') });
const useAgents = () =>
  useQuery({ queryKey: ['agents'], queryFn: () => get<Agent[]>('/governance/agents') });

function Teams() {
  const { session } = useSession();
  const client = useQueryClient();
  const teams = useTeams();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => post<Team>('/governance/teams', { name }),
    onSuccess: () => {
      setName('');
      return client.invalidateQueries({ queryKey: ['teams'] });
    },
  });
  return (
    <Stack>
      {canEdit(session) && (
        <Group align="flex-end">
          <TextInput
            label="New team name"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={fieldError(create.error, 'name')}
          />
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            Create team
          </Button>
        </Group>
      )}
      {create.error && !fieldError(create.error, 'name') && <ErrorAlert error={create.error} />}
      <QueryTable
        query={teams}
        empty="No team yet."
        label="Teams"
        columns={['Team', 'Id', 'Created']}
        row={(t) => (
          <>
            <Table.Td>{t.name}</Table.Td>
            <Table.Td>{t.id}</Table.Td>
            <Table.Td>{when(t.created_at)}</Table.Td>
          </>
        )}
      />
    </Stack>
  );
}

function Agents() {
  const { session } = useSession();
  const client = useQueryClient();
  const agents = useAgents();
  const teams = useTeams();
  const [form, setForm] = useState({
    name: '',
    environment: 'production',
    team_id: null as string | null,
  });
  const [reviewing, setReviewing] = useState<Agent | null>(null);
  const create = useMutation({
    mutationFn: () => post<Agent>('/governance/agents', form),
    onSuccess: () => {
      setForm({ ...form, name: '' });
      return client.invalidateQueries({ queryKey: ['agents'] });
    },
  });
  return (
    <Stack>
      {canEdit(session) && (
        <Group align="flex-end">
          <TextInput
            label="New agent name"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
            error={fieldError(create.error, 'name')}
          />
          <TextInput
            label="Environment"
            value={form.environment}
            onChange={(e) => setForm({ ...form, environment: e.currentTarget.value })}
            error={fieldError(create.error, 'environment')}
          />
          <Select
            label="Team"
            clearable
            data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
            value={form.team_id}
            onChange={(team_id) => setForm({ ...form, team_id })}
            error={fieldError(create.error, 'team_id')}
          />
          <Button onClick={() => create.mutate()} loading={create.isPending}>
            Create agent
          </Button>
        </Group>
      )}
      {create.error && !create.error.message.match(/name|environment|team_id/) && (
        <ErrorAlert error={create.error} />
      )}
      <QueryTable
        query={agents}
        empty="No agent yet."
        label="Agents"
        columns={['Agent', 'Id', 'Environment', 'Review', 'Last reviewed', '']}
        row={(a) => (
          <>
            <Table.Td>{a.name}</Table.Td>
            <Table.Td>{a.id}</Table.Td>
            <Table.Td>{a.environment}</Table.Td>
            <Table.Td>
              {!a.review?.required ? (
                <Badge color="gray">not required</Badge>
              ) : a.review.overdue ? (
                <Badge color="red">overdue</Badge>
              ) : (
                <Badge color="green">due {when(a.review.next_review_due)}</Badge>
              )}
            </Table.Td>
            <Table.Td>{when(a.review?.last_reviewed_at)}</Table.Td>
            <Table.Td>
              {session?.role !== 'viewer' && (
                <Button size="xs" variant="light" onClick={() => setReviewing(a)}>
                  Record review
                </Button>
              )}
            </Table.Td>
          </>
        )}
      />
      {reviewing && <RecordReview agent={reviewing} onClose={() => setReviewing(null)} />}
    </Stack>
  );
}

function RecordReview({ agent, onClose }: { agent: Agent; onClose: () => void }) {
  const client = useQueryClient();
  const [notes, setNotes] = useState('');
  const record = useMutation({
    mutationFn: () => post(`/governance/agents/${agent.id}/reviews`, { notes: notes || null }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: ['agents'] });
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={`Record a review of ${agent.name}`}>
      <Stack>
        <Textarea
          label="Notes"
          value={notes}
          onChange={(e) => setNotes(e.currentTarget.value)}
          error={fieldError(record.error, 'notes')}
        />
        {record.error && !fieldError(record.error, 'notes') && <ErrorAlert error={record.error} />}
        <Button onClick={() => record.mutate()} loading={record.isPending}>
          Record review
        </Button>
      </Stack>
    </Modal>
  );
}

function Keys() {
  const { session } = useSession();
  const client = useQueryClient();
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => get<Key[]>('/governance/keys') });
  const teams = useTeams();
  const agents = useAgents();
  const [form, setForm] = useState({
    kind: 'gateway',
    role: 'viewer',
    name: '',
    team_id: null as string | null,
    agent_id: null as string | null,
  });
  const [secret, setSecret] = useState<string | null>(null);
  const issue = useMutation({
    mutationFn: () =>
      post<Key & { key: string }>(
        '/governance/keys',
        form.kind === 'gateway'
          ? {
              kind: 'gateway',
              name: form.name || null,
              team_id: form.team_id,
              agent_id: form.agent_id,
            }
          : { kind: 'admin', role: form.role, name: form.name || null },
      ),
    onSuccess: (res) => {
      setSecret(res.data.key);
      return client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del(`/governance/keys/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['keys'] }),
  });
  const editable = canEdit(session);
  return (
    <Stack>
      {editable && (
        <Group align="flex-end">
          <Select
            label="Kind"
            data={['gateway', 'admin']}
            value={form.kind}
            onChange={(kind) => kind && setForm({ ...form, kind })}
            allowDeselect={false}
          />
          {form.kind === 'admin' ? (
            <Select
              label="Role"
              data={['owner', 'admin', 'reviewer', 'viewer']}
              value={form.role}
              onChange={(role) => role && setForm({ ...form, role })}
              error={fieldError(issue.error, 'role')}
              allowDeselect={false}
            />
          ) : (
            <>
              <Select
                label="Team"
                clearable
                data={(teams.data ?? []).map((t) => ({ value: t.id, label: t.name }))}
                value={form.team_id}
                onChange={(team_id) => setForm({ ...form, team_id })}
                error={fieldError(issue.error, 'team_id')}
              />
              <Select
                label="Agent"
                clearable
                data={(agents.data ?? []).map((a) => ({ value: a.id, label: a.name }))}
                value={form.agent_id}
                onChange={(agent_id) => setForm({ ...form, agent_id })}
                error={fieldError(issue.error, 'agent_id')}
              />
            </>
          )}
          <TextInput
            label="Key name"
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.currentTarget.value })}
            error={fieldError(issue.error, 'name')}
          />
          <Button onClick={() => issue.mutate()} loading={issue.isPending}>
            Issue key
          </Button>
        </Group>
      )}
      {issue.error && <ErrorAlert error={issue.error} />}
      {revoke.error && <ErrorAlert error={revoke.error} />}
      <QueryView query={keys} empty="No key yet.">
        {(items) => (
          <Table aria-label="Keys">
            <TableHead columns={['Name', 'Prefix', 'Kind', 'Bound to', 'Status', 'Created', '']} />
            <Table.Tbody>
              {items.map((k) => (
                <Table.Tr key={k.id} data-key={k.id}>
                  <Table.Td>{k.name ?? k.id}</Table.Td>
                  <Table.Td>
                    <Code>{k.prefix}…</Code>
                  </Table.Td>
                  <Table.Td>{k.kind === 'admin' ? `admin (${k.role})` : 'gateway'}</Table.Td>
                  <Table.Td>{[k.team_id, k.agent_id].filter(Boolean).join(', ') || '—'}</Table.Td>
                  <Table.Td>
                    <Badge color={k.status === 'active' ? 'green' : 'gray'}>{k.status}</Badge>
                  </Table.Td>
                  <Table.Td>{when(k.created_at)}</Table.Td>
                  <Table.Td>
                    {editable && k.status === 'active' && (
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        onClick={() =>
                          window.confirm(
                            `Revoke ${k.name ?? k.id}? Gateways refuse it within a second.`,
                          ) && revoke.mutate(k.id)
                        }
                      >
                        Revoke
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryView>
      <Modal
        opened={secret !== null}
        onClose={() => setSecret(null)}
        title="New key — shown once"
        size="lg"
      >
        <Stack>
          <Alert color="yellow">
            Copy it now: the secret is stored hashed and is never shown again.
          </Alert>
          <Code block aria-label="New key secret">
            {secret}
          </Code>
          <CopyButton value={secret ?? ''}>
            {({ copied, copy }) => <Button onClick={copy}>{copied ? 'Copied' : 'Copy'}</Button>}
          </CopyButton>
          <Text size="xs" c="dimmed">
            Closing this dialog forgets the secret.
          </Text>
        </Stack>
      </Modal>
    </Stack>
  );
}
