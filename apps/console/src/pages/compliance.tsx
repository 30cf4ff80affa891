import { Text } from '@mantine/core';
import { Page } from '../ui';

/** A place in the navigation for the EU AI Act compliance dashboard (it arrives with the compliance issue). */
export default function CompliancePage() {
  return (
    <Page title="Compliance">
      <Text c="dimmed">
        The EU AI Act compliance dashboard arrives with the compliance work; this page keeps its place.
      </Text>
    </Page>
  );
}
