import { useState } from 'react';
import {
  Alert,
  Badge,
  Button,
  Group,
  JsonInput,
  PasswordInput,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { request } from '../api';
import { ErrorAlert, Page, TableHead } from '../ui';

interface Trace {
  decision: string;
  decided_by: { step: string; code: string; message: string } | null;
  policy: { policy_version: number; digest: string } | null;
  estimated_cost_usd: string | null;
  governance_ms: number;
  steps: {
    number: number;
    step: string;
    verdict: string;
    code: string | null;
    policy_id: string | null;
    policy_version: number;
    duration_ms: number;
  }[];
  findings: {
    detector: string;
    label: string;
    action: string;
    score?: number;
    spans?: { field: string; start: number; end: number }[];
  }[];
  detector_scores: {
    detector: string;
    label: string;
    score: number;
    threshold: number | null;
    error?: string;
  }[];
}

const SAMPLE = JSON.stringify(
  { model: 'mock/echo', messages: [{ role: 'user', content: 'Hello through the gateway' }] },
  null,
  2,
);
const COLOR: Record<string, string> = {
  allow: 'green',
  warn: 'yellow',
  redact: 'cyan',
  block: 'red',
  needs_approval: 'orange',
  skipped: 'gray',
};

/**
 * Explain: the 13-step trace of a chat request for a gateway key (`POST /v1/governance/explain`),
 * without calling a provider. The gateway key is used for this call only and never stored.
 */
export default function ExplainPage() {
  const [key, setKey] = useState('');
  const [body, setBody] = useState(SAMPLE);
  const explain = useMutation({
    mutationFn: () =>
      request<Trace>('POST', '/v1/governance/explain', JSON.parse(body), key.trim()),
  });
  const trace = explain.data?.data;
  return (
    <Page title="Explain">
      <Stack>
        <PasswordInput
          label="Gateway key (gk_…)"
          description="Used for this call only; not stored."
          value={key}
          onChange={(e) => setKey(e.currentTarget.value)}
        />
        <JsonInput
          label="Chat request"
          value={body}
          onChange={setBody}
          autosize
          minRows={6}
          validationError="Not valid JSON"
          formatOnBlur
        />
        <Group>
          <Button
            onClick={() => explain.mutate()}
            loading={explain.isPending}
            disabled={!key.trim()}
          >
            Explain
          </Button>
        </Group>
        {explain.error && <ErrorAlert error={explain.error} />}
        {trace && (
          <Stack>
            <Alert color={COLOR[trace.decision] ?? 'blue'} title={`Decision: ${trace.decision}`}>
              {trace.decided_by
                ? `${trace.decided_by.step} / ${trace.decided_by.code}: ${trace.decided_by.message}`
                : 'Every step allowed the request.'}{' '}
              Policy version {trace.policy?.policy_version ?? '—'}, {trace.governance_ms.toFixed(2)}{' '}
              ms in the chain, estimated cost ${trace.estimated_cost_usd ?? '—'}.
            </Alert>
            <Table aria-label="Decision trace">
              <TableHead
                columns={['#', 'Step', 'Verdict', 'Code', 'Policy', 'Version', 'Time (ms)']}
              />
              <Table.Tbody>
                {trace.steps.map((s) => (
                  <Table.Tr key={s.number}>
                    <Table.Td>{s.number}</Table.Td>
                    <Table.Td>{s.step}</Table.Td>
                    <Table.Td>
                      <Badge color={COLOR[s.verdict] ?? 'gray'}>{s.verdict}</Badge>
                    </Table.Td>
                    <Table.Td>{s.code ?? '—'}</Table.Td>
                    <Table.Td>{s.policy_id ?? '—'}</Table.Td>
                    <Table.Td>{s.policy_version}</Table.Td>
                    <Table.Td>{s.duration_ms.toFixed(3)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Table aria-label="Detector scores">
              <TableHead columns={['Detector', 'Label', 'Score', 'Threshold', 'Finding']} />
              <Table.Tbody>
                {(trace.detector_scores ?? []).map((d) => {
                  const found = (trace.findings ?? []).find(
                    (f) => f.detector === d.detector && f.label === d.label,
                  );
                  return (
                    <Table.Tr key={`${d.detector}/${d.label}`}>
                      <Table.Td>{d.detector}</Table.Td>
                      <Table.Td>{d.label}</Table.Td>
                      <Table.Td>{d.error ? `error: ${d.error}` : d.score.toFixed(4)}</Table.Td>
                      <Table.Td>{d.threshold ?? '—'}</Table.Td>
                      <Table.Td>
                        {found ? (
                          <>
                            <Badge color={COLOR[found.action] ?? 'orange'}>{found.action}</Badge>{' '}
                            {(found.spans ?? [])
                              .map((s) => `${s.field} [${s.start}, ${s.end})`)
                              .join('; ')}
                          </>
                        ) : (
                          '—'
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
            <Text size="xs" c="dimmed">
              No model provider was called (an org&apos;s remote guardrails are). Findings name
              fields and character spans, never the text.
            </Text>
          </Stack>
        )}
      </Stack>
    </Page>
  );
}
