import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';

const COLORS = ['red.6', 'orange.6', 'grape.6', 'pink.6', 'yellow.7', 'cyan.6'];

/** Requests per minute and refusals per minute by step:code (Overview). */
export default function TrafficChart({
  data,
  series,
}: {
  data: Record<string, number | string>[];
  series: string[];
}) {
  return (
    <BarChart
      h={260}
      data={data}
      dataKey="minute"
      withLegend
      series={[
        { name: 'requests', color: 'blue.6' },
        ...series.map((name, i) => ({ name, color: COLORS[i % COLORS.length] })),
      ]}
    />
  );
}
