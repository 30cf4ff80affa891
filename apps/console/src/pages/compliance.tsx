import { useState, type ReactNode } from 'react';
import {
  Accordion,
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from '../api';
import { canEdit, useSession } from '../session';
import type { AppliedRemediation, CheckStatus, ComplianceReport, Remediation } from '../types';
import { ErrorAlert, Page, QueryView, TableHead } from '../ui';
import '@mantine/charts/styles.css';

/** Filled shades (with autoContrast) that keep WCAG AA contrast for the badge text. */
const COLOR: Record<CheckStatus, string> = {
  pass: '#1f6e34',
  partial: 'yellow.5',
  fail: 'red.9',
  not_applicable: 'gray.7',
};
const LABEL: Record<CheckStatus, string> = {
  pass: 'pass',
  partial: 'partial',
  fail: 'fail',
  not_applicable: 'n/a',
};

/** A field value or fact as found (null shown as such, not as "unlimited"). */
const show = (v: unknown) =>
  v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

const StatusBadge = ({ status }: { status: CheckStatus }) => (
  <Badge color={COLOR[status]} variant="filled" autoContrast>
    {LABEL[status]}
  </Badge>
);

/**
 * EU AI Act compliance (issue 13): the score of the active policy version (overall, per article,
 * per agent risk tier), each check's evidence, and each remediation with its dry-run diff and Apply
 * (owner/admin). There is no score history route: "score over time" charts the current score and
 * the score each remediation would reach, as the API computes them (docs/console.md).
 */
export default function CompliancePage() {
  const report = useQuery({
    queryKey: ['compliance'],
    queryFn: () => get<ComplianceReport>('/governance/compliance'),
  });
  const remediations = useQuery({
    queryKey: ['compliance', 'remediations'],
    queryFn: () => get<Remediation[]>('/governance/compliance/remediations'),
  });
  // The outcome of the last Apply lives on the page, not in its card: a remediation whose check
  // now passes leaves the list on the refetch, and its note must outlive it.
  const [outcome, setOutcome] = useState<AppliedRemediation | null>(null);
  return (
    <Page title="Compliance">
      <Text size="sm" c="dimmed">
        Regulation (EU) 2024/1689 (the AI Act), scored on what the gateway governs. The score is an
        aid, not legal advice.
      </Text>
      <QueryView query={report}>
        {(r) => <Score report={r} remediations={remediations.data ?? []} />}
      </QueryView>
      <Title order={3}>Remediations</Title>
      {outcome && <AppliedNote outcome={outcome} />}
      <QueryView
        query={remediations}
        empty="Nothing to remediate: every check a policy change can fix passes."
      >
        {(list) => (
          <Stack gap="sm">
            {list.map((r) => (
              <RemediationCard key={r.id} remediation={r} onApplied={setOutcome} />
            ))}
          </Stack>
        )}
      </QueryView>
      <Title order={3}>Checks</Title>
      <QueryView query={report} isEmpty={(r) => r.checks.length === 0}>
        {(r) => <Checks report={r} />}
      </QueryView>
    </Page>
  );
}

function Score({
  report,
  remediations,
}: {
  report: ComplianceReport;
  remediations: Remediation[];
}) {
  const outlook = [
    { step: 'now', score: report.score },
    ...remediations.map((r) => ({ step: `after ${r.article}`, score: r.score_after })),
  ];
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }}>
      <Card withBorder>
        <Text size="sm" c="dimmed">
          Compliance score
        </Text>
        <Text fz={40} fw={700} data-testid="compliance-score">
          {report.score.toFixed(1)}%
        </Text>
        <Text size="xs" c="dimmed">
          model {report.model_version} · policy version {report.policy_version ?? '—'}
        </Text>
      </Card>
      <Card withBorder>
        <Text size="sm" c="dimmed" id="tier-scores">
          By agent risk tier
        </Text>
        {report.by_risk_tier.length === 0 ? (
          <Text size="sm">No agent yet.</Text>
        ) : (
          <Table aria-labelledby="tier-scores">
            <TableHead columns={['tier', 'agents', 'score']} />
            <Table.Tbody>
              {report.by_risk_tier.map((t) => (
                <Table.Tr key={t.tier}>
                  <Table.Td>{t.tier}</Table.Td>
                  <Table.Td>{t.agents.length}</Table.Td>
                  <Table.Td>{t.score.toFixed(1)}%</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>
      <Card withBorder>
        <Text size="sm" c="dimmed">
          Score now and after each remediation
        </Text>
        <BarChart
          h={140}
          data={outlook}
          dataKey="step"
          series={[{ name: 'score', color: 'blue.6' }]}
          yAxisProps={{ domain: [0, 100] }}
        />
      </Card>
    </SimpleGrid>
  );
}

function Checks({ report }: { report: ComplianceReport }) {
  return (
    <Accordion variant="separated" multiple>
      {report.checks.map((c) => (
        <Accordion.Item key={c.id} value={c.id} data-check={c.id}>
          <Accordion.Control>
            <Group gap="sm">
              <StatusBadge status={c.status} />
              <Text fw={600}>{c.article}</Text>
              <Text>{c.title}</Text>
              <Text size="xs" c="dimmed">
                weight {c.weight}
              </Text>
            </Group>
          </Accordion.Control>
          <Accordion.Panel>
            <Table aria-label={`Evidence for ${c.article}`}>
              <TableHead columns={['requirement', 'source', 'found', 'met']} />
              <Table.Tbody>
                {c.evidence.map((e, i) => (
                  <Table.Tr key={i}>
                    <Table.Td>{e.requirement}</Table.Td>
                    <Table.Td>
                      <code>{e.source}</code>
                    </Table.Td>
                    <Table.Td>
                      <code>{show(e.value)}</code>
                    </Table.Td>
                    <Table.Td>{e.met === null ? 'unknown' : e.met ? 'yes' : 'no'}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function Diff({ diff, label }: { diff: Remediation['diff']; label: string }) {
  return (
    <Table aria-label={label}>
      <TableHead columns={['field', 'before', 'after']} />
      <Table.Tbody>
        {diff.map((d) => (
          <Table.Tr key={d.path}>
            <Table.Td>
              <code>{d.path}</code>
            </Table.Td>
            <Table.Td>
              <code>{show(d.before)}</code>
            </Table.Td>
            <Table.Td>
              <code>{show(d.after)}</code>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function RemediationCard({
  remediation: r,
  onApplied,
}: {
  remediation: Remediation;
  onApplied: (outcome: AppliedRemediation) => void;
}) {
  const { session } = useSession();
  const editable = canEdit(session);
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const path = `/governance/compliance/remediations/${encodeURIComponent(r.id)}/apply`;
  const preview = useMutation({
    mutationFn: async () => (await post<AppliedRemediation>(`${path}?dry_run=true`)).data,
  });
  const apply = useMutation({
    mutationFn: async () => (await post<AppliedRemediation>(path)).data,
    onSuccess: async (res) => {
      onApplied(res);
      setOpen(false);
      await client.invalidateQueries({ queryKey: ['compliance'] });
      await client.invalidateQueries({ queryKey: ['versions'] });
      await client.invalidateQueries({ queryKey: ['settings'] });
    },
  });
  const review = () => {
    apply.reset();
    setOpen(true);
    preview.mutate();
  };
  return (
    <Card withBorder>
      <Group justify="space-between">
        <Group gap="sm">
          <Text fw={600}>{r.article}</Text>
          <Text>{r.title}</Text>
          <StatusBadge status={r.status_before} />
          <Text size="sm">→</Text>
          <StatusBadge status={r.status_after} />
          <Text size="sm" c="dimmed">
            score {r.score_before.toFixed(1)}% → {r.score_after.toFixed(1)}%
          </Text>
        </Group>
        {editable ? (
          <Button onClick={review}>Preview {r.article} remediation</Button>
        ) : (
          <Badge color="gray">read-only ({session?.role})</Badge>
        )}
      </Group>
      <Modal
        opened={open}
        onClose={() => setOpen(false)}
        title={`${r.article}: ${r.title}`}
        closeButtonProps={{ 'aria-label': 'Close' }}
        size="xl"
      >
        <Stack>
          <QueryViewOfMutation state={preview}>
            {(p) => (
              <>
                <Text size="sm">
                  Dry run: the change below, score {p.score_before.toFixed(1)}% →{' '}
                  {p.score_after.toFixed(1)}%.
                </Text>
                <Diff diff={p.diff} label="Remediation diff" />
              </>
            )}
          </QueryViewOfMutation>
          {apply.isError && <ErrorAlert error={apply.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              onClick={() => apply.mutate()}
              loading={apply.isPending}
              disabled={!preview.isSuccess}
            >
              Apply
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function AppliedNote({ outcome }: { outcome: AppliedRemediation }) {
  const v = outcome.version;
  if (v?.status === 'draft')
    return (
      <Alert
        color="yellow"
        mt="sm"
        title={`Saved as a draft: version ${v.policy_version} awaits signatures`}
      >
        {v.signatures.length} of {v.required_signers} signatures. The score changes once the quorum
        signs and the version is active.
      </Alert>
    );
  return (
    <Alert color="green" mt="sm" title="Remediation applied">
      Version {v?.policy_version} is live.
    </Alert>
  );
}

/** Loading and error states of the dry run, then its diff. */
function QueryViewOfMutation<T>({
  state,
  children,
}: {
  state: { isPending: boolean; isError: boolean; error: unknown; data?: T };
  children: (data: T) => ReactNode;
}) {
  if (state.isError) return <ErrorAlert error={state.error} />;
  if (state.data === undefined)
    return (
      <Text size="sm" c="dimmed">
        Computing the dry run…
      </Text>
    );
  return <>{children(state.data)}</>;
}
