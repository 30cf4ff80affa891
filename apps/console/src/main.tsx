import '@mantine/core/styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createTheme, MantineProvider, type CSSVariablesResolver } from '@mantine/core';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router-dom';
import { App } from './app';
import { SessionProvider } from './session';

/** Dimmed text one shade darker than Mantine's default, for WCAG AA contrast (axe-core color-contrast). */
const resolver: CSSVariablesResolver = (theme) => ({ variables: {}, light: { '--mantine-color-dimmed': theme.colors.gray[7] }, dark: {} });

/** Filled colours one shade darker than the default: white text on them meets WCAG AA. */
const theme = createTheme({ primaryShade: 8 });

const queries = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false, staleTime: 2_000 } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} cssVariablesResolver={resolver}>
      <QueryClientProvider client={queries}>
        <SessionProvider>
          <BrowserRouter basename="/console">
            <App />
          </BrowserRouter>
        </SessionProvider>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
