import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  JsonInput,
  Modal,
  Select,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { del, get, patch, post } from '../api';
import { canEdit, useSession } from '../session';
import type { PolicyVersion, Rule } from '../types';
import { ErrorAlert, fieldError, QueryTable, QueryView, TabbedPage, TableHead, when } from '../ui';
import { diffDocuments } from './policy-diff';

const TYPES = [
  'model_allowlist',
  'block_provider',
  'require_approval',
  'budget_limit',
  'rate_limit',
  'require_human_review',
  'pii_scan',
  'content_safety',
  'security_scan',
  'minimum_safety_score',
  'max_chain_length',
  'required_fields',
];
const EXAMPLE: Record<string, unknown> = {
  model_allowlist: { allowed_models: ['gpt-4o-mini', 'mock/echo'] },
  block_provider: { provider: 'openai' },
  require_approval: { environment: 'production', min_cost_usd: 1 },
  budget_limit: { monthly_limit_usd: 100 },
  rate_limit: { requests_per_minute: 60 },
  require_human_review: { review_interval_days: 30, on_overdue: 'block' },
};

/** Typed rules (CRUD), the deployer policy's versions, a diff between two, signatures, templates. */
export default function PoliciesPage() {
  return <TabbedPage title="Policies" tabs={POLICIES_TABS} />;
}

const POLICIES_TABS = [
  { value: 'rules', label: 'Rules', panel: <Rules /> },
  { value: 'versions', label: 'Versions and signatures', panel: <Versions /> },
  { value: 'templates', label: 'Templates', panel: <Templates /> },
];

