import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ComposerApp } from './components/compose/ComposerApp';
import './styles/compose-app.css';

const root = document.getElementById('root');
if (!root) throw new Error('compose.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ComposerApp />
  </StrictMode>,
);
