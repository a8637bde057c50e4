import { render } from 'preact';
import { App } from './components/App.tsx';
import { AppContext } from './context.ts';
import { createController } from './controller.ts';
import { createStore } from './store.ts';

const root = document.getElementById('app');
if (!root) throw new Error('index.html is missing #app');

const app = createController(createStore());

render(
  <AppContext.Provider value={app}>
    <App />
  </AppContext.Provider>,
  root,
);

void app.boot();