function Rules() {
  const { session } = useSession();
  const client = useQueryClient();
  const rules = useQuery({
    queryKey: ['rules'],
    queryFn: () => get<Rule[]>('/governance/policies'),
  });
  const [editing, setEditing] = useState<Partial<Rule> | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: ['rules'] });
  const toggle = useMutation({
    mutationFn: (r: Rule) => patch(`/governance/policies/${r.id}`, { enabled: !r.enabled }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/governance/policies/${id}`),
    onSuccess: refresh,
  });
  const editable = canEdit(session);
  return (
    <Stack>
      {editable && (
        <Group>
          <Button
            onClick={() =>
              setEditing({
                policy_type: 'model_allowlist',
                scope: 'global',
                enabled: true,
                config: EXAMPLE.model_allowlist as Record<string, unknown>,
              })
            }
          >
            New rule
          </Button>
        </Group>
      )}
      {(toggle.error || remove.error) && <ErrorAlert error={toggle.error ?? remove.error} />}
      <QueryTable
        query={rules}
        empty="No typed rule yet."
        label="Rules"
        columns={['Name', 'Type', 'Scope', 'Config', 'Enabled', '']}
        row={(r) => (
          <>
            <Table.Td>{r.name}</Table.Td>
            <Table.Td>{r.policy_type}</Table.Td>
            <Table.Td>
              {[r.scope, r.team_id, r.agent_id, r.key_id].filter(Boolean).join(' ')}
            </Table.Td>
            <Table.Td>
              <Text size="xs" ff="monospace">
                {JSON.stringify(r.config).slice(0, 80)}
              </Text>
            </Table.Td>
            <Table.Td>
              <Switch
                aria-label={`${r.name} enabled`}
                checked={r.enabled}
                disabled={!editable}
                onChange={() => toggle.mutate(r)}
              />
            </Table.Td>
            <Table.Td>
              {editable && (
                <Group gap="xs">
                  <Button size="xs" variant="light" onClick={() => setEditing(r)}>
                    Edit
                  </Button>
                  <Button
                    size="xs"
                    variant="light"
                    color="red"
                    onClick={() => window.confirm(`Delete ${r.name}?`) && remove.mutate(r.id)}
                  >
                    Delete
                  </Button>
                </Group>
              )}
            </Table.Td>
          </>
        )}
      />
      {editing && <RuleEditor rule={editing} onClose={() => setEditing(null)} onSaved={refresh} />}
    </Stack>
  );
}

function RuleEditor({
  rule,
  onClose,
  onSaved,
}: {
  rule: Partial<Rule>;
  onClose: () => void;
  onSaved: () => void;
}) {
  const [form, setForm] = useState({ ...rule, config: JSON.stringify(rule.config ?? {}, null, 2) });
  const save = useMutation({
    mutationFn: async () => {
      const body = {
        name: form.name,
        description: form.description ?? null,
        policy_type: form.policy_type,
        config: JSON.parse(form.config),
        scope: form.scope,
        team_id: form.team_id || undefined,
        agent_id: form.agent_id || undefined,
        key_id: form.key_id || undefined,
        enabled: form.enabled,
      };
      if (rule.id) {
        const { policy_type: _type, ...changes } = body;
        return patch(`/governance/policies/${rule.id}`, changes);
      }
      return post('/governance/policies', body);
    },
    onSuccess: () => {
      onSaved();
      onClose();
    },
  });
  const e = save.error;
  const scopeField =
    form.scope === 'team'
      ? 'team_id'
      : form.scope === 'agent'
        ? 'agent_id'
        : form.scope === 'key'
          ? 'key_id'
          : null;
  return (
    <Modal opened onClose={onClose} title={rule.id ? `Edit ${rule.name}` : 'New rule'} size="lg">
      <Stack>
        <TextInput
          label="Name"
          value={form.name ?? ''}
          onChange={(ev) => setForm({ ...form, name: ev.currentTarget.value })}
          error={fieldError(e, 'name')}
        />
        <Select
          label="Type"
          data={TYPES}
          value={form.policy_type ?? null}
          disabled={!!rule.id}
          allowDeselect={false}
          onChange={(t) =>
            t &&
            setForm({ ...form, policy_type: t, config: JSON.stringify(EXAMPLE[t] ?? {}, null, 2) })
          }
          error={fieldError(e, 'policy_type')}
        />
        <Select
          label="Scope"
          data={['global', 'team', 'agent', 'key']}
          value={form.scope ?? 'global'}
          allowDeselect={false}
          onChange={(s) => s && setForm({ ...form, scope: s as Rule['scope'] })}
          error={fieldError(e, 'scope')}
        />
        {scopeField && (
          <TextInput
            label={scopeField}
            value={(form[scopeField] as string) ?? ''}
            onChange={(ev) => setForm({ ...form, [scopeField]: ev.currentTarget.value })}
            error={fieldError(e, scopeField)}
          />
        )}
        <JsonInput
          label="Config"
          value={form.config}
          onChange={(config) => setForm({ ...form, config })}
          autosize
          minRows={4}
          validationError="Not valid JSON"
          error={fieldError(e, 'config')}
        />
        <Switch
          label="Enabled"
          checked={form.enabled ?? true}
          onChange={(ev) => setForm({ ...form, enabled: ev.currentTarget.checked })}
        />
        {e &&
          !(
            e instanceof Error &&
            'fields' in e &&
            (e as { fields: unknown[] }).fields.length > 0
          ) && <ErrorAlert error={e} />}
        <Button onClick={() => save.mutate()} loading={save.isPending}>
          Save rule
        </Button>
      </Stack>
    </Modal>
  );
}

function Versions() {
  const versions = useQuery({
    queryKey: ['versions'],
    queryFn: () => get<PolicyVersion[]>('/api/v1/policies'),
  });
  const [a, setA] = useState<string | null>(null);
  const [b, setB] = useState<string | null>(null);
  const diff = useQuery({
    queryKey: ['version-diff', a, b],
    enabled: !!a && !!b,
    queryFn: async () => {
      const [left, right] = await Promise.all([
        get<PolicyVersion>(`/api/v1/policies/${a}`),
        get<PolicyVersion>(`/api/v1/policies/${b}`),
      ]);
      return diffDocuments(left.document, right.document);
    },
  });
  const options = (versions.data ?? []).map((v) => ({
    value: v.id,
    label: `v${v.policy_version} (${v.status})`,
  }));
  return (
    <Stack>
      <QueryView query={versions} empty="No version.">
        {(items) => (
          <Table aria-label="Policy versions">
            <TableHead
              columns={['Version', 'Status', 'Change', 'Signatures', 'Digest', 'Created']}
            />
            <Table.Tbody>
              {items.map((v) => (
                <Table.Tr key={v.id}>
                  <Table.Td>v{v.policy_version}</Table.Td>
                  <Table.Td>
                    <Badge
                      color={
                        v.status === 'active' ? 'green' : v.status === 'draft' ? 'yellow' : 'gray'
                      }
                    >
                      {v.status}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{v.change?.kind ?? '—'}</Table.Td>
                  <Table.Td>
                    {v.signatures.length} of {v.required_signers}
                    {v.signatures.length > 0 &&
                      ` (${v.signatures.map((s) => s.signer).join(', ')})`}
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" ff="monospace">
                      {v.digest.slice(0, 23)}…
                    </Text>
                  </Table.Td>
                  <Table.Td>{when(v.created_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryView>
      <Group align="flex-end">
        <Select label="Compare version" data={options} value={a} onChange={setA} />
        <Select label="with version" data={options} value={b} onChange={setB} />
      </Group>
      {a && b && (
        <QueryView query={diff} empty="The two versions hold the same document.">
          {(lines) => (
            <Table aria-label="Version diff">
              <TableHead columns={['Path', 'Before', 'After']} />
              <Table.Tbody>
                {lines.map((l) => (
                  <Table.Tr key={l.path}>
                    <Table.Td ff="monospace">{l.path}</Table.Td>
                    <Table.Td>{l.before ?? '—'}</Table.Td>
                    <Table.Td>{l.after ?? '—'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryView>
      )}
    </Stack>
  );
}

function Templates() {
  const { session } = useSession();
  const client = useQueryClient();
  const templates = useQuery({
    queryKey: ['templates'],
    queryFn: () => get<{ name: string; description: string }[]>('/api/v1/policies/templates'),
  });
  const publish = useMutation({
    mutationFn: (template: string) => post<PolicyVersion>('/api/v1/policies', { template }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['versions'] }),
  });
  const published = publish.data;
  return (
    <Stack>
      {published && (
        <Alert
          color={published.status === 202 || published.data.status === 'draft' ? 'yellow' : 'green'}
        >
          Published v{published.data.policy_version} as {published.data.status}
          {published.data.status === 'draft'
            ? ` — ${published.data.signatures.length} of ${published.data.required_signers} signatures`
            : ''}
          .
        </Alert>
      )}
      {publish.error && <ErrorAlert error={publish.error} />}
      <QueryView query={templates} empty="No template.">
        {(items) => (
          <Table aria-label="Templates">
            <Table.Tbody>
              {items.map((t) => (
                <Table.Tr key={t.name}>
                  <Table.Td fw={500}>{t.name}</Table.Td>
                  <Table.Td>{t.description}</Table.Td>
                  <Table.Td>
                    {canEdit(session) && (
                      <Button
                        size="xs"
                        variant="light"
                        onClick={() =>
                          window.confirm(`Publish a new version from ${t.name}?`) &&
                          publish.mutate(t.name)
                        }
                      >
                        Publish from template
                      </Button>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryView>
    </Stack>
  );
}
