import { useEffect, useState, type ReactNode } from 'react';
import {
  Accordion,
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  SegmentedControl,
  Select,
  Stack,
  Switch,
  Table,
  Text,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, put } from '../api';
import { canEdit, useSession } from '../session';
import type { Defaults, PiiAction, PolicyVersion, Settings, Team, Key } from '../types';
import { ErrorAlert, fieldError, Page, QueryView, TableHead, usd } from '../ui';
import { asPatch, changes, show } from './settings-diff';

const PII = [
  'api_key',
  'password',
  'email',
  'ssn',
  'credit_card',
  'phone',
  'jwt',
  'private_key',
  'iban',
];
const CATEGORIES = ['violence', 'self_harm', 'sexual', 'hate', 'harassment', 'illegal', 'weapons'];
const TIERS = ['economy', 'standard', 'premium', 'frontier'];

/** The content categories to tick for one setting. */
function CategoryChecks({
  label,
  value,
  onChange,
  error,
  disabled,
}: {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  error: ReactNode;
  disabled: boolean;
}) {
  return (
    <Checkbox.Group label={label} value={value} onChange={onChange} error={error}>
      <Group mt="xs">
        {CATEGORIES.map((c) => (
          <Checkbox key={c} value={c} label={c} disabled={disabled} />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

/** Settings → Governance: the seed's seven sections, plan defaults beside each value, a diff before saving. */
export default function SettingsPage() {
  const settings = useQuery({
    queryKey: ['settings'],
    queryFn: () => get<Settings>('/gateway/admin/governance/policy'),
  });
  const defaults = useQuery({
    queryKey: ['settings', 'defaults'],
    queryFn: () => get<Defaults>('/gateway/admin/governance/policy/defaults'),
  });
  const versions = useQuery({
    queryKey: ['versions'],
    queryFn: () => get<PolicyVersion[]>('/api/v1/policies'),
  });
  const draft = versions.data?.find((v) => v.status === 'draft');
  return (
    <Page title="Settings → Governance">
      {draft && (
        <Alert
          color="yellow"
          title={`Version ${draft.policy_version} is a draft awaiting signatures`}
        >
          {draft.signatures.length} of {draft.required_signers} signatures. The settings below are
          the newest version; the gateway enforces the active version until the quorum signs.
        </Alert>
      )}
      <QueryView query={settings}>
        {(live) =>
          defaults.data ? (
            <Editor live={live} defaults={defaults.data} />
          ) : (
            <QueryView query={defaults}>{() => null}</QueryView>
          )
        }
      </QueryView>
    </Page>
  );
}

function Default({ value }: { value: unknown }) {
  return (
    <Text size="xs" c="dimmed">
      plan default: {show(value)}
    </Text>
  );
}

function Editor({ live, defaults }: { live: Settings; defaults: Defaults }) {
  const { session } = useSession();
  const editable = canEdit(session);
  const client = useQueryClient();
  const [draft, setDraft] = useState<Settings>(live);
  const [reviewing, setReviewing] = useState(false);
  const [saved, setSaved] = useState<'live' | 'draft' | null>(null);
  useEffect(() => setDraft(live), [live]);
  const set = <K extends keyof Settings>(k: K, v: Settings[K]) =>
    setDraft((d) => ({ ...d, [k]: v }));
  const diff = changes(live, draft);
  const save = useMutation({
    // 202, or a newest version still a draft: the change awaits the signer quorum (not enforced yet).
    mutationFn: async () => {
      const res = await put<Settings>('/gateway/admin/governance/policy', asPatch(diff));
      const newest = (await get<PolicyVersion[]>('/api/v1/policies'))[0];
      return res.status === 202 || newest?.status === 'draft' ? 'draft' : 'live';
    },
    onSuccess: async (outcome) => {
      setSaved(outcome);
      setReviewing(false);
      await client.invalidateQueries({ queryKey: ['settings'] });
      await client.invalidateQueries({ queryKey: ['versions'] });
    },
    onError: () => setReviewing(false),
  });
  const err = save.error;
  const d = defaults.settings;
  const num = (
    k: keyof Settings,
    label: string,
    opts: { nullable?: boolean; step?: number; prefix?: string } = {},
  ) => (
    <Stack gap={2}>
      <NumberInput
        label={label}
        value={(draft[k] as number | null) ?? ''}
        onChange={(v) => set(k, (v === '' ? (opts.nullable ? null : 0) : Number(v)) as never)}
        disabled={!editable}
        min={0}
        step={opts.step}
        decimalScale={6}
        prefix={opts.prefix}
        placeholder={opts.nullable ? 'unlimited' : undefined}
        error={fieldError(err, k)}
      />
      <Default value={d[k]} />
    </Stack>
  );
  const section = (value: string, title: string, body: ReactNode) => (
    <Accordion.Item value={value}>
      <Accordion.Control>{title}</Accordion.Control>
      <Accordion.Panel>{body}</Accordion.Panel>
    </Accordion.Item>
  );
  return (
    <Stack>
      <Group>
        {/* A div, not a paragraph: a Badge is a div, which a <p> may not hold. */}
        <Text size="sm" component="div">
          Plan: <Badge>{defaults.plan}</Badge>
        </Text>
        {!editable && <Badge color="gray">read-only ({session?.role})</Badge>}
      </Group>
      {saved === 'draft' && (
        <Alert color="yellow" title="Saved as a draft">
          The change awaits the signer quorum (Policies → Versions) before it is enforced.
        </Alert>
      )}
      {saved === 'live' && (
        <Alert color="green" title="Saved">
          The change is live.
        </Alert>
      )}
      {err && <ErrorAlert error={err} />}
      <Accordion multiple defaultValue={['rate', 'budgets']} variant="separated">
        {section(
          'rate',
          'Rate limits',
          <Group grow align="flex-start">
            {num('rate_limit_rpm', 'Org requests per minute', { nullable: true })}
            {num('key_rpm', 'Key requests per minute', { nullable: true })}
            {num('burst_pct', 'Burst (%)')}
          </Group>,
        )}
        {section(
          'budgets',
          'Budgets',
          <Stack>
            <Group grow align="flex-start">
              {num('daily_budget_usd', 'Daily org budget (USD)', { nullable: true, prefix: '$' })}
              {num('per_request_limit_usd', 'Per-request limit (USD)', {
                nullable: true,
                prefix: '$',
              })}
              {num('runner_session_budget_usd', 'Runner session budget (USD)', {
                nullable: true,
                prefix: '$',
              })}
            </Group>
            <BudgetMap
              label="Team daily budgets"
              kind="team"
              value={draft.team_budgets}
              onChange={(v) => set('team_budgets', v)}
              editable={editable}
              error={fieldError(err, 'team_budgets')}
            />
            <BudgetMap
              label="Key daily budgets"
              kind="key"
              value={draft.key_budgets}
              onChange={(v) => set('key_budgets', v)}
              editable={editable}
              error={fieldError(err, 'key_budgets')}
            />
          </Stack>,
        )}
        {section(
          'pii',
          'PII',
          <Stack>
            <Switch
              label="PII scanning enabled"
              checked={draft.pii_scanning_enabled}
              onChange={(e) => set('pii_scanning_enabled', e.currentTarget.checked)}
              disabled={!editable}
            />
            <Table aria-label="PII patterns">
              <Table.Tbody>
                {PII.map((p) => (
                  <Table.Tr key={p}>
                    <Table.Td>{p}</Table.Td>
                    <Table.Td>
                      <SegmentedControl
                        aria-label={`${p} action`}
                        data={['off', 'warn', 'redact', 'block']}
                        value={draft.pii_patterns[p] ?? draft.pii_action}
                        onChange={(v) =>
                          set('pii_patterns', { ...draft.pii_patterns, [p]: v as PiiAction })
                        }
                        disabled={!editable}
                        size="xs"
                      />
                    </Table.Td>
                    <Table.Td>
                      <Default value={d.pii_patterns[p] ?? d.pii_action} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {fieldError(err, 'pii_patterns') && (
              <Text c="red" size="sm">
                {fieldError(err, 'pii_patterns')}
              </Text>
            )}
          </Stack>,
        )}
        {section(
          'content',
          'Content safety',
          <Stack>
            <CategoryChecks
              label="Blocked categories"
              value={draft.content_safety}
              onChange={(v) => set('content_safety', v)}
              error={fieldError(err, 'content_safety')}
              disabled={!editable}
            />
            <Default value={d.content_safety.join(', ')} />
            <CategoryChecks
              label="Content-review gate (held for a reviewer instead of blocked)"
              value={draft.content_review}
              onChange={(v) => set('content_review', v)}
              error={fieldError(err, 'content_review')}
              disabled={!editable}
            />
            <Default value={d.content_review.join(', ') || 'none'} />
          </Stack>,
        )}
        {section(
          'models',
          'Model allowlist',
          <Models
            draft={draft}
            defaults={defaults}
            set={set}
            editable={editable}
            error={fieldError(err, 'model_allowlist')}
          />,
        )}
        {section(
          'hitl',
          'Human approval (HITL)',
          <Group grow align="flex-start">
            {num('hitl_cost_threshold_usd', 'Cost gate: hold requests above (USD)', {
              nullable: true,
              prefix: '$',
            })}
            {num('hitl_timeout_hours', 'Timeout (hours) before auto-deny')}
          </Group>,
        )}
        {section(
          'security',
          'Security scanner',
          <Group align="flex-end">
            <Switch
              label="Scanner enabled"
              checked={draft.security_scanner.enabled}
              onChange={(e) =>
                set('security_scanner', {
                  ...draft.security_scanner,
                  enabled: e.currentTarget.checked,
                })
              }
              disabled={!editable}
            />
            <Select
              label="Sensitivity"
              data={['low', 'medium', 'high']}
              value={draft.security_scanner.sensitivity}
              onChange={(v) =>
                v && set('security_scanner', { ...draft.security_scanner, sensitivity: v as 'low' })
              }
              disabled={!editable}
              error={fieldError(err, 'security_scanner')}
            />
            <Default
              value={`${d.security_scanner.enabled ? 'on' : 'off'}, ${d.security_scanner.sensitivity}`}
            />
          </Group>,
        )}
      </Accordion>
      {editable && (
        <Group>
          <Button onClick={() => setReviewing(true)} disabled={diff.length === 0}>
            Review {diff.length} change{diff.length === 1 ? '' : 's'}
          </Button>
          <Button variant="default" onClick={() => setDraft(live)} disabled={diff.length === 0}>
            Discard
          </Button>
        </Group>
      )}
      <Modal
        opened={reviewing}
        onClose={() => setReviewing(false)}
        title="Changes to save"
        size="xl"
      >
        <Table aria-label="Changes">
          <TableHead columns={['Field', 'Now', 'After saving']} />
          <Table.Tbody>
            {diff.map((c) => (
              <Table.Tr key={c.field}>
                <Table.Td>{c.field}</Table.Td>
                <Table.Td>{show(c.from)}</Table.Td>
                <Table.Td>{show(c.to)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group justify="flex-end" mt="md">
          <Button onClick={() => save.mutate()} loading={save.isPending}>
            Save
          </Button>
        </Group>
      </Modal>
    </Stack>
  );
}

function Models({
  draft,
  defaults,
  set,
  editable,
  error,
}: {
  draft: Settings;
  defaults: Defaults;
  set: <K extends keyof Settings>(k: K, v: Settings[K]) => void;
  editable: boolean;
  error?: string;
}) {
  const allow = draft.model_allowlist;
  return (
    <Stack>
      <SegmentedControl
        aria-label="Allowlist mode"
        data={['all', 'tier', 'explicit']}
        value={allow.mode}
        disabled={!editable}
        onChange={(mode) =>
          set(
            'model_allowlist',
            mode === 'all'
              ? { mode: 'all' }
              : mode === 'tier'
                ? { mode: 'tier', max_tier: 'standard' }
                : { mode: 'explicit', models: [] },
          )
        }
      />
      {allow.mode === 'tier' && (
        <Select
          label="Highest tier allowed"
          data={TIERS}
          value={allow.max_tier}
          onChange={(v) => v && set('model_allowlist', { mode: 'tier', max_tier: v })}
          disabled={!editable}
          error={error}
        />
      )}
      {allow.mode === 'explicit' && (
        <MultiSelect
          label="Allowed models"
          data={[...new Set([...defaults.models.map((m) => m.id), ...allow.models, 'mock/echo'])]}
          value={allow.models}
          onChange={(models) => set('model_allowlist', { mode: 'explicit', models })}
          disabled={!editable}
          searchable
          error={error}
        />
      )}
      {allow.mode === 'all' && error && (
        <Text c="red" size="sm">
          {error}
        </Text>
      )}
      <Default value={defaults.settings.model_allowlist} />
      <Table aria-label="Model catalogue" striped>
        <TableHead
          columns={['Model', 'Provider', 'Tier', 'Input / M tokens', 'Output / M tokens']}
        />
        <Table.Tbody>
          {defaults.models.map((m) => (
            <Table.Tr key={m.id}>
              <Table.Td>{m.id}</Table.Td>
              <Table.Td>{m.provider}</Table.Td>
              <Table.Td>{m.tier}</Table.Td>
              <Table.Td>{usd(m.input_per_mtok_usd)}</Table.Td>
              <Table.Td>{usd(m.output_per_mtok_usd)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

function BudgetMap({
  label,
  kind,
  value,
  onChange,
  editable,
  error,
}: {
  label: string;
  kind: 'team' | 'key';
  value: Record<string, number>;
  onChange: (v: Record<string, number>) => void;
  editable: boolean;
  error?: string;
}) {
  const options = useQuery({
    queryKey: ['budget-options', kind],
    queryFn: async () =>
      kind === 'team'
        ? (await get<Team[]>('/governance/teams')).map((t) => ({ value: t.id, label: t.name }))
        : (await get<Key[]>('/governance/keys'))
            .filter((k) => k.kind === 'gateway' && k.status === 'active')
            .map((k) => ({ value: k.id, label: `${k.name ?? k.id} (${k.prefix}…)` })),
  });
  const [pick, setPick] = useState<string | null>(null);
  const free = (options.data ?? []).filter((o) => !(o.value in value));
  return (
    <Stack gap="xs">
      <Text size="sm" fw={500}>
        {label}
      </Text>
      {Object.entries(value).map(([id, amount]) => (
        <Group key={id}>
          <Text size="sm" w={260}>
            {options.data?.find((o) => o.value === id)?.label ?? id}
          </Text>
          <NumberInput
            aria-label={`${label}: ${id}`}
            value={amount}
            prefix="$"
            min={0}
            decimalScale={6}
            disabled={!editable}
            onChange={(v) => onChange({ ...value, [id]: Number(v) || 0 })}
          />
          {editable && (
            <Button
              size="xs"
              variant="subtle"
              color="red"
              onClick={() =>
                onChange(Object.fromEntries(Object.entries(value).filter(([k]) => k !== id)))
              }
            >
              Remove
            </Button>
          )}
        </Group>
      ))}
      {editable && free.length > 0 && (
        <Group>
          <Select
            aria-label={`Add a ${kind} budget`}
            placeholder={`Add a ${kind}…`}
            data={free}
            value={pick}
            onChange={setPick}
          />
          <Button
            size="xs"
            variant="light"
            disabled={!pick}
            onClick={() => pick && (onChange({ ...value, [pick]: 10 }), setPick(null))}
          >
            Add
          </Button>
        </Group>
      )}
      {error && (
        <Text c="red" size="sm">
          {error}
        </Text>
      )}
    </Stack>
  );
}
